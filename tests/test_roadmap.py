"""A workstream's roadmap: its public milestones on a plan and its public commitments over the
years, planned against forecast and done, as a picture and the same as a table; and each
milestone's public history of status and rating under it in the workstream's timeline."""

import datetime
import itertools

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.text import slugify

from tests.factories import (
    CommitmentFactory,
    MilestoneFactory,
    StatusChangeFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page
from tracking import roadmap_selection
from tracking.models import Commitment
from tracking.roadmap import (
    DONE,
    FORECAST,
    LANE_HEIGHT,
    MAX_LINES,
    PAD,
    PLANNED,
    WIDTH,
    is_on_the_plan,
    workstream_roadmap,
)
from workstreams.models import Milestone

TODAY = datetime.date(2026, 11, 29)


def milestone(title="A milestone", **plan) -> Milestone:
    """A milestone as the page has it, unsaved: the roadmap asks no query."""
    return Milestone(title=title, slug=slugify(title), **plan)


def commitment(title="A commitment", **fields) -> Commitment:
    return Commitment(title=title, slug=slugify(title), **fields)


def roadmap_of(*milestones, commitments=(), today=TODAY):
    return workstream_roadmap("Skills", list(milestones), list(commitments), today=today)


def only_row(roadmap):
    [row] = roadmap.rows
    return row


def year_width(roadmap) -> float:
    return (WIDTH - 2 * PAD) / len(roadmap.years)


def render(roadmap) -> str:
    return Template('{% include "tracking/includes/roadmap.html" %}').render(
        Context({"roadmap": roadmap})
    )


# ---------- The geometry ----------


def test_a_date_known_only_to_the_year_spans_the_whole_year():
    roadmap = roadmap_of(
        milestone(
            delivery_status="planned",
            planned_date=datetime.date(2025, 1, 1),
            planned_precision="year",
        )
    )

    [mark] = only_row(roadmap).marks
    [year_2025] = [tick for tick in roadmap.years if tick.label == "2025"]
    assert mark.kind == PLANNED and not mark.points
    assert mark.x == pytest.approx(year_2025.x)
    assert mark.width == pytest.approx(year_width(roadmap), rel=0.01)


def test_a_date_known_only_to_the_month_spans_the_month():
    roadmap = roadmap_of(
        milestone(
            delivery_status="planned",
            planned_date=datetime.date(2026, 7, 1),
            planned_precision="month",
        )
    )

    [mark] = only_row(roadmap).marks
    july = roadmap.years[0].x + year_width(roadmap) * 181 / 365
    assert not mark.points
    assert mark.x == pytest.approx(july, abs=0.1)
    assert mark.width == pytest.approx(year_width(roadmap) * 31 / 365, abs=0.1)


def test_a_date_known_to_the_day_is_a_diamond_on_that_day():
    roadmap = roadmap_of(
        milestone(
            delivery_status="planned",
            planned_date=datetime.date(2026, 7, 2),
            planned_precision="day",
        )
    )

    [mark] = only_row(roadmap).marks
    centre = roadmap.years[0].x + year_width(roadmap) * 182.5 / 365
    assert mark.points
    assert mark.x + mark.width / 2 == pytest.approx(centre, abs=0.1)
    corners = [tuple(map(float, corner.split(","))) for corner in mark.points.split()]
    assert [x for x, _ in corners] == pytest.approx(
        [centre, mark.x + mark.width, centre, mark.x], abs=0.1
    )


def test_the_years_run_from_the_first_date_to_today_or_the_last_date_whichever_is_later():
    early = roadmap_of(
        milestone(delivery_status="done", actual_date=datetime.date(2017, 1, 1)),
    )
    late = roadmap_of(
        milestone(delivery_status="planned", planned_date=datetime.date(2030, 1, 1)),
    )

    assert [tick.label for tick in early.years] == [str(year) for year in range(2017, 2027)]
    assert early.years[0].x == PAD
    ten_years = (datetime.date(2027, 1, 1) - datetime.date(2017, 1, 1)).days
    today = ((TODAY - datetime.date(2017, 1, 1)).days + 0.5) / ten_years
    assert early.today_x == pytest.approx(PAD + (WIDTH - 2 * PAD) * today)
    assert [tick.label for tick in late.years] == [str(year) for year in range(2026, 2031)]


def test_years_too_narrow_to_name_each_are_named_every_so_often():
    roadmap = roadmap_of(
        milestone(delivery_status="done", actual_date=datetime.date(2001, 1, 1)),
    )

    labels = [tick.label for tick in roadmap.years]
    assert len(labels) == 26
    assert labels[0] == "2001" and "" in labels
    named = [tick.label_x for tick in roadmap.years if tick.label]
    assert min(b - a for a, b in itertools.pairwise(named)) >= 32


def test_a_milestone_with_only_a_planned_date_has_one_mark_in_the_upper_lane():
    roadmap = roadmap_of(
        milestone(
            "Strategy launch",
            delivery_status="on-track",
            planned_date=datetime.date(2027, 3, 1),
            planned_precision="month",
        )
    )

    row = only_row(roadmap)
    assert [mark.kind for mark in row.marks] == [PLANNED]
    assert row.planned.display == "March 2027" and row.planned.iso == "2027-03"
    assert (row.forecast, row.done) == (None, None)
    assert (row.status, row.is_late, row.state) == ("On track", False, "open")
    assert row.lines[0].text == "On track · Strategy launch"
    assert row.lines[-1].y < row.marks[0].y


def test_a_forecast_and_a_date_done_are_drawn_beneath_the_plan_the_forecast_dashed():
    slipping = milestone(
        "Slipping",
        delivery_status="at-risk",
        planned_date=datetime.date(2027, 1, 1),
        planned_precision="year",
        forecast_date=datetime.date(2028, 6, 1),
        forecast_precision="month",
    )
    roadmap = roadmap_of(slipping)

    planned, forecast = only_row(roadmap).marks
    assert (planned.kind, forecast.kind) == (PLANNED, FORECAST)
    assert forecast.y >= planned.y + LANE_HEIGHT
    assert forecast.x > planned.x + planned.width
    assert only_row(roadmap).state == "at-risk"
    assert "forecast" in render(roadmap)


@pytest.mark.parametrize(
    "done_on, before_the_plan",
    [(datetime.date(2025, 9, 1), True), (datetime.date(2026, 4, 1), False)],
    ids=["early", "late"],
)
def test_work_done_early_or_late_shows_its_date_done_before_or_after_the_plan(
    done_on, before_the_plan
):
    roadmap = roadmap_of(
        milestone(
            delivery_status="done",
            planned_date=datetime.date(2026, 1, 1),
            planned_precision="month",
            actual_date=done_on,
            actual_precision="month",
        )
    )

    row = only_row(roadmap)
    planned, done = row.marks
    assert done.kind == DONE and done.y > planned.y
    assert (done.x + done.width < planned.x) is before_the_plan
    assert (done.x > planned.x + planned.width) is not before_the_plan
    # Done is never late, however late it was done.
    assert (row.is_late, row.state, row.status) == (False, "done", "Done")


def test_dropped_work_is_never_late_and_keeps_its_plan_in_the_picture():
    roadmap = roadmap_of(
        milestone(
            "Dropped pilot",
            delivery_status="dropped",
            planned_date=datetime.date(2020, 1, 1),
            planned_precision="year",
        )
    )

    row = only_row(roadmap)
    assert (row.is_late, row.state, row.headline) == (False, "dropped", "Dropped")
    assert [mark.kind for mark in row.marks] == [PLANNED]


def test_late_is_the_models_own_rule_past_the_plan_or_the_forecast_and_not_done():
    past_plan = milestone(
        "Past its plan",
        delivery_status="on-track",
        planned_date=datetime.date(2026, 10, 1),
        planned_precision="month",
        forecast_date=datetime.date(2027, 2, 1),
        forecast_precision="month",
    )
    this_month = milestone(
        "Due this month",
        delivery_status="planned",
        planned_date=datetime.date(2026, 11, 1),
        planned_precision="month",
    )
    overdue = commitment(
        "Overdue", status="in-progress", due_date=datetime.date(2025, 1, 1), due_precision="year"
    )

    rows = {row.title: row for row in roadmap_of(past_plan, this_month, commitments=[overdue]).rows}

    assert rows["Past its plan"].is_late is past_plan.is_late_on(TODAY) is True
    assert rows["Past its plan"].headline == "On track, late"
    assert rows["Past its plan"].state == "late"
    assert rows["Due this month"].is_late is this_month.is_late_on(TODAY) is False
    assert rows["Overdue"].is_late is overdue.is_late_on(TODAY) is True
    assert rows["Overdue"].lines[0].text == "In progress, late · Overdue"


def test_a_commitment_is_planned_by_its_due_date_and_links_to_its_page():
    row = only_row(
        roadmap_of(
            commitments=[
                commitment(
                    "Talent plan",
                    status="delivered",
                    due_date=datetime.date(2021, 1, 1),
                    due_precision="year",
                )
            ]
        )
    )

    assert row.kind == "commitment"
    assert row.url == "/commitments/talent-plan/"
    assert row.planned.display == "2021"
    assert [mark.kind for mark in row.marks] == [PLANNED]
    assert (row.status, row.state, row.is_late) == ("Delivered", "done", False)


def test_rows_with_no_date_are_left_out_of_the_picture_and_listed_last_in_the_table():
    roadmap = roadmap_of(
        milestone("Undated milestone", delivery_status="planned"),
        milestone(
            "Dated milestone",
            delivery_status="done",
            actual_date=datetime.date(2018, 1, 1),
            actual_precision="year",
        ),
        commitments=[commitment("Undated commitment", status="in-progress")],
    )

    assert [row.title for row in roadmap.drawn] == ["Dated milestone"]
    assert [row.title for row in roadmap.rows] == [
        "Dated milestone",
        "Undated commitment",
        "Undated milestone",
    ]
    assert all(not row.marks and not row.lines for row in roadmap.rows[1:])
    assert "2 more, with no date, are in the table only." in roadmap.description

    html = render(roadmap)
    svg, table = html.split("<table", 1)
    assert "Undated" not in svg
    assert table.count('<td colspan="3" data-label="Dates">No date</td>') == 2
    assert in_order(table, "Dated milestone", "Undated commitment", "Undated milestone")


def test_with_no_dated_row_there_is_a_table_and_no_picture():
    html = render(roadmap_of(commitments=[commitment("Undated", status="planned")]))

    assert "<svg" not in html
    assert "No date" in html


def test_rows_are_in_the_order_of_their_first_date():
    roadmap = roadmap_of(
        milestone("Third", delivery_status="planned", planned_date=datetime.date(2027, 1, 1)),
        milestone(
            "First",
            delivery_status="done",
            planned_date=datetime.date(2027, 6, 1),
            actual_date=datetime.date(2019, 5, 1),
        ),
        commitments=[commitment("Second", due_date=datetime.date(2020, 1, 1))],
    )

    assert [row.title for row in roadmap.rows] == ["First", "Second", "Third"]
    tops = [row.lines[0].y for row in roadmap.drawn]
    assert tops == sorted(tops)
    assert roadmap.height > roadmap.drawn[-1].marks[-1].y + LANE_HEIGHT


def test_a_long_title_wraps_and_is_cut_short_in_the_picture_only():
    title = " ".join(["Manufacturing"] * 20)
    roadmap = roadmap_of(
        milestone(title, delivery_status="planned", planned_date=datetime.date(2027, 1, 1))
    )

    row = only_row(roadmap)
    assert len(row.lines) == MAX_LINES
    assert row.lines[-1].text.endswith("…")
    assert row.lines[1].y > row.lines[0].y
    assert title in render(roadmap).split("<table", 1)[1]


def test_milestones_not_on_a_plan_are_left_out_and_nothing_planned_is_no_roadmap():
    event = milestone("An event", date=datetime.date(2018, 1, 1))

    assert roadmap_of(event) is None
    assert [row.title for row in roadmap_of(event, commitments=[commitment()]).rows] == [
        "A commitment"
    ]


# ---------- The picture and its table ----------


def test_the_picture_is_an_image_with_a_title_a_description_and_the_same_rows_as_a_table():
    roadmap = roadmap_of(
        milestone(
            "Strategy launch",
            delivery_status="at-risk",
            rating="amber",
            rating_reason="The venue is not booked.",
            planned_date=datetime.date(2027, 3, 1),
            planned_precision="month",
        ),
        milestone(
            "Taskforce to business as usual",
            delivery_status="done",
            actual_date=datetime.date(2017, 1, 1),
            actual_precision="year",
        ),
    )

    html = render(roadmap)

    assert 'role="img" aria-labelledby="roadmap-title roadmap-desc"' in html
    assert f'<title id="roadmap-title">{roadmap.title}</title>' in html
    assert f'<desc id="roadmap-desc">{roadmap.description}</desc>' in html
    assert html.count('<g class="roadmap__row') == 2
    assert html.count('<th scope="row">') == 2
    assert '<td data-label="Planned or due"><time datetime="2027-03">March 2027</time></td>' in html
    assert '<td data-label="Done"><time datetime="2017">2017</time></td>' in html
    assert '<span class="rating rating--amber">Amber</span>' in html
    assert '<span class="roadmap__reason">The venue is not booked.</span>' in html
    assert 'href="#milestone-strategy-launch"' in html
    assert ">Today</text>" in html and "Today, 29 November 2026" in html


def test_titles_are_escaped_in_the_picture_and_the_table():
    html = render(
        roadmap_of(milestone("<script>x</script>", delivery_status="planned", planned_date=TODAY))
    )

    assert "<script>" not in html
    assert html.count("&lt;script&gt;x&lt;/script&gt;") == 2


# ---------- On the workstream's page ----------


@pytest.mark.django_db
def test_a_workstream_page_shows_the_roadmap_of_its_public_milestones_and_commitments(client):
    skills = WorkstreamFactory(name="Skills", slug="skills")
    MilestoneFactory(
        workstream=skills,
        title="Network launched",
        delivery_status="done",
        actual_date=datetime.date(2020, 1, 1),
        actual_precision="year",
    )
    MilestoneFactory(workstream=skills, title="An event of the timeline")
    MilestoneFactory(
        workstream=skills,
        title="Draft milestone",
        delivery_status="planned",
        planned_date=datetime.date(2027, 1, 1),
        is_published=False,
    )
    CommitmentFactory(workstream=skills, title="Talent plan", status="in-progress")
    CommitmentFactory(workstream=skills, title="Draft commitment", is_published=False)

    content = page(client, skills.get_absolute_url())
    section = content.split('id="progress"', 1)[1].split("</section>", 1)[0]

    assert '<a href="#progress">Progress against the plan</a>' in content
    assert "Network launched" in section and "Talent plan" in section
    assert "An event of the timeline" not in section
    assert "Draft" not in content
    assert in_order(content, 'id="progress"', 'id="commitments"', 'id="timeline"')


@pytest.mark.django_db
def test_a_workstream_with_nothing_planned_has_no_progress_section(client):
    skills = WorkstreamFactory(name="Skills", slug="skills")
    MilestoneFactory(workstream=skills, title="An event of the timeline")

    content = page(client, skills.get_absolute_url())

    assert "An event of the timeline" in content
    assert 'id="progress"' not in content
    assert "roadmap" not in content


@pytest.mark.django_db
def test_each_milestones_public_status_history_is_under_it_in_the_timeline(client):
    skills = WorkstreamFactory(name="Skills", slug="skills")
    launch = MilestoneFactory(
        workstream=skills,
        title="Strategy launch",
        slug="launch",
        delivery_status="at-risk",
        rating="amber",
        rating_reason="The venue is not booked.",
        planned_date=datetime.date(2027, 1, 1),
    )
    quiet = MilestoneFactory(workstream=skills, title="Quiet milestone", slug="quiet")
    StatusChangeFactory(
        commitment=None,
        milestone=launch,
        from_status="",
        to_status="planned",
        reason="Put on the plan.",
        changed_at=datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC),
    )
    StatusChangeFactory(
        commitment=None,
        milestone=launch,
        from_status="planned",
        to_status="at-risk",
        from_rating="",
        to_rating="amber",
        reason="The venue is not booked.",
        changed_at=datetime.datetime(2026, 3, 12, 12, tzinfo=datetime.UTC),
    )
    StatusChangeFactory(commitment=CommitmentFactory(workstream=skills), reason="Work began.")

    content = page(client, skills.get_absolute_url())
    timeline = content.split('id="timeline"', 1)[1]
    launch_item = timeline.split('id="milestone-launch"', 1)[1].split("</li>", 1)[0]
    quiet_item = timeline.split(f'id="milestone-{quiet.slug}"', 1)[1].split("</li>", 1)[0]

    assert "Status history" in launch_item
    assert in_order(
        launch_item,
        '<td data-label="When"><time datetime="2026-03-12">12 March 2026</time></td>'
        '<td data-label="From">Planned, not rated</td><td data-label="To">At risk, amber</td>'
        '<td data-label="Why">The venue is not booked.</td>',
        '<td data-label="When"><time datetime="2026-01-05">5 January 2026</time></td>'
        '<td data-label="From">Not tracked</td><td data-label="To">Planned</td>'
        '<td data-label="Why">Put on the plan.</td>',
    )
    assert "Status history" not in quiet_item
    assert "Work began." not in content


