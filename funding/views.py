"""One award's public page. The funding explorer comes later and will live beside it."""

from django.db import connection
from django.db.models import Prefetch
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.views.generic import DetailView

from funding.models import Award
from workstreams.models import Output, Workstream
from workstreams.views import published_milestones


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
    """The published awards before ('earlier') or after ('later') this one in its chain.
    Drafts in the middle are walked through but never shown."""
    return (
        Award.objects.published()
        .with_parties()
        .filter(pk__in=RawSQL(_chain_sql(direction), [award.pk, award.pk]))
        .order_by("award_date", "identifier")
    )


class AwardDetailView(DetailView):
    template_name = "funding/award_detail.html"
    context_object_name = "award"
    slug_field = "identifier"
    slug_url_kwarg = "identifier"

    def get_queryset(self):
        return (
            Award.objects.published()
            .with_parties()
            .prefetch_related(
                Prefetch("workstreams", queryset=Workstream.objects.published()),
                Prefetch("milestones", queryset=published_milestones().in_date_order()),
                Prefetch("outputs", queryset=Output.objects.published().latest_first()),
            )
        )

    def get_context_data(self, **kwargs):
        award = self.object
        return super().get_context_data(
            earlier_awards=follow_on_chain(award, "earlier"),
            later_awards=follow_on_chain(award, "later"),
            breadcrumbs=[("Home", reverse("home")), (award.title, None)],
            **kwargs,
        )
