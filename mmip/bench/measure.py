"""How the benchmark measures a page: its time over repeated requests, its queries, and a
process's peak memory.

Pages are requested through Django's test client in this process: the whole middleware
stack, view and templates, without a network or a WSGI server in the way.
"""

import math
import re
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


def measuring():
    """Settings while measuring: the page cache off, both the shared store and each
    process's recent pages, so that every request renders its page; DEBUG off, as in
    production, so that no debug machinery (query logging, template debugging) runs; and
    the test client's host allowed."""
    return override_settings(
        PUBLIC_PAGE_CACHE_SECONDS=0,
        RECENT_PAGES_BYTES=0,
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


def time_page(
    path: str, *, warmup: int, repeat: int, say: Callable[[str], None], afresh: bool = False
) -> dict:
    """Median and p95 of the page's time. afresh empties the shared cache before each
    request, so the explorer adds up its figures again, as after any change to the record."""
    client = Client()
    for _ in range(warmup):
        get(client, path)
    samples = []
    for _ in range(repeat):
        if afresh:
            cache.clear()
        started = time.perf_counter()
        get(client, path)
        samples.append((time.perf_counter() - started) * 1000)
    figures = {"median": statistics.median(samples), "p95": percentile(samples, 0.95)}
    say(
        f"{path}{' (afresh)' if afresh else ''}: median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms"
    )
    return figures


def count_queries(path: str) -> dict:
    """The queries one request makes as the timed requests found the page (after one like
    it), how much of its time they took and the size of the page; and the queries it makes
    with the shared cache emptied first, as after a change to the record."""
    cache.clear()
    with CaptureQueriesContext(connection) as afresh:
        get(Client(), path)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = get(Client(), path)
    total_ms = (time.perf_counter() - started) * 1000
    times = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
    return {
        "count": len(times),
        "afresh": len(afresh.captured_queries),
        "total_ms": total_ms,
        "kilobytes": len(response.content) / 1000,
        "db_ms": sum(t for t, _ in times),
        "slowest": sorted(times, reverse=True)[:3],
    }


def peak_memory_mb() -> float:
    """This process's peak resident set size. On Linux it is read from /proc (VmHWM), not
    from getrusage: ru_maxrss keeps the high-water mark of the process that started this
    one across exec, so a child of a large process would report at least its parent's size."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
