"""The funding pages beside the explorer: the programmes, the funders and recipients
tables, and one award's page. Each leads back into the explorer, filtered to match.
"""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch
from django.db.models.expressions import RawSQL
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from funding import provenance, stats
from funding.explorer import explorer_url
from funding.filters import public_awards
from funding.models import Award, FundingProgramme
from mmip.breadcrumbs import BreadcrumbsMixin, trail
from mmip.paging import page_of
from workstreams.models import Milestone, Output, Workstream

AWARDS_SHOWN = 20  # on a programme's page; the explorer lists the rest
ORGANISATIONS_PER_PAGE = 50


# ---------- Programmes ----------


class ProgrammeListView(BreadcrumbsMixin, ListView):
    template_name = "funding/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return FundingProgramme.objects.public().select_related("funder").order_by("name")

    def get_breadcrumbs(self):
        return [("Funding", reverse("funding-explorer")), ("Programmes", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The public awards grouped by programme on their own, then matched up: grouping
        # the programmes joined to every award costs several times as much at scale.
        figures = {
            programme: (count, total)
            for programme, count, total in Award.objects.public()
            .filter(programme__isnull=False)
            .totals_by("programme")
            .values_list("programme", "count", "total")
        }
        for programme in context["programmes"]:
            programme.award_count, programme.award_total = figures.get(
                programme.pk, (0, Decimal("0"))
            )
        return context


class ProgrammeDetailView(BreadcrumbsMixin, DetailView):
    template_name = "funding/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return (
            FundingProgramme.objects.public()
            .select_related("funder")
            .prefetch_related(Prefetch("workstreams", queryset=Workstream.objects.public()))
        )

    def get_context_data(self, **kwargs):
        programme = self.object
        awards = public_awards().filter(programme=programme)
        totals = stats.summary(awards)
        return super().get_context_data(
            totals=totals,
            awards=awards[:AWARDS_SHOWN] if totals.count else [],
            awards_shown=AWARDS_SHOWN,
            explorer_url=explorer_url(programme=programme.slug),
            download_query="?" + urlencode({"programme": programme.slug}),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [
            ("Funding", reverse("funding-explorer")),
            ("Programmes", reverse("funding-programme-list")),
            (self.object.name, None),
        ]


# ---------- Funders and recipients ----------

ROLE_PAGES = {
    "funder": {"title": "Funders", "thing": "funder"},
    "recipient": {"title": "Recipients", "thing": "recipient"},
}


def _organisation_table(request, role: str):
    page_details = ROLE_PAGES[role]
    paginator = Paginator(stats.organisation_summary(role), ORGANISATIONS_PER_PAGE)
    page, _ = page_of(paginator, request.GET.get("page"))
    for organisation in page.object_list:
        organisation.explorer_url = explorer_url(**{role: organisation.slug})
    return render(
        request,
        "funding/organisation_table.html",
        {
            "role": role,
            "title": page_details["title"],
            "thing": page_details["thing"],
            "organisations": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "breadcrumbs": trail(
                ("Funding", reverse("funding-explorer")), (page_details["title"], None)
            ),
        },
    )


@require_safe
def funder_list(request):
    return _organisation_table(request, "funder")


@require_safe
def recipient_list(request):
    return _organisation_table(request, "recipient")


# ---------- One award ----------


def _chain_sql(direction: str) -> str:
    """Every award reachable from one award by following follow-on links one way, found in
    a single recursive query, so a long chain costs no more queries than a short one.
    UNION (not UNION ALL) stops at a repeated award, so a mistaken loop cannot run forever."""
    table = connection.ops.quote_name(Award._meta.db_table)
    step = "a.id = c.follow_on_of_id" if direction == "earlier" else "a.follow_on_of_id = c.id"
    return f"""
        WITH RECURSIVE chain(id, follow_on_of_id) AS (
            SELECT id, follow_on_of_id FROM {table} WHERE id = %s
            UNION
            SELECT a.id, a.follow_on_of_id FROM {table} a JOIN chain c ON {step}
        )
        SELECT id FROM chain WHERE id <> %s
    """


def follow_on_chain(award: Award, direction: str):
    """The public awards before ('earlier') or after ('later') this one in its chain.
    Awards in the middle that are not public are walked through but never shown."""
    return (
        Award.objects.public()
        .with_parties()
        .filter(pk__in=RawSQL(_chain_sql(direction), [award.pk, award.pk]))
        .order_by("award_date", "identifier")
    )


class AwardDetailView(BreadcrumbsMixin, DetailView):
    template_name = "funding/award_detail.html"
    context_object_name = "award"
    slug_field = "identifier"
    slug_url_kwarg = "identifier"

    def get_queryset(self):
        return (
            Award.objects.public()
            .with_parties()
            .prefetch_related(
                Prefetch("workstreams", queryset=Workstream.objects.public()),
                Prefetch(
                    "milestones",
                    # Each links to its workstream's page.
                    queryset=Milestone.objects.public()
                    .select_related("workstream")
                    .in_date_order(),
                ),
                Prefetch("outputs", queryset=Output.objects.public().latest_first()),
            )
        )

    def get_context_data(self, **kwargs):
        award = self.object
        return super().get_context_data(
            earlier_awards=follow_on_chain(award, "earlier"),
            later_awards=follow_on_chain(award, "later"),
            datasets=provenance.datasets_of(award),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [("Funding", reverse("funding-explorer")), (self.object.title, None)]
