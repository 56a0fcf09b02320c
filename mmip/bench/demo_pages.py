"""The site's main pages rendered on the demo record: the "bench-pages" section.

The demo record (fixtures/*.json) is the size the site has today, so these are the times a
visitor waits for a page the page cache has not kept yet. Each page is timed in this
process with the page cache off and DEBUG off, and its queries counted.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse

from mmip.bench.databases import prepare_demo, switched_to
from mmip.bench.measure import count_queries, measuring, time_page
from mmip.bench.report import counted, machine_description
from mmip.models import Organisation
from workstreams.models import Workstream

SEARCH_WORDS = "skills"


@dataclass
class DemoPages:
    """Everything measured on the demo record, for the report."""

    database: str
    warmup: int
    repeat: int
    pages: list[tuple[str, str]]
    timings: dict  # label: median and p95
    queries: dict  # label: count_queries()


def _path(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        raise CommandError(
            f"There is no URL named “{name}”, so the main pages cannot all be measured."
        ) from None


def best_connected_organisation() -> Organisation:
    """The published organisation that plays the most parts in the record (funder,
    recipient, partner, publisher, employer…), so its page shows the most. Every relation
    that points at an organisation counts, so a new one needs no change here."""
    relations = Organisation._meta.related_objects
    plays = {
        f"plays_{index}": Exists(
            relation.related_model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
        )
        for index, relation in enumerate(relations)
    }
    organisations = Organisation.objects.published().annotate(**plays).order_by("slug")
    # max() keeps the first of equals, so a tie goes to the first slug.
    best = max(
        organisations, key=lambda org: sum(getattr(org, name) for name in plays), default=None
    )
    if best is None:
        raise CommandError("The demo record has no published organisation.")
    return best


def pages() -> list[tuple[str, str]]:
    """(label, path) of the main pages, the workstream and organisation chosen from the
    record in use."""
    workstream = Workstream.objects.published().first()
    if workstream is None:
        raise CommandError("The demo record has no published workstream.")
    organisation = best_connected_organisation()
    return [
        ("Home page", _path("home")),
        ("Workstream page", _path("workstream-detail", workstream.slug)),
        ("Funding explorer", _path("funding-explorer")),
        ("Organisation page", _path("organisation-detail", organisation.slug)),
        ("Organisations", _path("organisation-list")),
        ("Skills", _path("skills")),
        ("Timeline", _path("timeline")),
        ("Search", f"{_path('search')}?q={SEARCH_WORDS}"),
    ]


def measure_demo_pages(
    database: dict, *, warmup: int, repeat: int, say: Callable[[str], None]
) -> DemoPages:
    """Loads (or reuses) the demo database and measures every main page in it."""
    prepare_demo(database, say=say)
    with switched_to(database), measuring():
        measured = pages()
        timings = {
            label: time_page(path, warmup=warmup, repeat=repeat, say=say)
            for label, path in measured
        }
        queries = {label: count_queries(path) for label, path in measured}
    return DemoPages(database["NAME"], warmup, repeat, measured, timings, queries)


def markdown(measured: DemoPages) -> str:
    lines = [
        "## Main pages on the demo record (`make bench`, or `manage.py bench --pages-only`)",
        "",
        f"Run on {machine_description()}.",
        "",
        f"**Record:** the demo record (`fixtures/*.json`) in `{measured.database}`, a "
        "database of the benchmark's own beside the configured one, loaded once and again only "
        "when the fixtures change, vacuumed and analysed before measuring. The workstream is "
        "the first published one; the organisation is the one that plays the most parts in "
        "the record.",
        "",
        "**Pages:** requested through Django's test client in the benchmark's own process "
        "(middleware, view and templates, without a network or a WSGI server), with the page "
        "cache off (`PUBLIC_PAGE_CACHE_SECONDS = 0` and `RECENT_PAGES_BYTES = 0`, so every "
        f"request renders the page) and DEBUG off; {counted(measured.warmup, 'warm-up request')}, "
        f"then {counted(measured.repeat, 'timed request')} of each page. The explorer's "
        "figures stay in the shared cache until the record changes, as in production. The "
        "queries are those of one request as the timed requests found the page.",
        "",
        "| page | median (ms) | p95 (ms) | queries |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, path in measured.pages:
        figures = measured.timings[label]
        lines.append(
            f"| {label} (`{path}`) | {figures['median']:.1f} | {figures['p95']:.1f} | "
            f"{measured.queries[label]['count']} |"
        )
    return "\n".join(lines)
