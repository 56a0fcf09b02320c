"""manage.py bench (`make bench`): the funding explorer and its downloads at 100,000 awards,
/progress/ and a workstream's page with 10,000 milestones beside them, the JSON API's awards
at that scale, the explorer against Datasette serving the same awards, the import of those
awards' 360Giving export into an empty database, and the main pages on the demo record.

It never touches the configured database: it works in databases of its own on the same
server (mmip/bench/databases.py), made on the first run and reused after. The explorer's
figures go into the "bench" section of docs/benchmarks.md (mmip/bench/explorer.py), the
API's into "bench-api" (mmip/bench/api.py), the comparison with Datasette into "bench-peer"
(mmip/bench/peer.py), the import's into "imports" (mmip/bench/importing.py) and the main
pages' into "bench-pages" (mmip/bench/demo_pages.py).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mmip.bench import api, explorer, importing, peer, progress_pages
from mmip.bench.api_report import ApiReport
from mmip.bench.databases import bench_database, beside, switched_to
from mmip.bench.demo_pages import markdown, measure_demo_pages
from mmip.bench.explorer_report import Report
from mmip.bench.importing_report import ImportsReport
from mmip.bench.measure import measuring
from mmip.bench.peer_report import PeerReport
from mmip.bench.report import write_section
from mmip.bench.synthetic import default_milestones


class Command(BaseCommand):
    help = (
        "Measure the funding explorer's pages and full downloads at 100,000 synthetic awards, and "
        "/progress/ and a workstream's page with 10,000 synthetic milestones and their reporting, "
        "in a separate database (<configured name>_bench or BENCH_DATABASE_URL, created and reused), "
        "the JSON API's award list and summary there, the explorer against Datasette serving the "
        "same awards, the import of those awards' 360Giving export into an empty database "
        "(<that name>_import), and the main pages on the demo record (in <that name>_demo), and "
        "write the figures to docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--awards",
            type=int,
            default=100_000,
            help="Awards in the benchmark database (default 100,000).",
        )
        parser.add_argument(
            "--milestones",
            type=int,
            help="Milestones in the benchmark database (default a tenth of the awards).",
        )
        parser.add_argument(
            "--compare-awards",
            type=int,
            default=1_000,
            help="Awards in the small database that query counts are compared with (default 1,000).",
        )
        parser.add_argument(
            "--repeat", type=int, default=50, help="Timed requests of each page (default 50)."
        )
        parser.add_argument(
            "--warmup", type=int, default=5, help="Untimed requests of each page first (default 5)."
        )
        parser.add_argument(
            "--download-runs", type=int, default=3, help="Runs of each full download (default 3)."
        )
        parser.add_argument(
            "--database-name",
            help="Name of the benchmark database (default <configured name>_bench).",
        )
        only = parser.add_mutually_exclusive_group()
        only.add_argument(
            "--pages-only",
            action="store_true",
            help="Measure only the main pages on the demo record (quick: no synthetic record).",
        )
        only.add_argument(
            "--api-only",
            action="store_true",
            help="Measure only the JSON API's award list and summary at scale.",
        )
        only.add_argument(
            "--peer-only",
            action="store_true",
            help="Measure only the explorer against Datasette serving the same awards.",
        )
        only.add_argument(
            "--imports-only",
            action="store_true",
            help="Measure only the import of the synthetic awards' 360Giving export.",
        )
        parser.add_argument(
            "--download",
            choices=sorted(explorer.DOWNLOADS),
            help="Internal: run one download in this process and print its figures.",
        )
        parser.add_argument(
            "--import-step",
            choices=importing.STEPS,
            help="Internal: run one step of the import of --import-file in this process and "
            "print its figures.",
        )
        parser.add_argument(
            "--import-file", type=Path, help="Internal: the file --import-step reads."
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        big = bench_database(options["database_name"])
        parts = ("explorer", "api", "peer", "imports", "pages")
        alone = [part for part in parts if options.get(f"{part}_only")]
        runs = {part: not alone or alone == [part] for part in parts}
        if runs["explorer"] or runs["peer"]:
            explorer.check_urls()
        if runs["explorer"]:
            progress_pages.check_urls()
        if runs["api"]:
            api.check_urls()
        if runs["peer"]:
            peer.check_installed()
        if options["download"]:
            with switched_to(big), measuring():
                self.stdout.write(json.dumps(explorer.download_figures(options["download"])))
            return
        if options["import_step"]:
            with switched_to(importing.target_database(big)), measuring():
                figures = importing.step_figures(options["import_step"], options["import_file"])
            self.stdout.write(json.dumps(figures))
            return
        if options["milestones"] is None:
            options["milestones"] = default_milestones(options["awards"])
        for option in ("awards", "milestones", "compare_awards", "repeat", "download_runs"):
            if options[option] < 1:
                raise CommandError(f"--{option.replace('_', '-')} must be at least 1.")
        timing = {"warmup": options["warmup"], "repeat": options["repeat"], "say": self.say}
        scale = {
            "awards": options["awards"],
            "milestones": options["milestones"],
            "verbosity": self.verbosity,
            **timing,
        }
        compare = {
            "compare_awards": options["compare_awards"],
            "compare_milestones": default_milestones(options["compare_awards"]),
        }

        if runs["explorer"]:
            measured = explorer.measure_at_scale(
                big, download_runs=options["download_runs"], **scale, **compare
            )
            self.write("bench", Report(measured), "the benchmark figures")
        if runs["api"]:
            self.write(
                "bench-api",
                ApiReport(api.measure_api(big, **scale, **compare)),
                "the API's figures",
            )
        if runs["peer"]:
            self.write(
                "bench-peer",
                PeerReport(peer.side_by_side(big, **scale)),
                "the figures against Datasette",
            )
        if runs["imports"]:
            measured_imports = importing.measure_imports(
                big,
                awards=options["awards"],
                milestones=options["milestones"],
                say=self.say,
                verbosity=self.verbosity,
            )
            self.write("imports", ImportsReport(measured_imports), "the import's figures")
        if runs["pages"]:
            pages = measure_demo_pages(beside(big, "demo"), **timing)
            path = write_section("bench-pages", markdown(pages))
            self.stdout.write(self.style.SUCCESS(f"Wrote the main pages' figures to {path}"))

    def write(self, section: str, report, what: str):
        """Writes a report's section of docs/benchmarks.md, and says what it missed."""
        path = write_section(section, report.markdown())
        self.stdout.write(self.style.SUCCESS(f"Wrote {what} to {path}"))
        for miss in report.misses:
            self.stdout.write(self.style.WARNING(f"Missed: {miss}"))

    def say(self, message: str):
        if self.verbosity >= 1:
            self.stdout.write(message)
