import os

from django.core.management.base import BaseCommand

from mmip.bench.loadtest import load_test
from mmip.bench.report import write_section


class Command(BaseCommand):
    help = (
        "Load the production server (gunicorn, DEBUG off) on loopback with wrk at 16 and 64 "
        "connections, against the main pages and a constant tiny response, and write "
        "throughput, p50, p99 and errors to docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=10, help="Length of each run.")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)

    def handle(self, *args, seconds, workers, **options):
        report = load_test(
            workers=workers,
            seconds=seconds,
            write=self.stdout.write,
            verbosity=options["verbosity"],
        )
        path = write_section("loadtest", report)
        self.stdout.write(self.style.SUCCESS(f"Wrote the load test figures to {path}"))
