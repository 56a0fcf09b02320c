from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Open data in"

    def ready(self):
        from funding import provenance
        from imports.provenance import DatasetOrigins

        # Funding's pages and downloads say which awards came from a funder's file, without
        # funding importing this app (funding/provenance.py).
        provenance.register(DatasetOrigins())
