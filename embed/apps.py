from django.apps import AppConfig


class EmbedConfig(AppConfig):
    """Widgets other sites may frame (a workstream's headline figures, an organisation's
    awards, the funding explorer's chart for a filter) and the page that builds their code."""

    name = "embed"
    verbose_name = "Embeddable widgets"
