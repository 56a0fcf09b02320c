"""manage.py bench (`make bench`): measures in a database of its own, writes every figure to
its section of docs/benchmarks.md, and never touches the configured database."""

import io
import re
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.urls import path

from funding.models import Award
from mmip.bench import report as benchmarking

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
    for leftover in (name, f"{name}_small"):
        drop_database(leftover)
    yield name
    for made in (name, f"{name}_small"):
        drop_database(made)


@pytest.fixture
def benchmarks_file(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    monkeypatch.setattr(benchmarking, "BENCHMARKS", path)
    return path


def bench(**options) -> str:
    out = io.StringIO()
    call_command("bench", stdout=out, **options)
    return out.getvalue()


NUMBER = r"[\d,.]+"


@pytest.mark.django_db(transaction=True)
def test_measures_every_figure_in_a_database_of_its_own_and_reuses_it(bench_name, benchmarks_file):
    configured = connection.settings_dict["NAME"]
    small = {"awards": 200, "compare_awards": 50, "repeat": 3, "warmup": 1, "download_runs": 1}

    output = bench(database_name=bench_name, **small)

    assert "Filling" in output and "Wrote the benchmark figures" in output
    text = benchmarks_file.read_text()
    section = text[text.index("<!-- bench:start -->") : text.index("<!-- bench:end -->")]
    assert "Run on " in section and "cores" in section
    assert f"200 synthetic awards (`generate_synthetic --seed 1`) in `{bench_name}`" in section
    assert "`PUBLIC_PAGE_CACHE_SECONDS = 0`" in section
    for page in ("Explorer, first page", "Explorer, filtered", "Award page"):
        # median, p95, target, met
        assert re.search(
            rf"\| {page}[^|]*\| {NUMBER} \| {NUMBER} \| under 100 ms \| (yes|\*\*no\*\*) \|",
            section,
        ), page
        # queries at 50 and at 200 awards, the same afresh, and whether they are the same
        assert re.search(
            rf"\| {page}[^|]*\| \d+ \| \d+ \| \d+ \| \d+ \| (yes|\*\*no\*\*) \|", section
        ), page
    # Counted in the same state at both sizes, the query counts match.
    assert "queries (" not in section
    for page in ("Explorer, first page", "Explorer, filtered"):
        # the explorer again with its figures added up afresh: median, p95
        assert re.search(rf"\| {page}[^|`]*\| {NUMBER} \| {NUMBER} \|\n", section), page
    assert "figures added up afresh" in section
    for download in ("CSV (`/funding/awards.csv`)", "360Giving (`/funding/360giving.json`)"):
        # size, rows (every award), queries, time, peak memory, memory before
        assert re.search(
            rf"\| {re.escape(download)} \| {NUMBER} \| 200 \| \d+ \| {NUMBER} \| \d+ \| \d+ \|",
            section,
        ), download
    assert "**All targets met.**" in section or "**Missed:**" in section
    # The configured database was left alone, and is still the one in use.
    assert connection.settings_dict["NAME"] == configured
    assert not Award.objects.exists()

    again = bench(database_name=bench_name, **small)

    assert f"Reusing 200 synthetic awards in “{bench_name}”" in again
    assert "Filling" not in again


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
