"""The reads that cross apps: what the site-wide pages show of every app's records, each a
queryset or a plain value built from the apps' own QuerySet methods. Views call these and
pick a template; the rules of what is public stay in the QuerySets."""

from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

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

AWARDS_SHOWN = 20  # per table of an organisation's or a workstream's page; the explorer has all
# The roles an organisation plays in awards, each with the relation of its awards.
AWARD_RELATIONS = {
    "funder": "awards_given",
    "recipient": "awards_received",
    "routed_through": "awards_routed",
}


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


# ---------- What a record's page has rows of ----------


def rows_by_relation(record, queries: dict[str, Callable[[], Iterable]]) -> dict[str, list]:
    """{relation: list(query())} for each relation of record (an accessor name such as
    "awards_given") under which any row at all points at it, and [] for the others, whose
    queries are never run.

    Whether each relation has a row, drafts included, is asked of every relation at once in
    one query straight from the relations' own tables, needing no joins and no query
    building. A page of one record shows a section per relation, and on today's record most
    have rows of a few kinds only; a query that finds nothing costs as much as one that finds
    something. Which rows are public is still for each query to say."""
    meta = type(record)._meta
    quote = connection.ops.quote_name
    tests, values = [], []
    for name in queries:
        relation = meta.get_field(name)
        if relation.many_to_many:
            link = relation.through._meta.get_field(relation.field.m2m_reverse_field_name())
        else:
            link = relation.field
        tests.append(
            f"EXISTS (SELECT 1 FROM {quote(link.model._meta.db_table)} "
            f"WHERE {quote(link.column)} = %s)"
        )
        values.append(getattr(record, link.target_field.attname))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(tests)}", values)
        found = cursor.fetchone()
    return {
        name: list(query()) if exists else []
        for (name, query), exists in zip(queries.items(), found, strict=True)
    }


# ---------- An organisation's page ----------


def organisation_page(organisation: Organisation) -> dict:
    """Every public row an organisation's page shows, by relation (its accessor name, such
    as "partnerships"), each kind the organisation has any rows of in one query filtered on
    it: prefetching from a single organisation only added its own machinery to each query.
    The organisation's parent and each centre's network come with what their is_public
    reads, as the page names them only where public. Under "award_roles", for each role of
    AWARD_RELATIONS, the latest AWARDS_SHOWN awards and the count and total of all of them,
    in one query."""
    if organisation.parent_id:
        # Named only where public, which its is_public says. Few organisations are part of
        # another, and joining the parent to every organisation's row cost as much as this.
        prefetch_related_objects([organisation], "parent")
    programmes = ApprenticeshipProgramme.objects.public()
    rows = rows_by_relation(
        organisation,
        {
            "parts": lambda: Organisation.objects.public().filter(parent=organisation),
            "partnerships": lambda: (
                Partnership.objects.public()
                .filter(organisation=organisation)
                .select_related("workstream")
                .order_by("workstream__display_order", "workstream__name", "role")
            ),
            "initiatives": lambda: (
                Initiative.objects.public()
                .filter(organisations=organisation)
                .select_related("workstream")
            ),
            "outputs": lambda: (
                Output.objects.public().filter(publishers=organisation).latest_first()
            ),
            "funding_programmes": lambda: FundingProgramme.objects.public().filter(
                funder=organisation
            ),
            "apprenticeships_led": lambda: programmes.filter(lead=organisation),
            "apprenticeship_communities": lambda: programmes.filter(
                community_organisations=organisation
            ),
            "cohort_places": lambda: (
                CohortEmployer.objects.public()
                .filter(organisation=organisation)
                .select_related("cohort__programme")
                .order_by("cohort__start_date", "cohort__name")
            ),
            "cohorts_trained": lambda: (
                Cohort.objects.public()
                .filter(training_provider=organisation)
                .select_related("programme")
                .order_by("start_date", "name")
            ),
            "training_centres": lambda: (
                TrainingCentre.objects.public()
                .filter(organisation=organisation)
                .select_related("network__workstream")
            ),
            "learning_resources": lambda: LearningResource.objects.public().filter(
                provider=organisation
            ),
            **{
                relation: lambda role=role: latest_awards(organisation, role)
                for role, relation in AWARD_RELATIONS.items()
            },
        },
    )
    rows["award_roles"] = award_roles(rows, AWARD_RELATIONS)
    return rows


def awards_by_role(organisation: Organisation, roles: tuple[str, ...], *, shown: int) -> dict:
    """For each of roles (of AWARD_RELATIONS), the latest `shown` public awards in which the
    organisation plays it, with the count and total of all of them: a query for each role
    the organisation has any award in, and one to find which those are."""
    relations = {role: AWARD_RELATIONS[role] for role in roles}
    rows = rows_by_relation(
        organisation,
        {
            relation: lambda role=role: latest_awards(organisation, role, shown=shown)
            for role, relation in relations.items()
        },
    )
    return award_roles(rows, relations)


def award_roles(rows: dict, relations: dict[str, str]) -> dict:
    """{role: {"awards", "totals"}} from the lists of latest_awards() that rows holds under
    each role's relation (taken out of rows): the awards, and the count and total of all."""
    roles = {}
    for role, relation in relations.items():
        awards = rows.pop(relation)
        roles[role] = {
            "awards": awards,
            "totals": {
                "count": awards[0].count_of_all if awards else 0,
                "total": awards[0].total_of_all if awards else None,
            },
        }
    return roles


def latest_awards(organisation: Organisation, role: str, *, shown: int | None = None):
    """The latest `shown` (AWARDS_SHOWN unless told) public awards in which the organisation
    plays role, each with the count and total of all of them (AwardQuerySet.with_totals())."""
    return (
        Award.objects.public()
        .in_tables()
        .with_totals()
        .filter(**{role: organisation})
        .order_by("-award_date", "identifier")[: AWARDS_SHOWN if shown is None else shown]
    )


# ---------- An indicator's page and the timeline (a workstream's: workstream_page.py) ----------


def indicator_pages():
    return (
        Indicator.objects.public()
        .with_values()
        .with_periods()
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