@pytest.mark.django_db
def test_milestones_of_the_timeline_alone_cost_no_query_for_a_history(client):
    skills = WorkstreamFactory(name="Skills", slug="skills")
    MilestoneFactory(workstream=skills, title="An event of the timeline")
    MilestoneFactory(workstream=skills, title="Another event")

    # 1 the workstream, 2 which kinds of row it has any of, 3 the keys of its milestones
    # nearest today, 4 those on the plan, for the roadmap (none), 5 the milestones shown,
    # whole: none is on a plan, so none can have a status change to ask for.
    assert count_queries(client, skills.get_absolute_url()) == 5


# ---------- Which rows it draws ----------


def test_a_roadmap_with_more_on_the_plan_says_how_many_and_links_to_all_of_them():
    roadmap = workstream_roadmap(
        "Skills",
        [milestone(delivery_status="planned", planned_date=datetime.date(2027, 1, 1))],
        [],
        today=TODAY,
        more=41,
        more_url="/progress/?workstream=skills",
    )

    html = render(roadmap)

    assert "41 more on the plan are not drawn." in roadmap.description
    assert "Drawn here are those that most need following: a third each of" in html
    assert (
        '41 more are on the plan: <a href="/progress/?workstream=skills">see how they all '
        "stand on the workstream's progress page</a>." in html
    )
    assert html.count('<g class="roadmap__row') == html.count('<th scope="row">') == 1


