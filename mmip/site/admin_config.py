from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin, with the staff's front page as its index (mmip/site/admin_site.py).
    Named in INSTALLED_APPS in place of django.contrib.admin."""

    default_site = "mmip.site.admin_site.StaffAdminSite"
