"""manage.py bench (`make bench`): measures in databases of its own, writes every figure to
its section of docs/benchmarks.md, and never touches the configured database."""

import io
import re
from types import SimpleNamespace
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.urls import path

from funding.models import Award
from mmip.bench import api, explorer_report
from mmip.bench import report as benchmarking
from mmip.bench.api import ApiAtScale
from mmip.bench.api_report import ApiReport
from mmip.bench.demo_pages import best_connected_organisation
from mmip.bench.explorer import Download
from mmip.models import Organisation
from tests.factories import AwardFactory, OrganisationFactory, PartnershipFactory

# A site without the funding explorer, for the test of what happens before it exists.
urlpatterns = [path("", lambda request: None, name="home")]


def drop_database(name: str):
    settings = {**connection.settings_dict, "NAME": name}
    params = type(connections["default"])(settings).get_connection_params()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def bench_name():
    name = f"{connection.settings_dict['NAME']}_benchtest"
    made = (name, f"{name}_small", f"{name}_demo", f"{name}_import")
    for leftover in made:
        drop_database(leftover)
    yield name
    for database in made:
        drop_database(database)


@pytest.fixture
def benchmarks_file(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    monkeypatch.setattr(benchmarking, "BENCHMARKS", path)
    return path


def bench(**options) -> str:
    out = io.StringIO()
    call_command("bench", stdout=out, **options)
    return out.getvalue()


def section(path, name: str) -> str:
    text = path.read_text()
    return text[text.index(f"<!-- {name}:start -->") : text.index(f"<!-- {name}:end -->")]


NUMBER = r"[\d,.]+"
MAIN_PAGES = (
    "Home page (`/`)",
    "Workstream page (`/workstreams/",
    "Funding explorer (`/funding/`)",
    "Organisation page (`/organisations/",
    "Organisations (`/organisations/`)",
    "Skills (`/skills/`)",
    "Timeline (`/timeline/`)",
    "Search (`/search/?q=skills`)",
)
AT_SCALE = (
    "Explorer, first page",
    "Explorer, filtered",
    "Award page",
    "Progress",
    "Workstream page (the most milestones)",
)


@pytest.mark.django_db(transaction=True)
def test_measures_every_figure_in_a_database_of_its_own_and_reuses_it(bench_name, benchmarks_file):
    configured = connection.settings_dict["NAME"]
    small = {"awards": 200, "compare_awards": 50, "repeat": 3, "warmup": 1, "download_runs": 1}

    output = bench(database_name=bench_name, **small)

    assert "Filling" in output and "Wrote the benchmark figures" in output
    written = section(benchmarks_file, "bench")
    assert "Run on " in written and "cores" in written
    assert (
        "200 synthetic awards and 60 milestones with the initiatives, commitments, indicators "
        "and progress updates that go with them (`generate_synthetic --seed 1 --awards 200 "
        f"--milestones 60`, laid out around the day it was made) in `{bench_name}`"
    ) in written
    assert "compared with 50 awards and 60 milestones" in written
    assert "(`/progress/`)" in written and "(`/workstreams/synthetic-" in written
    assert "`PUBLIC_PAGE_CACHE_SECONDS = 0`" in written
    for page in AT_SCALE:
        # median, p95, size, target, met
        assert re.search(
            rf"\| {re.escape(page)}[^|]*\| {NUMBER} \| {NUMBER} \| {NUMBER} \| under 100 ms \| "
            r"(yes|\*\*no\*\*) \|",
            written,
        ), page
        # queries at 50 and at 200 awards, the same afresh, and whether they are the same
        assert re.search(
            rf"\| {re.escape(page)}[^|]*\| \d+ \| \d+ \| \d+ \| \d+ \| (yes|\*\*no\*\*) \|",
            written,
        ), page
    # Counted in the same state at both sizes, the query counts match.
    assert "queries (" not in written
    for page in ("Explorer, first page", "Explorer, filtered", "Progress"):
        # the page again with its remembered figures made afresh: median, p95
        assert re.search(rf"\| {page}[^|`]*\| {NUMBER} \| {NUMBER} \|\n", written), page
    assert "remembered figures made afresh" in written
    for download in ("CSV (`/funding/awards.csv`)", "360Giving (`/funding/360giving.json`)"):
        # size, rows (every award), queries, time, peak memory, memory before
        assert re.search(
            rf"\| {re.escape(download)} \| {NUMBER} \| 200 \| \d+ \| {NUMBER} \| \d+ \| \d+ \|",
            written,
        ), download
    # The spreadsheet's awards are zipped, so it is timed and weighed only.
    assert re.search(
        r"\| 360Giving spreadsheet \(`/funding/360giving.xlsx`\) \| [\d.]+ \| not counted \| \d+ \|",
        written,
    )
    assert "**All targets met.**" in written or "**Missed:**" in written
    check_api_section(section(benchmarks_file, "bench-api"))
    check_peer_section(section(benchmarks_file, "bench-peer"))
    # A full run times the main pages on the demo record too.
    assert "Main pages on the demo record" in section(benchmarks_file, "bench-pages")
    # The configured database was left alone, and is still the one in use.
    assert connection.settings_dict["NAME"] == configured
    assert not Award.objects.exists()

    assert_import_figures(section(benchmarks_file, "imports"), bench_name, awards=200)

    explorer_figures = section(benchmarks_file, "bench")
    again = bench(database_name=bench_name, api_only=True, **small)

    assert f"Reusing 200 synthetic awards and 60 milestones in “{bench_name}”" in again
    assert "Filling" not in again
    assert "Wrote the API's figures" in again
    assert "Datasette" not in again and "main pages" not in again
    # Only the API's section was written again.
    assert section(benchmarks_file, "bench") == explorer_figures
    check_api_section(section(benchmarks_file, "bench-api"))


API_REQUESTS = (
    ("Award list, first page", "under 50 ms"),
    ("Award list, filtered (funder, years 2015 to 2020, text)", "under 100 ms"),
    ("Summary of every award (figures cached)", "under 100 ms"),
    # 200 awards are 8 pages of 25: the deepest page there is.
    ("Award list, page 8 (by its next links)", "no more than page 1"),
)


def check_api_section(written: str):
    assert "## JSON API at scale" in written
    for request, target in API_REQUESTS:
        # median, p95, queries, size, target, met
        assert re.search(
            rf"\| {re.escape(request)} \(`/api/v1/awards/[^|]*`\) \| {NUMBER} \| {NUMBER} \| \d+ \| "
            rf"{NUMBER} \| {target} \| (yes|\*\*no\*\*) \|",
            written,
        ), request
    # The deep page against the first: median, queries, ratio, met
    assert re.search(rf"\| 8 \| {NUMBER} \| \d+ \| {NUMBER} times \| (yes|\*\*no\*\*) \|", written)
    for request in (*(label for label, _ in API_REQUESTS[:3]), "per_page=10", "per_page=100"):
        # queries at 50 and 200 awards, afresh at both, independent; counted alike at both sizes
        assert re.search(
            rf"\| {re.escape(request)} \| (\d+) \| \1 \| (\d+) \| \2 \| yes \|", written
        ), request
    assert "(the same)." in written
    assert "**All targets met.**" in written or "**Missed:**" in written


def check_peer_section(written: str):
    assert "## The explorer against Datasette" in written
    assert "the 200 public awards of the 200 synthetic awards" in written
    assert "Datasette 0." in written and "gunicorn with one sync worker" in written
    rows = {
        "Explorer, first page": ("`/funding/`", "`/mmip/awards?_facet=funder`"),
        "Explorer, filtered (funder, years 2015 to 2020, text)": (
            "`/funding/?funder=",
            "`/mmip/awards?funder=",
        ),
    }
    for page, (ours, theirs) in rows.items():
        # ours: path, requests/s, median, size, matches; theirs the same; ratio, target, met
        row = re.search(
            rf"\| {re.escape(page)} \| {re.escape(ours)}[^|]*\| {NUMBER} \| {NUMBER} \| {NUMBER} \| (\d+) \| "
            rf"{re.escape(theirs)}[^|]*\| {NUMBER} \| {NUMBER} \| {NUMBER} \| (\d+) \| {NUMBER} \| "
            r"at least 1.5 \| (yes|\*\*no\*\*) \|",
            written,
        )
        assert row, page
        if page == "Explorer, first page":
            # Both serve every award.
            assert row.group(1) == row.group(2) == "200"
        # where one explorer request's time goes: total, queries' time, queries, Python
        assert re.search(rf"\| {re.escape(page)} \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ ms `", written)


def assert_import_figures(written: str, bench_name: str, *, awards: int):
    assert "Run on " in written and "cores" in written
    assert (
        f"of the {awards:,} synthetic awards of `generate_synthetic --seed 1 --awards {awards}` in "
        f"`{bench_name}`"
    ) in written
    assert f"against `{bench_name}_import`, a database of the benchmark's own" in written
    rows = {
        # time, CPU, peak memory, memory before, new, unchanged, awards after, target
        "Preview (a dry run) against the empty database": (awards, 0, 0, "under 30 s"),
        "Import into the empty database": (awards, 0, awards, "under 60 s and 300 MB"),
        "The same file again (changes nothing)": (0, awards, awards, "under 30 s"),
    }
    for step, (new, unchanged, after, target) in rows.items():
        assert re.search(
            rf"\| {re.escape(step)} \| {NUMBER} \| {NUMBER} \| \d+ \| \d+ \| {new:,} \| {unchanged:,} \| "
            rf"{after:,} \| {target} \| (yes|\*\*no\*\*) \|",
            written,
        ), step
    # Each step did what it should: a miss, if any, is of time or memory alone.
    assert "new grants, not" not in written and "awards, not" not in written
    assert "**All targets met.**" in written or "**Missed:**" in written


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_imports_only_times_the_import_of_the_synthetic_export_into_an_empty_database(
    bench_name, benchmarks_file
):
    output = bench(database_name=bench_name, imports_only=True, awards=120)

    assert f"Emptying “{bench_name}_import” to import into." in output
    assert "Wrote the import's figures" in output
    assert_import_figures(section(benchmarks_file, "imports"), bench_name, awards=120)
    text = benchmarks_file.read_text()
    assert "<!-- bench:start -->" not in text and "<!-- bench-pages:start -->" not in text
    # The configured database was left alone.
    assert not Award.objects.exists()

    # Run again, the import database is emptied first: the import finds every grant new.
    again = bench(database_name=bench_name, imports_only=True, awards=120)
    assert "Reusing 120 synthetic awards" in again
    assert_import_figures(section(benchmarks_file, "imports"), bench_name, awards=120)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_import_database_holding_records_the_benchmark_did_not_put_there_is_not_emptied(
    bench_name, benchmarks_file
):
    from mmip.bench import importing

    target = importing.target_database({**connection.settings_dict, "NAME": bench_name})
    importing.ensure_exists(target)
    with importing.switched_to(target):
        call_command("migrate", interactive=False, verbosity=0)
        AwardFactory()
    with pytest.raises(CommandError, match="holds awards the benchmark did not import"):
        importing.emptied(target, say=lambda message: None)
    with importing.switched_to(target):
        assert Award.objects.count() == 1


def test_refuses_to_run_in_the_configured_database(monkeypatch, benchmarks_file):
    configured = connection.settings_dict
    with pytest.raises(CommandError, match="configured database"):
        bench(database_name=configured["NAME"])

    host = configured["HOST"] or configured["OPTIONS"].get("host", "")
    port = f":{configured['PORT']}" if configured["PORT"] else ""
    url = f"postgresql://{configured['USER']}@{quote(host, safe='')}{port}/{configured['NAME']}"
    monkeypatch.setenv("BENCH_DATABASE_URL", url)
    with pytest.raises(CommandError, match="configured database"):
        bench()
    assert not benchmarks_file.exists()


@pytest.mark.urls(__name__)
def test_says_which_page_is_missing_before_the_explorer_exists(bench_name, benchmarks_file):
    with pytest.raises(CommandError, match="There is no URL named “funding-explorer” yet"):
        bench(database_name=bench_name)
    assert not benchmarks_file.exists()


@pytest.mark.django_db(transaction=True)
def test_pages_only_times_every_main_page_on_the_demo_record(bench_name, benchmarks_file):
    output = bench(database_name=bench_name, pages_only=True, repeat=2, warmup=1)

    assert f"Loading the demo record into “{bench_name}_demo”" in output
    # (The database's name is left out: a checkout may be named anything.)
    assert "synthetic" not in output.replace(bench_name, "")
    written = section(benchmarks_file, "bench-pages")
    assert re.search(r"Run on \d{1,2} \w+ \d{4} \d\d:\d\d, \d+ cores", written)
    assert re.search(r", commit [0-9a-f]{7,}\.", written)
    assert "`PUBLIC_PAGE_CACHE_SECONDS = 0` and `RECENT_PAGES_BYTES = 0`" in written
    assert "DEBUG off; 1 warm-up request, then 2 timed requests of each page" in written
    for page in MAIN_PAGES:
        # median, p95, queries
        assert re.search(
            rf"\| {re.escape(page)}[^|]*\| {NUMBER} \| {NUMBER} \| \d+ \|\n", written
        ), page
    assert "<!-- bench:start -->" not in benchmarks_file.read_text()
    # The configured database was left alone.
    assert not Organisation.objects.exists()

    again = bench(database_name=bench_name, pages_only=True, repeat=1, warmup=0)

    assert f"Reusing the demo record in “{bench_name}_demo”" in again
    assert "Loading" not in again


@pytest.mark.django_db
def test_the_organisation_page_measured_is_that_of_the_organisation_playing_most_parts():
    funder = OrganisationFactory(slug="funder")
    AwardFactory.create_batch(3, funder=funder)
    busy = OrganisationFactory(slug="busy")
    AwardFactory(funder=funder, recipient=busy)
    PartnershipFactory(organisation=busy)
    # Plays more parts still, but its page is not public.
    hidden = OrganisationFactory(slug="hidden", is_published=False)
    AwardFactory(funder=hidden)
    AwardFactory(recipient=hidden)
    AwardFactory(routed_through=hidden)
    PartnershipFactory(organisation=hidden)

    assert best_connected_organisation() == busy


def api_figures(deep_median: float, sizes: tuple[int, int]) -> ApiAtScale:
    def queries(count: int) -> dict:
        return {
            "count": count,
            "afresh": count + 11,
            "kilobytes": 40.0,
            "db_ms": 5.0,
            "total_ms": 9.0,
        }

    endpoints = [
        (api.LIST, "/api/v1/awards/"),
        (api.FILTERED, "/api/v1/awards/?q=manufacturing"),
        (api.SUMMARY, "/api/v1/awards/summary/"),
        (api.deep_label(200), "/api/v1/awards/?cursor=c"),
    ]
    medians = {
        api.LIST: 20.0,
        api.FILTERED: 30.0,
        api.SUMMARY: 10.0,
        api.deep_label(200): deep_median,
    }
    per_page = {
        f"per_page={n}": queries(count) for n, count in zip(api.PAGE_SIZES, sizes, strict=True)
    }
    return ApiAtScale(
        big="big",
        small="small",
        awards=100_000,
        compare_awards=1_000,
        warmup=1,
        repeat=3,
        endpoints=endpoints,
        timings={label: {"median": m, "p95": m * 1.2} for label, m in medians.items()},
        queries={label: queries(9) for label, _ in endpoints},
        compared={label: queries(9) for label in [*medians, *per_page]},
        deep_page=200,
        first_and_deep=[20.0, deep_median],
        sizes=per_page,
    )


def test_the_api_report_misses_a_deep_page_dearer_than_the_first_and_counts_that_follow_the_page_size():
    report = ApiReport(api_figures(deep_median=20.0 * 1.25, sizes=(9, 10)))
    written = report.markdown()

    assert "| 200 | 25.0 | 9 | 1.25 times | **no** |" in written
    assert (
        "per_page=10, 9 queries (20 afresh) and per_page=100, 10 queries (21 afresh) (**not the same**)."
        in written
    )
    assert report.misses == [
        "Page 200: median 25.0 ms and 9 queries, against page 1's 20.0 ms and 9.",
        "per_page=100: 9 queries (20 afresh) at 1,000 awards but 10 (21) at 100,000.",
        "Queries differ with the page size: 9 (20 afresh) at per_page=10, 10 (21 afresh) at per_page=100.",
    ]

    met = ApiReport(api_figures(deep_median=21.0, sizes=(9, 9)))
    assert "| 200 | 21.0 | 9 | 1.05 times | yes |" in met.markdown()
    assert met.misses == []
    assert "**All targets met.**" in met.markdown()


def test_a_download_whose_awards_cannot_be_counted_in_its_bytes_is_timed_and_weighed_only(
    monkeypatch,
):
    # As a zipped spreadsheet would be: one line in DOWNLOADS, with its own targets.
    spreadsheet = Download("Spreadsheet", "award-download-json", None, seconds=60, memory_mb=150)
    monkeypatch.setattr(explorer_report, "DOWNLOADS", {"sheet": spreadsheet})
    figures = {"seconds": 42.0, "peak_mb": 120.0, "before_mb": 90.0, "megabytes": 30.0, "queries": 4, "rows": None}  # fmt: skip
    measured = SimpleNamespace(awards=100_000, downloads={"sheet": figures})
    report = explorer_report.Report(measured)

    lines = report.downloads()

    assert (
        "| Spreadsheet (`/funding/awards.json`) | 30.0 | not counted | 4 | 42.00 | 120 | 90 | "
        "under 60 s and 150 MB | yes |"
    ) in lines
    assert report.misses == []
    figures["seconds"] = 61.0
    report.downloads()
    assert report.misses == ["Spreadsheet download: took 61.0 s."]