def test_a_roadmap_with_every_row_drawn_says_nothing_of_more():
    html = render(roadmap_of(milestone(delivery_status="planned", planned_date=TODAY)))

    assert "more are on the plan" not in html and "more is on the plan" not in html


def planned_milestone(workstream, title, **plan):
    return MilestoneFactory(workstream=workstream, title=title, slug=slugify(title), **plan)


def spread_of_work(workstream):
    """A milestone or commitment of each group of the roadmap's order, two of some."""
    year = datetime.date(TODAY.year, 1, 1)
    planned_milestone(
        workstream,
        "Done long ago",
        delivery_status="done",
        actual_date=datetime.date(2015, 1, 1),
        actual_precision="year",
    )
    planned_milestone(
        workstream,
        "Done lately",
        delivery_status="done",
        actual_date=year,
        actual_precision="year",
    )
    planned_milestone(
        workstream,
        "Dropped",
        delivery_status="dropped",
        planned_date=datetime.date(2024, 1, 1),
        planned_precision="year",
    )
    planned_milestone(
        workstream,
        "Due in ten years",
        delivery_status="on-track",
        planned_date=year.replace(year=year.year + 10),
        planned_precision="year",
    )
    planned_milestone(
        workstream,
        "Late since 2019",
        delivery_status="at-risk",
        planned_date=datetime.date(2019, 1, 1),
        planned_precision="year",
    )
    planned_milestone(workstream, "An event", date=datetime.date(2019, 1, 1))
    CommitmentFactory(
        workstream=workstream,
        title="Commitment due next year",
        status="in-progress",
        due_date=year.replace(year=year.year + 1),
        due_precision="year",
    )
    CommitmentFactory(
        workstream=workstream,
        title="Commitment late since 2017",
        status="planned",
        due_date=datetime.date(2017, 1, 1),
        due_precision="year",
    )
    CommitmentFactory(
        workstream=workstream,
        title="Commitment delivered",
        status="delivered",
        due_date=datetime.date(2020, 1, 1),
        due_precision="year",
    )


