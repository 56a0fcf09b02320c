"""What the widgets show, read through the site's selectors and the models' public()
QuerySets, so a widget never shows a draft a page would not. Each read is bounded: a widget
costs the same queries for a record with thousands of rows as for one with three."""

from django.db.models import Exists, IntegerField, OuterRef, Subquery

from funding.models import Award
from mmip.models import Organisation
from mmip.site import selectors
from mmip.site.workstream_page import award_totals
from workstreams.models import Initiative, Milestone, Output, Partnership, Workstream

AWARDS_SHOWN = 5  # of each role in an organisation's widget; its page and the explorer have all
INDICATORS_SHOWN = 4  # latest values in a workstream's widget; its page has them all
# The roles an organisation's widget shows, each with its heading.
AWARD_ROLES = (("funder", "Awards given"), ("recipient", "Awards received"))


class CountOf(Subquery):
    """How many rows a queryset finds, as a column of an outer query, so that several counts
    come in one statement."""

    template = "(SELECT count(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def workstream_figures(workstream: Workstream) -> dict:
    """A workstream's headline figures: the count and total of its public awards, how many
    public partner organisations, initiatives, milestones and outputs it has (one query for
    the four counts), and the latest values of its first INDICATORS_SHOWN public indicators
    by name, with whether it has more."""
    counts = (
        Workstream.objects.filter(pk=workstream.pk)
        .annotate(
            # An organisation may play several roles in one workstream: it counts once.
            partner_count=CountOf(
                Partnership.objects.public()
                .filter(workstream=OuterRef("pk"))
                .order_by()  # DISTINCT would take in the columns of Partnership's ordering
                .values("organisation")
                .distinct()
            ),
            initiative_count=CountOf(
                Initiative.objects.public().filter(workstream=OuterRef("pk")).values("pk")
            ),
            milestone_count=CountOf(
                Milestone.objects.public().filter(workstream=OuterRef("pk")).values("pk")
            ),
            output_count=CountOf(
                Output.objects.public().filter(workstreams=OuterRef("pk")).values("pk")
            ),
        )
        .values("partner_count", "initiative_count", "milestone_count", "output_count")
        .get()
    )
    counts = {name.removesuffix("_count") + "s": count for name, count in counts.items()}
    values = list(
        selectors.headline_values().filter(indicator__workstreams=workstream)[
            : INDICATORS_SHOWN + 1
        ]
    )
    return {
        "awards": award_totals(workstream),
        "counts": counts,
        "indicator_values": values[:INDICATORS_SHOWN],
        "more_indicators": len(values) > INDICATORS_SHOWN,
    }


def organisation_awards(organisation: Organisation) -> list[dict]:
    """For each role of AWARD_ROLES, its heading, the latest AWARDS_SHOWN public awards in
    which the organisation plays it, and their count and total."""
    roles = selectors.awards_by_role(
        organisation, tuple(role for role, _ in AWARD_ROLES), shown=AWARDS_SHOWN
    )
    return [{"role": role, "heading": heading, **roles[role]} for role, heading in AWARD_ROLES]


def organisations_with_awards():
    """Public organisations that give or receive a public award: those a widget of awards
    can be made for."""
    public_awards = Award.objects.public()
    return Organisation.objects.public().filter(
        Exists(public_awards.filter(funder=OuterRef("pk")))
        | Exists(public_awards.filter(recipient=OuterRef("pk")))
    )
