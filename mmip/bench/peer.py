"""The funding explorer against a peer, side by side in one run: the same awards served by
Datasette, the tool a data journalist would pick instead; the "bench-peer" section.

The public awards of the large synthetic database are exported with sqlite-utils into a
SQLite file (names of funder, recipient and programme, title, description, amount, date),
with FTS5 full-text search on the text columns and indexes on the columns filtered. Both
sides are served over loopback HTTP by their production servers: Datasette's own (uvicorn)
and gunicorn with DEBUG off and the page cache off, one worker, pointed at the benchmark's
database. One client requests each page in turn, a new connection each time, on both sides
alike; throughput is requests divided by the seconds spent waiting for them. Before each
request to the explorer the shared cache is emptied (untimed), so that it adds up its
figures afresh, as after any change to the record.
"""

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.filters import public_awards
from mmip.bench.databases import prepare_synthetic, switched_to
from mmip.bench.explorer import FILTERED, FIRST_PAGE, TEXT, YEARS, busiest_funder, filter_query
from mmip.bench.loadtest import free_port, server, wait_until_up
from mmip.bench.measure import get, measuring, percentile

TABLE = "awards"
DATABASE = "mmip"  # the SQLite file's name, and so Datasette's path to it
COLUMNS = ("identifier", "title", "description", "funder", "recipient", "programme", "amount", "award_date")  # fmt: skip
SEARCHED = ["title", "description", "funder", "recipient", "programme"]
# The explorer's page size, so that both sides list as many awards a page.
PAGE_SIZE = 25
# Datasette gives up a facet or query past its time limits (200 ms and 1 s by default) and
# shows the page without it; raised, so that it shows all it was asked for, as the explorer does.
DATASETTE_SETTINGS = {
    "default_page_size": PAGE_SIZE,
    "facet_time_limit_ms": 60_000,
    "sql_time_limit_ms": 60_000,
}


def check_installed():
    # Found, not imported: Datasette would weigh on every process of the bench, the
    # downloads' own included, whose memory is measured.
    for module in ("datasette", "sqlite_utils"):
        if importlib.util.find_spec(module) is None:
            raise CommandError(
                f"{module} is not installed, so the peer cannot be measured: `make install` "
                "installs it with the development requirements."
            )


def export(path: Path) -> int:
    """Writes the public awards to a SQLite file for Datasette; returns how many."""
    import sqlite_utils

    awards = public_awards().order_by("identifier")
    fields = ("identifier", "title", "description", "funder__name", "recipient__name", "programme__name", "amount", "award_date")  # fmt: skip
    rows = (
        dict(zip(COLUMNS, row, strict=True))
        for row in awards.values_list(*fields).iterator(chunk_size=5000)
    )
    database = sqlite_utils.Database(path)
    table = database[TABLE]
    table.insert_all(
        ({**row, "amount": float(row["amount"]), "award_date": row["award_date"].isoformat()} for row in rows),
        pk="identifier",
        batch_size=5000,
    )  # fmt: skip
    table.enable_fts(SEARCHED, fts_version="FTS5")
    table.create_index(["funder"])
    table.create_index(["award_date"])
    database.vacuum()
    return table.count