ROADMAP_ORDER = [
    "Commitment late since 2017",
    "Late since 2019",
    "Commitment due next year",
    "Due in ten years",
    "Done lately",
    "Commitment delivered",
    "Done long ago",
    "Dropped",
]


@pytest.mark.django_db
def test_the_database_orders_the_plan_late_first_then_due_soonest_then_latest_done():
    skills = WorkstreamFactory(name="Skills", slug="skills")
    spread_of_work(skills)
    today = timezone.localdate()

    milestones = list(
        Milestone.objects.filter(roadmap_selection.on_the_plan_condition(), workstream=skills)
        .annotate(**roadmap_selection.milestone_priority(today))
        .order_by(*roadmap_selection.by_priority("title"))
    )
    commitments = list(
        Commitment.objects.filter(workstream=skills)
        .annotate(**roadmap_selection.commitment_priority(today))
        .order_by(*roadmap_selection.by_priority("title"))
    )
    merged = sorted([*milestones, *commitments], key=roadmap_selection.priority_key)

    assert [record.title for record in merged] == ROADMAP_ORDER
    # The database's order of each kind is the order they are merged by.
    assert [m.title for m in milestones] == [r.title for r in merged if r in milestones]
    assert [c.title for c in commitments] == [r.title for r in merged if r in commitments]
    # On the plan in the database as in Python: the event is left out by both.
    assert {m.title for m in milestones} == {
        m.title for m in Milestone.objects.filter(workstream=skills) if is_on_the_plan(m)
    }


