"""The reads that cross apps: what the site-wide pages show of every app's records, each a
queryset or a plain value built from the apps' own QuerySet methods. Views call these and
pick a template; the rules of what is public stay in the QuerySets."""

from django.db.models import Count, Prefetch, Q, Sum

from funding.models import Award, FundingProgramme
from mmip.grouping import grouped_by_choice
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from tracking.models import Commitment
from workstreams.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

AWARDS_SHOWN = 20  # per table on an organisation's page; the funding explorer lists the rest
AWARD_ROLES = ("funder", "recipient", "routed_through")


# ---------- The home page and about the data ----------


def headline_values():
    """One value per public indicator: its latest count of what happened, or, for an
    indicator that only has forecasts, its latest projection. DISTINCT ON keeps it one query
    however many values each indicator has."""
    return (
        IndicatorValue.objects.public()
        .select_related("indicator")
        .order_by("indicator__name", "is_projection", "-date")
        .distinct("indicator__name")
    )


def latest_outputs():
    return (
        Output.objects.public()
        .latest_first()
        .prefetch_related(Prefetch("publishers", queryset=Organisation.objects.public()))
    )


def public_counts() -> list[tuple[str, int]]:
    """How many public records of each kind there are: a count query for each kind."""
    return [
        (label, queryset.count())
        for label, queryset in (
            ("Organisations", Organisation.objects.public()),
            ("Workstreams", Workstream.objects.public()),
            ("Initiatives", Initiative.objects.public()),
            ("Milestones", Milestone.objects.public()),
            ("Outputs", Output.objects.public()),
            ("Funding programmes", FundingProgramme.objects.public()),
            ("Awards", Award.objects.public()),
            ("Apprenticeship programmes", ApprenticeshipProgramme.objects.public()),
            ("Apprenticeship cohorts", Cohort.objects.public()),
            ("Training centres", TrainingCentre.objects.public()),
            ("Learning resources", LearningResource.objects.public()),
        )
    ]


# ---------- An organisation's page ----------


def organisation_pages():
    """Public organisations with every public row their page shows, one query for each
    kind of row. The parent and each centre's network are joined, as the page names them
    only where public and so reads their is_public."""
    programmes = ApprenticeshipProgramme.objects.public()
    return (
        Organisation.objects.public()
        .select_related("parent")
        .prefetch_related(
            Prefetch("parts", queryset=Organisation.objects.public()),
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.public()
                .select_related("workstream")
                .order_by("workstream__display_order", "workstream__name", "role"),
            ),
            Prefetch(
                "initiatives", queryset=Initiative.objects.public().select_related("workstream")
            ),
            Prefetch("outputs", queryset=Output.objects.public().latest_first()),
            Prefetch("funding_programmes", queryset=FundingProgramme.objects.public()),
            Prefetch("apprenticeships_led", queryset=programmes),
            Prefetch("apprenticeship_communities", queryset=programmes),
            Prefetch(
                "cohort_places",
                queryset=CohortEmployer.objects.public()
                .select_related("cohort__programme")
                .order_by("cohort__start_date", "cohort__name"),
            ),
            Prefetch(
                "cohorts_trained",
                queryset=Cohort.objects.public()
                .select_related("programme")
                .order_by("start_date", "name"),
            ),
            Prefetch(
                "training_centres",
                queryset=TrainingCentre.objects.public().select_related("network__workstream"),
            ),
            Prefetch("learning_resources", queryset=LearningResource.objects.public()),
        )
    )


def awards_of(organisation: Organisation, role: str):
    """The latest AWARDS_SHOWN public awards in which the organisation plays role."""
    return (
        Award.objects.public()
        .with_parties()
        .filter(**{role: organisation})
        .order_by("-award_date", "identifier")[:AWARDS_SHOWN]
    )


def award_totals_of(organisation: Organisation) -> dict[str, dict]:
    """{role: {"count": n, "total": £}} for awards given, received and routed through, in
    one query: each role's figures are a filtered aggregate over the organisation's awards."""
    figures = (
        Award.objects.public()
        .filter(Q(funder=organisation) | Q(recipient=organisation) | Q(routed_through=organisation))
        .aggregate(
            **{
                f"{role}_count": Count("pk", filter=Q(**{role: organisation}))
                for role in AWARD_ROLES
            },
            **{
                f"{role}_total": Sum("amount", filter=Q(**{role: organisation}))
                for role in AWARD_ROLES
            },
        )
    )
    return {
        role: {"count": figures[f"{role}_count"], "total": figures[f"{role}_total"]}
        for role in AWARD_ROLES
    }


# ---------- A workstream's page, an indicator's page and the timeline ----------


def workstream_pages():
    """Public workstreams with every public row their page shows. What the page names only
    where public (an initiative's larger initiative, a milestone's initiative, a
    programme's lead) is joined with what its is_public reads."""
    return (
        Workstream.objects.public()
        .with_partners()
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.public()
                .select_related("part_of__workstream")
                .prefetch_related(
                    Prefetch("organisations", queryset=Organisation.objects.public())
                ),
            ),
            Prefetch("awards", queryset=Award.objects.public().with_parties()),
            Prefetch("indicators", queryset=Indicator.objects.public().with_values()),
            Prefetch("outputs", queryset=latest_outputs()),
            Prefetch("commitments", queryset=Commitment.objects.public().order_by("title")),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.public()
                .select_related("initiative__workstream")
                .in_date_order(),
            ),
            Prefetch(
                "apprenticeship_programmes",
                queryset=ApprenticeshipProgramme.objects.public()
                .select_related("lead")
                .prefetch_related(
                    Prefetch("community_organisations", queryset=Organisation.objects.public())
                ),
            ),
        )
    )


def partners_by_role(workstream: Workstream) -> list[tuple[str, list[Partnership]]]:
    """[(role label, partnerships)] in the order Partnership.Role declares, leaving out
    roles nobody plays. with_partners() sorts by the stored value, which is alphabetical."""
    return grouped_by_choice(workstream.partnerships.all(), "role", Partnership.Role)


def indicator_pages():
    return (
        Indicator.objects.public()
        .with_values()
        .prefetch_related(
            Prefetch("workstreams", queryset=Workstream.objects.public()),
            Prefetch(
                "apprenticeship_programmes", queryset=ApprenticeshipProgramme.objects.public()
            ),
        )
    )


def timeline_milestones():
    """Public milestones in date order, with what the timeline names only where public
    (the initiative, with the workstream its is_public reads, and the output) joined."""
    return (
        Milestone.objects.public()
        .select_related("workstream", "initiative__workstream", "output")
        .prefetch_related(
            Prefetch("awards", queryset=Award.objects.public().order_by("award_date"))
        )
        .in_date_order()
    )
