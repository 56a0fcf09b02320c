"""manage.py bench (`make bench`): the funding explorer and its downloads at 100,000 awards.

It never touches the configured database. It works in a database of its own on the same
server, ``<configured name>_bench`` (or BENCH_DATABASE_URL), which it creates, migrates and
fills with a synthetic record through generate_synthetic, and reuses while it still holds the
right number of awards, so a second run starts measuring at once. A second, small database
(``<name>_small``, 1,000 awards) shows that the queries a page makes do not grow with the
record. The figures go into the "bench" section of docs/benchmarks.md.

Pages are requested through Django's test client in this process: the whole middleware stack,
view and templates, without a network or a WSGI server in the way. Each full download runs in
a fresh Python process of its own (``--download``), so that the process's peak resident set
size is the download's alone: it counts all the memory the download needs, psycopg's C
buffers included, which tracemalloc would miss.
"""

import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url
import psycopg
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from psycopg import sql

from funding.models import Award
from mmip.bench.management.commands.generate_synthetic import AWARD_PREFIX
from mmip.bench.report import machine_description, write_section
from mmip.models import Organisation

PAGE_P95_TARGET_MS = 100
DOWNLOAD_SECONDS_TARGET = 5
DOWNLOAD_MEMORY_TARGET_MB = 150
SEED = 1
DOWNLOADS = {
    "csv": ("CSV", "award-download-csv"),
    "360giving": ("360Giving", "award-download-360giving"),
}
# What counts one award in each download: CSV lines end \r\n; each 360Giving grant has one awardDate.
ROW_MARKERS = {"csv": b"\r\n", "360giving": b'"awardDate": '}
URL_NAMES = ["funding-explorer", "award-detail", "award-download-csv", "award-download-360giving"]


def _check_urls():
    for name in URL_NAMES:
        try:
            reverse(name, args=["360G-MMIP-X"] if name == "award-detail" else [])
        except NoReverseMatch:
            raise CommandError(
                f"There is no URL named “{name}” yet, so there is nothing to measure: the "
                "benchmark needs the funding explorer, an award page and the downloads."
            ) from None


def _address(database: dict) -> tuple:
    """Where a database lives: host (or socket directory), port and name."""
    host = database.get("HOST") or database.get("OPTIONS", {}).get("host") or ""
    return host, str(database.get("PORT") or ""), database["NAME"]


def bench_database(name: str | None = None) -> dict:
    """The settings of the benchmark's database: BENCH_DATABASE_URL, else the configured
    database's server under the name ``<configured name>_bench``; ``name`` overrides the
    name. Refuses the configured database itself."""
    main = settings.DATABASES["default"]
    if os.environ.get("BENCH_DATABASE_URL"):
        given = dj_database_url.parse(os.environ["BENCH_DATABASE_URL"])
        if not given["ENGINE"].endswith("postgresql"):
            raise CommandError("BENCH_DATABASE_URL must point at PostgreSQL.")
        # Only where the database is: connection reuse and the rest stay as configured, so
        # that requests are timed as the site runs them.
        where = {key: given[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
        bench = {**main, **where, "OPTIONS": given.get("OPTIONS", {})}
    else:
        bench = {**main, "NAME": f"{main['NAME']}_bench"}
    if name:
        bench["NAME"] = name
    if _address(bench) == _address(main):
        raise CommandError(
            f"The benchmark would run in the configured database “{main['NAME']}”. It fills its "
            "database with a synthetic record, so it needs one of its own: leave "
            "BENCH_DATABASE_URL unset (it then uses “<name>_bench”) or point it elsewhere."
        )
    return bench


def ensure_exists(database: dict):
    params = type(connections["default"])(database).get_connection_params()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]])
        if not found.fetchone():
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


@contextmanager
def switched_to(database: dict):
    """This process's default connection points at ``database`` for the block. Nothing can
    be half done in the configured database: the switch happens outside any transaction."""
    if connection.in_atomic_block:
        raise CommandError("The benchmark cannot switch databases inside a transaction.")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(database)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def measuring():
    """Settings while measuring: the page cache off, so that every request renders its page;
    DEBUG off, as in production; and the test client's host allowed."""
    return override_settings(
        PUBLIC_PAGE_CACHE_SECONDS=0,
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
    )


