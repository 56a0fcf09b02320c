"""The site-wide pages: home, search, about the data, and the small machine-facing ones
(robots.txt, /healthz, /ping). They read every app through selectors.py."""

from django.db import Error as DatabaseError
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from funding.models import Award
from imports import selectors as provenance
from mmip.breadcrumbs import trail
from mmip.models import Organisation
from mmip.site import search as site_search
from mmip.site import selectors
from workstreams.models import Milestone, Workstream

LATEST_MILESTONES = 6
LATEST_OUTPUTS = 5
EXAMPLE_SEARCHES = 4


def home(request):
    workstreams = list(Workstream.objects.public())
    context = {
        "workstreams": [w for w in workstreams if not w.is_overarching],
        "overarching_workstreams": [w for w in workstreams if w.is_overarching],
        "award_totals": Award.objects.public().totals(),
        "organisation_count": Organisation.objects.public().count(),
        "headline_values": selectors.headline_values(),
        # Each names and links to its workstream.
        "milestones": Milestone.objects.public()
        .select_related("workstream")
        .latest_first()[:LATEST_MILESTONES],
        "outputs": selectors.latest_outputs()[:LATEST_OUTPUTS],
    }
    return render(request, "site/home.html", context)


# ---------- Search ----------


@require_safe
def search(request):
    raw = request.GET.get("q", "")
    text, notices = site_search.clean_query(raw)
    kind_key = request.GET.get("kind", "")
    kind = site_search.KINDS_BY_KEY.get(kind_key)
    if kind_key and kind is None:
        notices.append("There is no such kind of result, so results of every kind are shown.")
    outcome = None
    if len(text) >= site_search.MIN_QUERY_LENGTH:
        outcome = site_search.search(text, kind=kind, page_number=request.GET.get("page"))
    if kind and outcome:
        search_of_every_kind = f"{reverse('search')}?{urlencode({'q': text})}"
        breadcrumbs = trail(("Search", search_of_every_kind), (kind.label, None))
    else:
        breadcrumbs = trail(("Search", None))
    context = {
        "q": text,
        "typed": bool(text),
        "notices": notices,
        "kind": kind if outcome else None,
        "outcome": outcome,
        "min_length": site_search.MIN_QUERY_LENGTH,
        "max_length": site_search.MAX_QUERY_LENGTH,
        "breadcrumbs": breadcrumbs,
    }
    if outcome is None or not outcome.total:
        # Something to try: the workstreams' names are words the record is sure to hold.
        context["examples"] = list(
            Workstream.objects.public().values_list("name", flat=True)[:EXAMPLE_SEARCHES]
        )
    return render(request, "site/search.html", context)


# ---------- About the data ----------


def about_data(request):
    award_totals = Award.objects.public().totals()
    return render(
        request,
        "site/about_data.html",
        {
            "counts": selectors.public_counts(),
            "award_totals": award_totals,
            "datasets": provenance.public_datasets(),
            "breadcrumbs": trail(("About the data", None)),
        },
    )


# ---------- For machines ----------


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """200 "ok" only when the database answers a query; 503 otherwise, for load balancers
    and uptime checks. Never cached, so it always tells the truth now."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable", status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
def ping(request):
    """A constant tiny response that touches nothing: the liveness check (the process
    answers) beside /healthz's readiness check, and `make loadtest`'s reference."""
    return HttpResponse("pong", content_type="text/plain; charset=utf-8")