@pytest.mark.django_db
def test_a_workstream_page_draws_the_first_of_each_group_and_links_to_the_rest(client, monkeypatch):
    monkeypatch.setattr("tracking.roadmap_selection.ROADMAP_ROWS", 3)
    skills = WorkstreamFactory(name="Skills", slug="skills")
    spread_of_work(skills)
    MilestoneFactory(
        workstream=skills,
        title="Draft plan",
        delivery_status="planned",
        planned_date=datetime.date(2018, 1, 1),
        is_published=False,
    )
    CommitmentFactory(workstream=skills, title="Draft commitment", is_published=False)

    content = page(client, skills.get_absolute_url())
    section = content.split('id="progress"', 1)[1].split("</section>", 1)[0]
    svg, table = section.split("<table", 1)
    # The first of what is late, of what is to come and of what was done.
    drawn = ["Commitment late since 2017", "Commitment due next year", "Done lately"]

    assert svg.count('<g class="roadmap__row') == table.count('<th scope="row">') == 3
    for title in drawn:
        assert title in svg and title in table
    for title in set(ROADMAP_ORDER) - set(drawn):
        assert title not in section
    # In the table by date, as ever.
    assert in_order(table, "Commitment late since 2017", "Done lately", "Commitment due next year")
    assert (
        '5 more are on the plan: <a href="/progress/?workstream=skills">see how they all stand'
        in section
    )
    assert "Draft" not in content


