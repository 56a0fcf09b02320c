"""The staff's admin site: Django's, with the staff's front page (mmip/site/staff.py) on its
index. Made the default site by mmip.site.apps.StaffAdminConfig, so every app's
``admin.site.register`` lands here."""

from django.contrib import admin


class StaffAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        # Imported here: this site is made while the admin modules staff.py reads from are
        # still being loaded.
        from mmip.site.staff import front_page

        return super().index(
            request, extra_context={**(extra_context or {}), "front_page": front_page(request)}
        )
