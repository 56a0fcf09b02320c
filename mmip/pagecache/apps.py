from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    name = "mmip.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from mmip.pagecache.sequence import install_triggers

        # After every migrate (the test database's too), once every app's tables exist.
        post_migrate.connect(install_triggers, sender=self)
        post_migrate.connect(make_cache_table, sender=self)


def make_cache_table(using: str = "default", **kwargs) -> None:
    """The database cache needs its table; createcachetable is a no-op when it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
