"""The funding explorer, an award page, the full downloads and the progress pages at scale: the
"bench" section.

The pages are timed in the large synthetic database, and their queries counted there and in
the small one, to show that the queries a page makes do not grow with the record. Each full
download runs in a fresh Python process of its own (``manage.py bench --download``), so that
the process's peak resident set size is the download's alone: it counts all the memory the
download needs, psycopg's C buffers included, which tracemalloc would miss.
"""

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from funding.models import Award
from mmip.bench import progress_pages
from mmip.bench.databases import beside, prepare_synthetic, switched_to
from mmip.bench.measure import count_queries, get, measuring, peak_memory_mb, time_page
from mmip.models import Organisation


@dataclass(frozen=True)
class Download:
    """A full download measured, with its targets. ``marker`` is what counts one award in
    it (and ``header`` the markers that are not an award), so that the report can check the
    download held every award; a download whose awards cannot be counted in its bytes (a
    zipped spreadsheet) gives None and is timed and weighed only."""

    label: str
    url_name: str
    marker: bytes | None
    header: int = 0
    seconds: float = 5
    memory_mb: float = 150


# Each full download measured, by the name `bench --download` takes: one line each.
DOWNLOADS = {
    "csv": Download("CSV", "award-download-csv", b"\r\n", header=1),
    "360giving": Download("360Giving", "award-download-360giving", b'"awardDate": '),
    # A workbook of flattened grants, zipped: a minute at most, and memory flat (the JSON
    # download's peak, with room for flattentool's batches).
    "xlsx": Download(
        "360Giving spreadsheet", "award-download-360giving-xlsx", None, seconds=60, memory_mb=200
    ),
}
URL_NAMES = ["funding-explorer", "award-detail", *(d.url_name for d in DOWNLOADS.values())]


def check_urls():
    for name in URL_NAMES:
        try:
            reverse(name, args=["360G-MMIP-X"] if name == "award-detail" else [])
        except NoReverseMatch:
            raise CommandError(
                f"There is no URL named “{name}” yet, so there is nothing to measure: the "
                "benchmark needs the funding explorer, an award page and the downloads."
            ) from None


def busiest_funder() -> Organisation:
    """The funder of the most awards (the first slug of equals)."""
    return (
        Organisation.objects.annotate(given=Count("awards_given"))
        .order_by("-given", "slug")
        .first()
    )


# The filtered page's years and text, shared by the explorer, the API and the peer.
YEARS = (2015, 2020)
TEXT = "manufacturing"
FIRST_PAGE = "Explorer, first page"
FILTERED = f"Explorer, filtered (funder, years {YEARS[0]} to {YEARS[1]}, text)"


def filter_query(funder: Organisation) -> str:
    """The query string of the filtered page: a funder, six years and a word."""
    return urlencode({"funder": funder.slug, "year_from": YEARS[0], "year_to": YEARS[1], "q": TEXT})


def pages() -> list[tuple[str, str]]:
    """(label, path) of the pages measured, chosen from whatever record is in use."""
    # An award in the middle of a follow-on chain shows the most on its page.
    award = (
        Award.objects.filter(follow_on_of__isnull=False, follow_ons__isnull=False)
        .order_by("identifier")
        .first()
        or Award.objects.filter(follow_on_of__isnull=False).order_by("identifier").first()
        or Award.objects.order_by("identifier").first()
    )
    explorer = reverse("funding-explorer")
    return [
        (FIRST_PAGE, explorer),
        (FILTERED, f"{explorer}?{filter_query(busiest_funder())}"),
        ("Award page", reverse("award-detail", args=[award.identifier])),
    ]


@dataclass
class AtScale:
    """Everything measured at scale, for the report."""

    big: str
    small: str
    awards: int
    milestones: int
    compare_awards: int
    compare_milestones: int
    warmup: int
    repeat: int
    download_runs: int
    pages: list[tuple[str, str]]
    timings: dict  # label: median and p95 in the large database
    afresh: dict  # label: median and p95 of a page with its remembered figures made again
    queries: dict  # label: count_queries() in the large database
    compared: dict  # label: count_queries() in the small database
    downloads: dict  # kind: download()


def measure_at_scale(
    big: dict,
    *,
    awards: int,
    milestones: int,
    compare_awards: int,
    compare_milestones: int,
    warmup: int,
    repeat: int,
    download_runs: int,
    say: Callable[[str], None],
    verbosity: int,
) -> AtScale:
    """Fills (or reuses) both synthetic databases and measures in them."""
    small = beside(big, "small")
    timing = {"warmup": warmup, "repeat": repeat, "say": say}
    prepare_synthetic(big, awards, milestones, say=say, verbosity=verbosity)
    with switched_to(big), measuring():
        measured = pages() + progress_pages.pages()
        timings = {label: time_page(path, **timing) for label, path in measured}
        afresh = {
            label: time_page(path, **timing, afresh=True)
            for label, path in measured
            if label.startswith("Explorer") or label == "Progress"
        }
        queries = {label: count_queries(path) for label, path in measured}
    downloads = {kind: download(big, kind, download_runs, say=say) for kind in DOWNLOADS}
    prepare_synthetic(small, compare_awards, compare_milestones, say=say, verbosity=verbosity)
    with switched_to(small), measuring():
        compared = {label: count_queries(path) for label, path in pages() + progress_pages.pages()}
    return AtScale(
        big=big["NAME"],
        small=small["NAME"],
        awards=awards,
        milestones=milestones,
        compare_awards=compare_awards,
        compare_milestones=compare_milestones,
        warmup=warmup,
        repeat=repeat,
        download_runs=download_runs,
        pages=measured,
        timings=timings,
        afresh=afresh,
        queries=queries,
        compared=compared,
        downloads=downloads,
    )


def download(database: dict, kind: str, runs: int, *, say: Callable[[str], None]) -> dict:
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
    rows = "" if figures["rows"] is None else f", {figures['rows']:,} rows"
    say(f"{kind}: {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB{rows}")
    return figures


def download_figures(kind: str) -> dict:
    """One full download through its view, read to the last byte, in this process."""
    spec = DOWNLOADS[kind]
    marker = spec.marker or b"\0"  # counted for nothing when the download has no marker
    before = peak_memory_mb()
    size = rows = 0
    tail = b""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = get(Client(), reverse(spec.url_name))
        for chunk in response.streaming_content:
            size += len(chunk)
            # The tail of the last chunk is kept so that a marker split across chunks counts.
            rows += (tail + chunk).count(marker)
            tail = chunk[-(len(marker) - 1) :]
        response.close()
    seconds = time.perf_counter() - started
    rows = rows - spec.header if spec.marker else None
    return {
        "seconds": seconds,
        "peak_mb": peak_memory_mb(),
        "before_mb": before,
        "megabytes": size / 1_000_000,
        "rows": rows,
        "queries": len(captured.captured_queries),
    }