def annotated(title, group, soonest=None, latest=None, *, kind=Milestone, pk):
    """A record as the page reads it, with its place in the roadmap's order."""
    record = kind(pk=pk, title=title, slug=slugify(title))
    record.roadmap_group, record.roadmap_soonest, record.roadmap_latest = group, soonest, latest
    return record


def test_room_a_group_leaves_goes_to_the_others_in_the_roadmaps_order(monkeypatch):
    monkeypatch.setattr("tracking.roadmap_selection.ROADMAP_ROWS", 5)
    day = datetime.date(2026, 1, 1)
    done = [
        annotated(f"Done {n}", roadmap_selection.DELIVERED, latest=day.replace(month=n), pk=n)
        for n in (1, 2, 3, 4)
    ]
    to_come = annotated("Next", roadmap_selection.TO_COME, soonest=day, pk=5)
    dropped = annotated("Dropped", roadmap_selection.OTHER, latest=day, pk=6)
    delivered = annotated(
        "Delivered", roadmap_selection.DELIVERED, latest=day, kind=Commitment, pk=1
    )

    milestones, commitments = roadmap_selection.chosen([*done, to_come, dropped], [delivered])

    # Shares of 2, 2 and 1: nothing is late and one is to come, so three rows are left for
    # the latest done, then the rest of what was done in order, before anything dropped.
    assert [m.title for m in milestones] == ["Next", "Done 4", "Done 3", "Done 2"]
    assert [c.title for c in commitments] == ["Delivered"]
    assert roadmap_selection.shares() == [2, 2, 1]
