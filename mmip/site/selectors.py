"""The reads that cross apps: what the site-wide pages show of every app's records, each a
queryset or a plain value built from the apps' own QuerySet methods. Views call these and
pick a template; the rules of what is public stay in the QuerySets."""

from django.db.models import Count, Prefetch, Q, Sum

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
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
    """One value per published indicator: its latest count of what happened, or, for an
    indicator that only has forecasts, its latest projection. DISTINCT ON keeps it one query
    however many values each indicator has."""
    return (
        IndicatorValue.objects.filter(indicator__is_published=True)
        .select_related("indicator")
        .order_by("indicator__name", "is_projection", "-date")
        .distinct("indicator__name")
    )


def latest_outputs():
    return (
        Output.objects.published()
        .latest_first()
        .prefetch_related(Prefetch("publishers", queryset=Organisation.objects.published()))
    )


def published_counts() -> list[tuple[str, int]]:
    """How many published records of each kind there are: a count query for each kind."""
    return [
        (label, queryset.count())
        for label, queryset in (
            ("Organisations", Organisation.objects.published()),
            ("Workstreams", Workstream.objects.published()),
            ("Initiatives", Initiative.objects.published()),
            ("Milestones", Milestone.objects.public()),
            ("Outputs", Output.objects.published()),
            ("Funding programmes", FundingProgramme.objects.published()),
            ("Awards", Award.objects.published()),
            ("Apprenticeship programmes", ApprenticeshipProgramme.objects.published()),
            ("Apprenticeship cohorts", Cohort.objects.published()),
            ("Training centres", TrainingCentre.objects.published()),
            ("Learning resources", LearningResource.objects.published()),
        )
    ]


# ---------- An organisation's page ----------


def organisation_pages():
    """Published organisations with every published row their page shows, one query for
    each kind of row."""
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


def awards_of(organisation: Organisation, role: str):
    """The latest AWARDS_SHOWN published awards in which the organisation plays role."""
    return (
        Award.objects.published()
        .with_parties()
        .filter(**{role: organisation})
        .order_by("-award_date", "identifier")[:AWARDS_SHOWN]
    )


def award_totals_of(organisation: Organisation) -> dict[str, dict]:
    """{role: {"count": n, "total": £}} for awards given, received and routed through, in
    one query: each role's figures are a filtered aggregate over the organisation's awards."""
    figures = (
        Award.objects.published()
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
    """Published workstreams with every published row their page shows."""
    return (
        Workstream.objects.published()
        .with_partners()
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.published()
                .select_related("part_of__workstream")
                .prefetch_related(
                    Prefetch("organisations", queryset=Organisation.objects.published())
                ),
            ),
            Prefetch("awards", queryset=Award.objects.published().with_parties()),
            Prefetch("indicators", queryset=Indicator.objects.published().with_values()),
            Prefetch("outputs", queryset=latest_outputs()),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.public().select_related("initiative").in_date_order(),
            ),
            Prefetch(
                "apprenticeship_programmes",
                queryset=ApprenticeshipProgramme.objects.published()
                .select_related("lead")
                .prefetch_related(
                    Prefetch("community_organisations", queryset=Organisation.objects.published())
                ),
            ),
        )
    )


def partners_by_role(workstream: Workstream) -> list[tuple[str, list[Partnership]]]:
    """[(role label, partnerships)] in the order Partnership.Role declares, leaving out
    roles nobody plays. with_partners() sorts by the stored value, which is alphabetical."""
    partnerships = list(workstream.partnerships.all())
    groups = []
    for role in Partnership.Role:
        members = [p for p in partnerships if p.role == role]
        if members:
            groups.append((role.label, members))
    return groups


def indicator_pages():
    return (
        Indicator.objects.published()
        .with_values()
        .prefetch_related(
            Prefetch("workstreams", queryset=Workstream.objects.published()),
            Prefetch(
                "apprenticeship_programmes", queryset=ApprenticeshipProgramme.objects.published()
            ),
        )
    )


def timeline_milestones():
    return (
        Milestone.objects.public()
        .select_related("workstream", "initiative__workstream", "output")
        .prefetch_related(
            Prefetch("awards", queryset=Award.objects.published().order_by("award_date"))
        )
        .in_date_order()
    )
