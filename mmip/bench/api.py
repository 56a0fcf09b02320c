"""The JSON API's award list and summary at scale: the "bench-api" section.

Timed in the large synthetic database as the explorer is (mmip/bench/measure.py), with the
same filter as the explorer's filtered page. Page 200 is reached as a re-user reaches it, by
following the ``next`` links from page 1, and timed against page 1, the two requested in
turn: a cursor finds its page through the index however deep it is. Queries per request are counted at two page sizes and
in the small database, to show that they depend on neither.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.management.base import CommandError
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from mmip.bench.databases import beside, prepare_synthetic, switched_to
from mmip.bench.explorer import busiest_funder, filter_query
from mmip.bench.measure import count_queries, get, measuring, time_page

URL_NAMES = ["v1:award-list", "v1:award-summary"]
DEEP_PAGE = 200
PAGE_SIZES = (10, 100)
# Throttling stays on, so its one statement a request is timed, at rates no run reaches.
UNREACHABLE_RATES = ["1000000000/minute"]

LIST = "Award list, first page"
FILTERED = "Award list, filtered (funder, years 2015 to 2020, text)"
SUMMARY = "Summary of every award (figures cached)"


def check_urls():
    for name in URL_NAMES:
        try:
            reverse(name)
        except NoReverseMatch:
            raise CommandError(
                f"There is no URL named “{name}”, so the JSON API cannot be measured."
            ) from None


def measuring_api():
    return override_settings(API_THROTTLE_RATES=UNREACHABLE_RATES)


def endpoints() -> list[tuple[str, str]]:
    """(label, path) of the requests timed, chosen from whatever record is in use."""
    awards = reverse("v1:award-list")
    return [
        (LIST, awards),
        (FILTERED, f"{awards}?{filter_query(busiest_funder())}"),
        (SUMMARY, reverse("v1:award-summary")),
    ]


def sized() -> list[tuple[str, str]]:
    """(label, path) of the award list at each page size compared."""
    return [
        (f"per_page={size}", f"{reverse('v1:award-list')}?per_page={size}") for size in PAGE_SIZES
    ]


def deep_page(wanted: int) -> tuple[int, str]:
    """The page ``wanted`` of the award list (or its last, in a record too small to have
    it) and its path, reached by following ``next`` from the first."""
    client = Client()
    path = reverse("v1:award-list")
    page = 1
    while page < wanted:
        following = get(client, path).json()["next"]
        if following is None:
            break
        link = urlsplit(following)
        path = f"{link.path}?{link.query}"
        page += 1
    return page, path


def alternately(paths: list[str], *, warmup: int, repeat: int) -> list[float]:
    """The median time of each path, requested in turn (the first, the second, the first...)
    so that each meets the same moments of a busy machine: a fair comparison of the two."""
    client = Client()
    for path in paths * warmup:
        get(client, path)
    samples = {path: [] for path in paths}
    for _ in range(repeat):
        for path in paths:
            started = time.perf_counter()
            get(client, path)
            samples[path].append((time.perf_counter() - started) * 1000)
    return [statistics.median(samples[path]) for path in paths]


def deep_label(page: int) -> str:
    return f"Award list, page {page} (by its next links)"


@dataclass
class ApiAtScale:
    big: str
    small: str
    awards: int
    compare_awards: int
    warmup: int
    repeat: int
    endpoints: list[tuple[str, str]]
    timings: dict  # label: median and p95 in the large database
    queries: dict  # label: count_queries() in the large database
    compared: dict  # label: count_queries() in the small database
    deep_page: int
    first_and_deep: list[float]  # medians of page 1 and the deep page, timed in turn
    sizes: dict  # label: count_queries() at each page size, large database


def measure_api(
    big: dict,
    *,
    awards: int,
    milestones: int,
    compare_awards: int,
    compare_milestones: int,
    warmup: int,
    repeat: int,
    say: Callable[[str], None],
    verbosity: int,
) -> ApiAtScale:
    """Fills (or reuses) both synthetic databases and measures the API in them."""
    small = beside(big, "small")
    timing = {"warmup": warmup, "repeat": repeat, "say": say}
    prepare_synthetic(big, awards, milestones, say=say, verbosity=verbosity)
    with switched_to(big), measuring(), measuring_api():
        page, deep = deep_page(DEEP_PAGE)
        measured = [*endpoints(), (deep_label(page), deep)]
        timings = {label: time_page(path, **timing) for label, path in measured}
        queries = {label: count_queries(path) for label, path in measured}
        first_and_deep = alternately([endpoints()[0][1], deep], warmup=warmup, repeat=repeat)
        sizes = {label: count_queries(path) for label, path in sized()}
    prepare_synthetic(small, compare_awards, compare_milestones, say=say, verbosity=verbosity)
    with switched_to(small), measuring(), measuring_api():
        compared = {label: count_queries(path) for label, path in endpoints() + sized()}
    return ApiAtScale(
        big=big["NAME"],
        small=small["NAME"],
        awards=awards,
        compare_awards=compare_awards,
        warmup=warmup,
        repeat=repeat,
        endpoints=measured,
        timings=timings,
        queries=queries,
        compared=compared,
        deep_page=page,
        first_and_deep=first_and_deep,
        sizes=sizes,
    )
