"""What a workstream's page reads. Every list on it is bounded, so that a workstream with
thousands of awards and milestones costs what one with a few does: each list holds the
first few in an order that says which matter most, with the count of all of them, and a
filtered page elsewhere lists the rest (the funding explorer, the timeline, /progress/,
/outputs/). The counts come in the same query as the rows, as window aggregates counted
before the slice."""

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Prefetch,
    Value,
    When,
    Window,
    prefetch_related_objects,
)

from funding.models import Award
from mmip import pagecache
from mmip.grouping import grouped_by_choice
from mmip.models import Organisation
from mmip.site.selectors import AWARDS_SHOWN, rows_by_relation
from skills.models import ApprenticeshipProgramme
from tracking import roadmap_selection
from tracking.models import Commitment, StatusChange
from tracking.roadmap import is_on_the_plan
from workstreams.models import (
    Indicator,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

MILESTONES_SHOWN = 20  # nearest today, besides those of the roadmap; the timeline has all
COMMITMENTS_SHOWN = 20  # late and due soonest first, at most ROADMAP_ROWS; /progress/ has all
INITIATIVES_SHOWN = 20  # those still going, latest started first
OUTPUTS_SHOWN = 20  # the latest; /outputs/ lists them all
PERIODS_SHOWN = 6  # of each indicator, the latest begun; the indicator's page has them all


def workstream_page(workstream: Workstream, *, today: datetime.date) -> dict:
    """The public rows a workstream's page shows, by relation (its accessor name, such as
    "initiatives"), each kind the workstream has any rows of in one query filtered on it:
    prefetching from a single workstream only added its own machinery to each query. What
    the page names only where public (an initiative's larger initiative, a milestone's
    initiative, a programme's lead) comes with what its is_public reads, and each milestone
    of the timeline with the public history of its status and rating
    (public_status_changes).

    Each indicator comes with its values, how many reporting periods it has (period_count)
    and those the page shows (periods_shown). Besides, "counts": how many of each bounded
    list there are in all; "award_totals"; "roadmap": the milestones and commitments its
    roadmap draws (roadmap_selection) and how many more are on the plan; and
    "partners_by_role"."""
    rows = rows_by_relation(
        workstream,
        {
            "partnerships": lambda: (
                Partnership.objects.public()
                .filter(workstream=workstream)
                .select_related("organisation")
                .order_by("role", "organisation__name")
            ),
            "initiatives": lambda: latest_initiatives(workstream),
            "awards": lambda: (
                Award.objects.public()
                .for_workstream(workstream)
                .in_tables()
                .order_by("-award_date", "identifier")[:AWARDS_SHOWN]
            ),
            "indicators": lambda: (
                Indicator.objects.public()
                .filter(workstreams=workstream)
                .with_values()
                .with_periods()
            ),
            "outputs": lambda: (
                Output.objects.public()
                .filter(workstreams=workstream)
                .annotate(count_of_all=Window(Count("pk")))
                .latest_first()[:OUTPUTS_SHOWN]
            ),
            "commitments": lambda: first_commitments(workstream, today),
            "milestones": lambda: nearest_today(workstream, today),
            "apprenticeship_programmes": lambda: (
                ApprenticeshipProgramme.objects.public()
                .filter(workstream=workstream)
                .select_related("lead")
            ),
        },
    )
    rows["counts"] = {
        relation: rows[relation][0].count_of_all if rows[relation] else 0
        for relation in ("initiatives", "outputs", "commitments", "milestones")
    }
    rows["award_totals"] = award_totals(workstream) if rows["awards"] else None
    rows["roadmap"] = roadmap_rows(rows, workstream, today)
    for indicator in rows["indicators"]:
        periods = indicator.periods.all()
        indicator.period_count = len(periods)
        indicator.periods_shown = periods_shown(periods, today)
    rows["commitments"] = rows["commitments"][:COMMITMENTS_SHOWN]
    with_what_they_name(rows)
    rows["partners_by_role"] = partners_by_role(rows.pop("partnerships"))
    return rows


def periods_shown(periods, today: datetime.date) -> list:
    """Of an indicator's reporting periods in date order, the PERIODS_SHOWN up to the latest
    begun by today; with fewer begun, the first PERIODS_SHOWN."""
    begun = sum(1 for period in periods if period.start <= today)
    end = max(begun, min(PERIODS_SHOWN, len(periods)))
    return periods[max(0, end - PERIODS_SHOWN) : end]


def award_totals(workstream: Workstream) -> dict:
    """The count and total of all the workstream's public awards, remembered in the shared
    cache until the record changes, as the funding explorer's figures are. Adding up every
    award of a busy workstream reads each of them, tens of milliseconds at 100,000 awards,
    where its latest few come from the end of an index; and counted as they are listed (a
    window aggregate), each award is joined to its parties before the count, several times
    as long again."""
    return pagecache.remembered(
        "workstream-award-totals",
        (workstream.pk,),
        Award.objects.public().for_workstream(workstream).totals,
        seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
    )


def latest_initiatives(workstream: Workstream) -> list[Initiative]:
    """The first INITIATIVES_SHOWN initiatives: those still going (active, planned or
    business as usual) before those completed, each latest started first; shown in the
    order they started, as the whole list always was."""
    first = list(
        Initiative.objects.public()
        .filter(workstream=workstream)
        .annotate(count_of_all=Window(Count("pk")))
        .order_by(
            Case(When(status=Initiative.Status.COMPLETED, then=Value(1)), default=Value(0)),
            F("start_date").desc(nulls_last=True),
            "name",
        )[:INITIATIVES_SHOWN]
    )
    # Undated last, as PostgreSQL sorts NULL after every date.
    first.sort(key=lambda initiative: (initiative.start_date or datetime.date.max, initiative.name))
    return first


def first_commitments(workstream: Workstream, today: datetime.date) -> list[Commitment]:
    """The first of each group of the workstream's commitments in the roadmap's order,
    late, then due soonest, then delivered, then dropped: enough for the roadmap, and for
    the Commitments section, which lists the first COMMITMENTS_SHOWN of them all."""
    return roadmap_selection.first_of_each_group(
        Commitment.objects.public()
        .filter(workstream=workstream)
        .annotate(
            count_of_all=Window(Count("pk")),
            **roadmap_selection.commitment_priority(today),
        ),
        "title",
    )


def nearest_today(workstream: Workstream, today: datetime.date):
    """The MILESTONES_SHOWN milestones nearest today, before or after it, each with how
    many the workstream has (count_of_all): only their keys, as the ranking reads every
    milestone of the workstream and sorting whole rows cost several times as much."""
    days_from_today = Func(
        F("date"),
        Value(today, output_field=DateField()),
        template="abs(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    return (
        Milestone.objects.public()
        .filter(workstream=workstream)
        .only("pk")
        .annotate(count_of_all=Window(Count("pk")))
        .order_by(days_from_today, "date", "title", "pk")[:MILESTONES_SHOWN]
    )


def first_planned(workstream: Workstream, today: datetime.date) -> list[Milestone]:
    """The first of each group of the workstream's milestones on the plan in the roadmap's
    order, each with how many are on the plan (count_of_all): only their keys, titles and
    places in the order, as for nearest_today()."""
    return roadmap_selection.first_of_each_group(
        Milestone.objects.public()
        .filter(roadmap_selection.on_the_plan_condition(), workstream=workstream)
        .only("pk", "title")
        .annotate(
            count_of_all=Window(Count("pk")),
            **roadmap_selection.milestone_priority(today),
        ),
        "title",
    )


def roadmap_rows(rows: dict, workstream: Workstream, today: datetime.date) -> dict:
    """The milestones and commitments the roadmap draws, chosen from the first of each
    group on the plan and of the commitments, and how many more there are on the plan.
    Reads the milestones the page shows whole, with what they name: those nearest today
    and those the roadmap draws, which link to their place in the timeline. They are left
    under rows["milestones"], in date order."""
    planned = first_planned(workstream, today) if rows["milestones"] else []
    drawn_milestones, drawn_commitments = roadmap_selection.chosen(planned, rows["commitments"])
    shown = {milestone.pk for milestone in [*rows["milestones"], *drawn_milestones]}
    rows["milestones"] = (
        list(
            Milestone.objects.public()
            .filter(pk__in=shown)
            .select_related("initiative__workstream")
            .in_date_order()
        )
        if shown
        else []
    )
    whole = {milestone.pk: milestone for milestone in rows["milestones"]}
    on_the_plan = planned[0].count_of_all if planned else 0
    return {
        "milestones": [whole[milestone.pk] for milestone in drawn_milestones],
        "commitments": drawn_commitments,
        "more": on_the_plan
        + rows["counts"]["commitments"]
        - len(drawn_milestones)
        - len(drawn_commitments),
    }


def with_what_they_name(rows: dict) -> None:
    """What the rows shown name: a query for each kind, run only for a list with rows."""
    initiatives = rows["initiatives"]
    if any(initiative.part_of_id for initiative in initiatives):
        # The larger initiatives some are part of, with the workstream their is_public reads:
        # few initiatives are part of another, and joining them to every row cost as much as
        # this query.
        prefetch_related_objects(
            initiatives,
            Prefetch("part_of", queryset=Initiative.objects.select_related("workstream")),
        )
    for relation, link in (
        ("initiatives", "organisations"),
        ("outputs", "publishers"),
        ("apprenticeship_programmes", "community_organisations"),
    ):
        prefetch_related_objects(
            rows[relation], Prefetch(link, queryset=Organisation.objects.public())
        )
    # The public history of each shown milestone's status and rating, under it in the
    # timeline: one query, run only when some of them are on a plan. Only those have a
    # history: a status or rating changes only through an approved update, a rating needs a
    # status, and once a milestone is saved its status is for updates alone to change.
    on_a_plan = []
    for milestone in rows["milestones"]:
        if is_on_the_plan(milestone):
            on_a_plan.append(milestone)
        else:
            milestone.public_status_changes = []
    prefetch_related_objects(
        on_a_plan,
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.public(),
            to_attr="public_status_changes",
        ),
    )


def partners_by_role(partnerships) -> list[tuple[str, list[Partnership]]]:
    """[(role label, partnerships)] in the order Partnership.Role declares, leaving out
    roles nobody plays. Queries sort roles by the stored value, which is alphabetical."""
    return grouped_by_choice(partnerships, "role", Partnership.Role)