def database_url(database: dict) -> str:
    """A DATABASE_URL for the settings of a database, for a server in another process."""
    host = database.get("HOST") or database.get("OPTIONS", {}).get("host") or ""
    port = f":{database['PORT']}" if database.get("PORT") else ""
    user = quote(database.get("USER") or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgresql://{at}{quote(host, safe='')}{port}/{database['NAME']}"


@contextmanager
def datasette(path: Path):
    port = free_port()
    command = [str(Path(sys.executable).with_name("datasette")), "serve", str(path), "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, str(value)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def collect_static():
    """The production server serves the collected, hashed static files, as `make serve`."""
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env={**_environ(), "DEBUG": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandError(f"collectstatic failed:\n{done.stderr.strip()}")


def _environ() -> dict:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-only-" + os.urandom(24).hex())
    return env


def fetch(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        if response.status != 200:
            raise CommandError(f"{url} answered {response.status}, not 200.")
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def throughput(url: str, *, warmup: int, repeat: int, afresh: bool, say) -> dict:
    """Sequential requests, one connection each; afresh empties the shared cache (untimed)
    before each."""
    for _ in range(warmup):
        fetch(url)
    samples = []
    size = 0
    for _ in range(repeat):
        if afresh:
            cache.clear()
        milliseconds, body = fetch(url)
        samples.append(milliseconds)
        size = len(body)
    figures = {
        "rps": len(samples) / (sum(samples) / 1000),
        "median": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "kilobytes": size / 1000,
    }
    say(f"{url}: {figures['rps']:.1f} requests/s, median {figures['median']:.1f} ms")
    return figures


PROFILED = 5


def profile_afresh(path: str) -> dict:
    """Where a request of the explorer goes with its figures added up afresh: time in its
    queries, the rest in Python (view and templates), and its slowest queries; of
    PROFILED requests, the one of median time, as one alone may meet a busy moment. One
    request first, untimed, so that the templates are loaded as in a server that has
    served one."""
    get(Client(), path)
    profiles = []
    for _ in range(PROFILED):
        cache.clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            get(Client(), path)
        total = (time.perf_counter() - started) * 1000
        times = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
        profiles.append(
            {
                "total_ms": total,
                "db_ms": sum(t for t, _ in times),
                "count": len(times),
                "slowest": sorted(times, reverse=True)[:4],
            }
        )
    return sorted(profiles, key=lambda profile: profile["total_ms"])[PROFILED // 2]


@dataclass
class Peer:
    awards: int
    exported: int
    export_seconds: float
    warmup: int
    repeat: int
    datasette_version: str
    pages: list[dict]  # label, ours and theirs (path, figures, matches), profile


def side_by_side(
    big: dict,
    *,
    awards: int,
    milestones: int,
    warmup: int,
    repeat: int,
    say: Callable[[str], None],
    verbosity: int,
) -> Peer:
    check_installed()
    from datasette.version import __version__ as datasette_version

    prepare_synthetic(big, awards, milestones, say=say, verbosity=verbosity)
    collect_static()
    env = {"DATABASE_URL": database_url(big), "RECENT_PAGES_BYTES": "0"}
    with tempfile.TemporaryDirectory() as folder, switched_to(big):
        path = Path(folder) / f"{DATABASE}.db"
        started = time.perf_counter()
        exported = export(path)
        export_seconds = time.perf_counter() - started
        say(f"Exported {exported:,} awards to SQLite for Datasette in {export_seconds:.1f} s.")
        funder = busiest_funder()
        explorer = reverse("funding-explorer")
        table = f"/{DATABASE}/{TABLE}"
        theirs_filter = urlencode(
            {
                "funder": funder.name,
                "_search": TEXT,
                "award_date__gte": f"{YEARS[0]}-01-01",
                "award_date__lte": f"{YEARS[1]}-12-31",
                "_facet": "funder",
            }
        )
        wanted = [
            (FIRST_PAGE, explorer, "", f"{table}?_facet=funder"),
            (FILTERED, f"{explorer}?{filter_query(funder)}", filter_query(funder), f"{table}?{theirs_filter}"),
        ]  # fmt: skip
        run = {"warmup": warmup, "repeat": repeat, "say": say}
        pages = []
        with server(cache=False, workers=1, env=env) as ours, datasette(path) as theirs:
            for label, our_path, query, their_path in wanted:
                our_count = _json(f"{ours}{reverse('v1:award-summary')}?{query}")["count"]
                their_json = f"{theirs}{table}.json?{their_path.partition('?')[2]}&_size=1"
                pages.append(
                    {
                        "label": label,
                        "ours": {
                            "path": our_path,
                            "matches": our_count,
                            **throughput(ours + our_path, afresh=True, **run),
                        },
                        "theirs": {
                            "path": their_path,
                            "matches": _json(their_json)["filtered_table_rows_count"],
                            **throughput(theirs + their_path, afresh=False, **run),
                        },
                    }
                )
        with measuring():
            for page in pages:
                page["profile"] = profile_afresh(page["ours"]["path"])
    return Peer(
        awards=awards,
        exported=exported,
        export_seconds=export_seconds,
        warmup=warmup,
        repeat=repeat,
        datasette_version=datasette_version,
        pages=pages,
    )


def _json(url: str) -> dict:
    return json.loads(fetch(url)[1])
