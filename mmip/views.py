"""Site-wide pages: home, the directory of organisations, search, about the data, and the
small machine-facing ones (robots.txt, /healthz). They read every app."""

from django.db import Error as DatabaseError
from django.db import connection
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView
from django_filters.views import FilterView

from funding.models import Award, FundingProgramme
from mmip import search as site_search
from mmip.filters import OrganisationFilterSet, roles_of, with_roles
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from workstreams.models import IndicatorValue, Initiative, Output, Partnership, Workstream
from workstreams.views import published_milestones

# The funding explorer's URL name (funding/urls.py); pages link to it once it exists.
FUNDING_EXPLORER = "funding-explorer"
LATEST_MILESTONES = 6
LATEST_OUTPUTS = 5
ORGANISATIONS_PER_PAGE = 50
EXAMPLE_SEARCHES = 4
AWARDS_SHOWN = 20  # per table on an organisation's page; the funding explorer lists the rest


def optional_url(name: str, *args) -> str | None:
    """The URL of a page another part of the site provides, or None while it does not exist,
    so a link to it appears the day it does and never breaks a page before then."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def funding_explorer_url() -> str | None:
    return optional_url(FUNDING_EXPLORER)


def headline_values():
    """One value per published indicator: its latest count of what happened, or, for an
    indicator that only has forecasts, its latest projection. DISTINCT ON keeps it one query
    however many values each indicator has."""
    return (
        IndicatorValue.objects.filter(indicator__is_published=True)
        .select_related("indicator")
        .order_by("indicator__name", "is_projection", "-date")
        .distinct("indicator__name")
    )


def home(request):
    workstreams = list(Workstream.objects.published())
    context = {
        "workstreams": [w for w in workstreams if not w.is_overarching],
        "overarching_workstreams": [w for w in workstreams if w.is_overarching],
        "award_totals": Award.objects.published().totals(),
        # The money figure is explained by the awards that add up to it.
        "awards_url": funding_explorer_url() or reverse("about-data") + "#awards",
        "organisation_count": Organisation.objects.published().count(),
        "headline_values": headline_values(),
        "milestones": published_milestones().latest_first()[:LATEST_MILESTONES],
        "outputs": Output.objects.published()
        .latest_first()
        .prefetch_related(Prefetch("publishers", queryset=Organisation.objects.published()))[
            :LATEST_OUTPUTS
        ],
    }
    return render(request, "mmip/home.html", context)


# ---------- Organisations ----------


class OrganisationListView(FilterView):
    """The directory: every published organisation, filtered by kind, region and role."""

    filterset_class = OrganisationFilterSet
    strict = False  # a bad part of the filter is left out with a message, not the whole page
    template_name = "mmip/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = ORGANISATIONS_PER_PAGE

    def get_queryset(self):
        # As people sort names: "Gatsby" before "GSK".
        return Organisation.objects.published().order_by(Lower("name"), "pk")

    def paginate_queryset(self, queryset, page_size):
        # Only the page shown needs its roles and parent. get_page() turns a page number
        # that is not one (letters, 0, 99999) into the nearest real page, not a 404.
        paginator = self.get_paginator(with_roles(queryset).select_related("parent"), page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        for organisation in page.object_list:
            organisation.roles = roles_of(organisation)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        self.filterset.count_choices()
        return super().get_context_data(
            breadcrumbs=[("Home", reverse("home")), ("Organisations", None)], **kwargs
        )


def published_awards_of(organisation: Organisation, role: str):
    return (
        Award.objects.published()
        .with_parties()
        .filter(**{role: organisation})
        .order_by("-award_date", "identifier")[:AWARDS_SHOWN]
    )


def award_totals_of(organisation: Organisation) -> dict[str, dict]:
    """{role: {"count": n, "total": £}} for awards given, received and routed through, in
    one query: each role's figures are a filtered aggregate over the organisation's awards."""
    roles = ("funder", "recipient", "routed_through")
    figures = (
        Award.objects.published()
        .filter(Q(funder=organisation) | Q(recipient=organisation) | Q(routed_through=organisation))
        .aggregate(
            **{f"{role}_count": Count("pk", filter=Q(**{role: organisation})) for role in roles},
            **{f"{role}_total": Sum("amount", filter=Q(**{role: organisation})) for role in roles},
        )
    )
    return {
        role: {"count": figures[f"{role}_count"], "total": figures[f"{role}_total"]}
        for role in roles
    }


class OrganisationDetailView(DetailView):
    """Every role one organisation plays, on one page, published rows only."""

    template_name = "mmip/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        programmes = ApprenticeshipProgramme.objects.published()
        return (
            Organisation.objects.published()
            .select_related("parent")
            .prefetch_related(
                Prefetch("parts", queryset=Organisation.objects.published()),
                Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.filter(workstream__is_published=True)
                    .select_related("workstream")
                    .order_by("workstream__display_order", "workstream__name", "role"),
                ),
                # An initiative's page is an anchor on its workstream's page.
                Prefetch(
                    "initiatives",
                    queryset=Initiative.objects.published()
                    .filter(workstream__is_published=True)
                    .select_related("workstream"),
                ),
                Prefetch("outputs", queryset=Output.objects.published().latest_first()),
                Prefetch("funding_programmes", queryset=FundingProgramme.objects.published()),
                Prefetch("apprenticeships_led", queryset=programmes),
                Prefetch("apprenticeship_communities", queryset=programmes),
                Prefetch(
                    "cohort_places",
                    queryset=CohortEmployer.objects.filter(
                        cohort__is_published=True, cohort__programme__is_published=True
                    )
                    .select_related("cohort__programme")
                    .order_by("cohort__start_date", "cohort__name"),
                ),
                Prefetch(
                    "cohorts_trained",
                    queryset=Cohort.objects.published()
                    .filter(programme__is_published=True)
                    .select_related("programme")
                    .order_by("start_date", "name"),
                ),
                Prefetch(
                    "training_centres",
                    queryset=TrainingCentre.objects.published().select_related("network"),
                ),
                Prefetch("learning_resources", queryset=LearningResource.objects.published()),
            )
        )

    def get_context_data(self, **kwargs):
        organisation = self.object
        totals = award_totals_of(organisation)
        explorer = funding_explorer_url()
        name = organisation.name
        awards = [
            {
                "key": role,
                "heading": heading,
                "caption": caption,
                "totals": totals[role],
                "awards": published_awards_of(organisation, role) if totals[role]["count"] else [],
                # Past AWARDS_SHOWN, the rest are one filtered explorer page away.
                "explorer_url": f"{explorer}?{urlencode({role: organisation.slug})}"
                if explorer and role != "routed_through"
                else None,
            }
            for role, heading, caption in (
                ("funder", "Awards given", f"Awards given by {name}"),
                ("recipient", "Awards received", f"Awards received by {name}"),
                (
                    "routed_through",
                    f"Awards routed through {organisation.short_name or name}",
                    f"Awards routed through {name}",
                ),
            )
        ]
        return super().get_context_data(
            award_sections=awards,
            awards_shown=AWARDS_SHOWN,
            breadcrumbs=[
                ("Home", reverse("home")),
                ("Organisations", reverse("organisation-list")),
                (organisation.name, None),
            ],
            **kwargs,
        )


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
    search_url = reverse("search")
    breadcrumbs = [("Home", reverse("home")), ("Search", None)]
    if kind and outcome:
        breadcrumbs[-1] = ("Search", f"{search_url}?{urlencode({'q': text})}")
        breadcrumbs.append((kind.label, None))
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
            Workstream.objects.published().values_list("name", flat=True)[:EXAMPLE_SEARCHES]
        )
    return render(request, "mmip/search.html", context)


# ---------- About the data ----------


def published_counts() -> list[tuple[str, int]]:
    """How many published records of each kind there are: a count query for each kind."""
    return [
        (label, queryset.count())
        for label, queryset in (
            ("Organisations", Organisation.objects.published()),
            ("Workstreams", Workstream.objects.published()),
            ("Initiatives", Initiative.objects.published()),
            ("Milestones", published_milestones()),
            ("Outputs", Output.objects.published()),
            ("Funding programmes", FundingProgramme.objects.published()),
            ("Awards", Award.objects.published()),
            ("Apprenticeship programmes", ApprenticeshipProgramme.objects.published()),
            ("Apprenticeship cohorts", Cohort.objects.published()),
            ("Training centres", TrainingCentre.objects.published()),
            ("Learning resources", LearningResource.objects.published()),
        )
    ]


def about_data(request):
    award_totals = Award.objects.published().totals()
    return render(
        request,
        "mmip/about_data.html",
        {
            "counts": published_counts(),
            "award_totals": award_totals,
            "funding_url": funding_explorer_url(),
            "breadcrumbs": [("Home", reverse("home")), ("About the data", None)],
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
