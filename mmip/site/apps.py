from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The pages that read every app (home, organisations, search, about the data, a
    workstream's page, the timeline, the sitemap) and the staff admin of organisations."""

    name = "mmip.site"
    label = "site"
    verbose_name = "Site-wide pages"