def get(client: Client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"{path} answered {response.status_code}, not 200.")
    return response


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample at least ``share`` of them reach."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Command(BaseCommand):
    help = (
        "Measure the funding explorer's pages and full downloads at 100,000 synthetic awards in "
        "a separate database (<configured name>_bench or BENCH_DATABASE_URL, created and reused), "
        "and write the figures to docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--awards",
            type=int,
            default=100_000,
            help="Awards in the benchmark database (default 100,000).",
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
        parser.add_argument(
            "--download",
            choices=sorted(DOWNLOADS),
            help="Internal: run one download in this process and print its figures.",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        big = bench_database(options["database_name"])
        _check_urls()
        if options["download"]:
            with switched_to(big), measuring():
                self.stdout.write(json.dumps(download_figures(options["download"])))
            return
        for option in ("awards", "compare_awards", "repeat", "download_runs"):
            if options[option] < 1:
                raise CommandError(f"--{option.replace('_', '-')} must be at least 1.")
        small = {**big, "NAME": f"{big['NAME']}_small"}
        awards, compare = options["awards"], options["compare_awards"]

        self.prepare(big, awards)
        with switched_to(big), measuring():
            pages = self.pages()
            timings = {label: self.time_page(path, options) for label, path in pages}
            afresh = {
                label: self.time_page(path, options, afresh=True)
                for label, path in pages
                if label.startswith("Explorer")
            }
            queries = {label: self.count_queries(path) for label, path in pages}
        downloads = {kind: self.download(big, kind, options["download_runs"]) for kind in DOWNLOADS}
        self.prepare(small, compare)
        with switched_to(small), measuring():
            compared = {label: self.count_queries(path) for label, path in self.pages()}

        report = Report(big["NAME"], small["NAME"], awards, compare, options)
        markdown = report.markdown(pages, timings, afresh, queries, compared, downloads)
        path = write_section("bench", markdown)
        self.stdout.write(self.style.SUCCESS(f"Wrote the benchmark figures to {path}"))
        for miss in report.misses:
            self.stdout.write(self.style.WARNING(f"Missed: {miss}"))

    def say(self, message: str):
        if self.verbosity >= 1:
            self.stdout.write(message)

    def prepare(self, database: dict, awards: int):
        """Creates, migrates and fills the database, unless it already holds the record.
        generate_synthetic is never forced, so it refuses a database that holds real records
        (a second guard, should BENCH_DATABASE_URL name the real database another way)."""
        ensure_exists(database)
        with switched_to(database):
            call_command("migrate", interactive=False, verbosity=0)
            synthetic = Award.objects.filter(identifier__startswith=AWARD_PREFIX).count()
            if synthetic == awards == Award.objects.count():
                self.say(f"Reusing {awards:,} synthetic awards in “{database['NAME']}”.")
            else:
                self.say(f"Filling “{database['NAME']}” with {awards:,} synthetic awards.")
                call_command(
                    "generate_synthetic", awards=awards, seed=SEED, verbosity=self.verbosity
                )
            # As autovacuum leaves a settled database, so the planner knows the tables' sizes.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    def pages(self) -> list[tuple[str, str]]:
        """(label, path) of the pages measured, chosen from whatever record is in use."""
        funder = (
            Organisation.objects.annotate(given=Count("awards_given"))
            .order_by("-given", "slug")
            .first()
        )
        # An award in the middle of a follow-on chain shows the most on its page.
        award = (
            Award.objects.filter(follow_on_of__isnull=False, follow_ons__isnull=False)
            .order_by("identifier")
            .first()
            or Award.objects.filter(follow_on_of__isnull=False).order_by("identifier").first()
            or Award.objects.order_by("identifier").first()
        )
        explorer = reverse("funding-explorer")
        query = urlencode(
            {"funder": funder.slug, "year_from": 2015, "year_to": 2020, "q": "manufacturing"}
        )
        return [
            ("Explorer, first page", explorer),
            ("Explorer, filtered (funder, years 2015 to 2020, text)", f"{explorer}?{query}"),
            ("Award page", reverse("award-detail", args=[award.identifier])),
        ]

    def time_page(self, path: str, options, afresh: bool = False) -> dict:
        """Median and p95 of the page's time. afresh empties the shared cache before each
        request, so the explorer adds up its figures again, as after any change to the record."""
        client = Client()
        for _ in range(options["warmup"]):
            get(client, path)
        samples = []
        for _ in range(options["repeat"]):
            if afresh:
                cache.clear()
            started = time.perf_counter()
            get(client, path)
            samples.append((time.perf_counter() - started) * 1000)
        figures = {"median": statistics.median(samples), "p95": percentile(samples, 0.95)}
        self.say(
            f"{path}{' (afresh)' if afresh else ''}: median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms"
        )
        return figures

    def count_queries(self, path: str) -> dict:
        """The queries one request makes as the timed requests found the page (after one
        like it), and how much of its time they took; and the queries it makes with the
        shared cache emptied first, as after a change to the record."""
        cache.clear()
        with CaptureQueriesContext(connection) as afresh:
            get(Client(), path)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            get(Client(), path)
        total_ms = (time.perf_counter() - started) * 1000
        times = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
        return {
            "count": len(times),
            "afresh": len(afresh.captured_queries),
            "total_ms": total_ms,
            "db_ms": sum(t for t, _ in times),
            "slowest": sorted(times, reverse=True)[:3],
        }

    def download(self, database: dict, kind: str, runs: int) -> dict:
        """Runs the download in fresh processes: the median time, the largest peak."""
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--download", kind, "--database-name", database["NAME"]]  # fmt: skip
        results = []
        for _ in range(runs):
            done = subprocess.run(
                command, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False
            )
            if done.returncode != 0:
                raise CommandError(f"The {kind} download failed:\n{done.stderr.strip()}")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        figures = {
            "seconds": statistics.median(result["seconds"] for result in results),
            "peak_mb": max(result["peak_mb"] for result in results),
            "before_mb": max(result["before_mb"] for result in results),
            "megabytes": results[0]["megabytes"],
            "rows": results[0]["rows"],
            "queries": results[0]["queries"],
        }
        self.say(
            f"{kind}: {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB, {figures['rows']:,} rows"
        )
        return figures


def peak_memory_mb() -> float:
    """This process's peak resident set size. On Linux it is read from /proc (VmHWM), not
    from getrusage: ru_maxrss keeps the high-water mark of the process that started this
    one across exec, so a child of a large process would report at least its parent's size."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def download_figures(kind: str) -> dict:
    """One full download through its view, read to the last byte, in this process."""
    marker = ROW_MARKERS[kind]
    before = peak_memory_mb()
    size = rows = 0
    tail = b""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = get(Client(), reverse(DOWNLOADS[kind][1]))
        for chunk in response.streaming_content:
            size += len(chunk)
            # The tail of the last chunk is kept so that a marker split across chunks counts.
            rows += (tail + chunk).count(marker)
            tail = chunk[-(len(marker) - 1) :]
        response.close()
    seconds = time.perf_counter() - started
    if kind == "csv":
        rows -= 1  # the header line
    return {
        "seconds": seconds,
        "peak_mb": peak_memory_mb(),
        "before_mb": before,
        "megabytes": size / 1_000_000,
        "rows": rows,
        "queries": len(captured.captured_queries),
    }


def _sql_start(sql: str) -> str:
    return f"`{sql[:110]}…`" if len(sql) > 110 else f"`{sql}`"


def _count(number: int, thing: str, things: str = "") -> str:
    return f"{number:,} {thing if number == 1 else things or thing + 's'}"


class Report:
    def __init__(self, big: str, small: str, awards: int, compare: int, options):
        self.big, self.small, self.awards, self.compare = big, small, awards, compare
        self.options = options
        self.misses: list[str] = []

    def markdown(self, pages, timings, afresh, queries, compared, downloads) -> str:
        options = self.options
        lines = [
            "## Funding explorer and downloads at scale (`make bench`)",
            "",
            f"Run on {machine_description()}.",
            "",
            f"**Record:** {self.awards:,} synthetic awards (`generate_synthetic --seed {SEED}`) in "
            f"`{self.big}`, a database of the benchmark's own beside the configured one, vacuumed "
            f"and analysed before measuring; query counts are compared with {self.compare:,} "
            f"awards in `{self.small}`.",
            "",
            "**Pages:** requested through Django's test client in the benchmark's own process "
            "(middleware, view and templates, without a network or a WSGI server), with the page "
            "cache off (`PUBLIC_PAGE_CACHE_SECONDS = 0`, so every request renders the page) and "
            f"DEBUG off; {_count(options['warmup'], 'warm-up request')}, then "
            f"{_count(options['repeat'], 'timed request')} of each page. The explorer's figures "
            "(totals, median and the two charts of a filter) stay in the shared cache until the "
            "record changes, as in production (`RECORD_FIGURES_CACHE_SECONDS`), so these requests "
            "find them there, as every request of a filter after its first does; the second table "
            "empties the cache before each request, as a change to the record does, and is "
            "what the first visitor after a change waits.",
            "",
            f"**Downloads:** every award, {_count(options['download_runs'], 'run')} of each, each in a "
            "fresh Python process that requests the download through the same client and reads it "
            "to the last byte. Time is from the request to the last byte (the median run). Peak "
            "memory is the process's peak resident set size (VmHWM in `/proc/self/status`; the "
            "largest run): all the memory the download needs, psycopg's C buffers included, "
            "which tracemalloc would not see. (`resource.getrusage` would not do: on Linux its "
            "`ru_maxrss` keeps the peak of the process that started the child.) Beside it, the "
            "process's peak before the download began, with Python, Django and the project loaded.",
            "",
            "| page | median (ms) | p95 (ms) | target (p95) | met |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for label, path in pages:
            figures = timings[label]
            met = figures["p95"] < PAGE_P95_TARGET_MS
            lines.append(
                f"| {label} (`{path}`) | {figures['median']:.1f} | {figures['p95']:.1f} | "
                f"under {PAGE_P95_TARGET_MS} ms | {'yes' if met else '**no**'} |"
            )
            if not met:
                self.misses.append(self.page_miss(label, figures, queries[label]))
        lines += [
            "",
            "| explorer page, its figures added up afresh | median (ms) | p95 (ms) |",
            "| --- | ---: | ---: |",
            *(
                f"| {label} | {figures['median']:.1f} | {figures['p95']:.1f} |"
                for label, figures in afresh.items()
            ),
        ]
        lines += [
            "",
            f"| download of all {self.awards:,} awards | size (MB) | rows | queries | time (s) | peak memory (MB) | before the download (MB) | targets | met |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for kind, (label, name) in DOWNLOADS.items():
            figures = downloads[kind]
            problems = []
            if figures["seconds"] >= DOWNLOAD_SECONDS_TARGET:
                problems.append(f"took {figures['seconds']:.1f} s")
            if figures["peak_mb"] >= DOWNLOAD_MEMORY_TARGET_MB:
                problems.append(
                    f"peaked at {figures['peak_mb']:.0f} MB, {figures['before_mb']:.0f} MB of it "
                    "before the download began"
                )
            if figures["rows"] != self.awards:
                problems.append(f"held {figures['rows']:,} of the {self.awards:,} awards")
            lines.append(
                f"| {label} (`{reverse(name)}`) | {figures['megabytes']:.1f} | {figures['rows']:,} | "
                f"{figures['queries']} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} | "
                f"{figures['before_mb']:.0f} | under {DOWNLOAD_SECONDS_TARGET} s and "
                f"{DOWNLOAD_MEMORY_TARGET_MB} MB, every award | {'**no**' if problems else 'yes'} |"
            )
            if problems:
                self.misses.append(f"{label} download: " + "; ".join(problems) + ".")
        lines += [
            "",
            f"| page | queries at {self.compare:,} awards | queries at {self.awards:,} awards | "
            f"afresh at {self.compare:,} | afresh at {self.awards:,} | independent of the number of awards |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, _ in pages:
            small, big = compared[label], queries[label]
            same = small["count"] == big["count"] and small["afresh"] == big["afresh"]
            lines.append(
                f"| {label} | {small['count']} | {big['count']} | {small['afresh']} | "
                f"{big['afresh']} | {'yes' if same else '**no**'} |"
            )
            if not same:
                self.misses.append(
                    f"{label}: {small['count']} queries ({small['afresh']} afresh) at "
                    f"{self.compare:,} awards but {big['count']} ({big['afresh']}) at {self.awards:,}."
                )
        lines += [
            "",
            f"Targets: explorer pages p95 under {PAGE_P95_TARGET_MS} ms; each full download under "
            f"{DOWNLOAD_SECONDS_TARGET} s with peak memory under {DOWNLOAD_MEMORY_TARGET_MB} MB; "
            "queries per page independent of the number of awards.",
            "",
        ]
        if self.misses:
            lines += ["**Missed:**", "", *(f"- {miss}" for miss in self.misses)]
        else:
            lines.append("**All targets met.**")
        return "\n".join(lines)

    @staticmethod
    def page_miss(label: str, figures: dict, queries: dict) -> str:
        """Why a page was slow: how one request's time divided between the database and
        Python (view and templates), and the slowest queries."""
        slowest = "; ".join(f"{ms:.0f} ms {_sql_start(sql)}" for ms, sql in queries["slowest"])
        python_ms = max(0.0, queries["total_ms"] - queries["db_ms"])
        if queries["db_ms"] >= python_ms:
            cause = (
                "Most of it is the database: the number of queries does not grow with the "
                "record, but queries that read every matching award (totals, charts, counts) "
                "take longer the more awards there are."
            )
        else:
            cause = "Most of it is Python: building the page and rendering its templates."
        return (
            f"{label}: p95 {figures['p95']:.0f} ms, target under {PAGE_P95_TARGET_MS} ms. One "
            f"request took {queries['total_ms']:.0f} ms: {queries['db_ms']:.0f} ms in its "
            f"{_count(queries['count'], 'query', 'queries')} and {python_ms:.0f} ms in Python (view and "
            f"templates). {cause} The slowest queries: {slowest}."
        )
