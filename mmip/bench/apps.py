from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Developer tooling: make bench, make loadtest and synthetic records. Installed only in
    development mode (settings), so production never offers these commands."""

    name = "mmip.bench"
    label = "bench"
    verbose_name = "Benchmarks"
