from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MmipConfig(AppConfig):
    name = "mmip"
    verbose_name = "Directory of organisations"

    def ready(self):
        from mmip.caching import install_triggers, make_cache_table

        # After every migrate (the test database's too): the record-generation triggers on
        # every record table, and the database cache's table.
        post_migrate.connect(install_triggers, sender=self)
        post_migrate.connect(make_cache_table, sender=self)
