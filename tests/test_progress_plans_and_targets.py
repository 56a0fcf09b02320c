"""/progress/ across the programme: commitments, and milestones and initiatives tracked
against a plan, counted by status and rating, late or at risk with the reason, delivered
lately and due next, and the indicators against their targets, for one workstream or all.
Late is worked out on the day the page is made; nothing a draft holds is shown or counted;
the demo record shows the seeds' done work as done. The page's query count is in
tests/test_progress_pages.py, its downloads in tests/test_progress_downloads.py."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tracking.progress import LIST_SIZE

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def progress(client, **query):
    response = client.get(reverse("progress"), query)
    assert response.status_code == 200
    return response.context, response.content.decode()


def titles(items) -> list[str]:
    return [item.title for item in items]


# Counts --------------------------------------------------------------------------------------


def test_counts_are_by_status_and_rating_of_each_kind_and_leave_out_untracked_work(client):
    skills = f.WorkstreamFactory(name="Skills")
    f.CommitmentFactory(
        workstream=skills, status="in-progress", rating="amber", rating_reason="Slow start."
    )
    f.CommitmentFactory(workstream=skills, due_date=TODAY - 10 * DAY)  # late
    f.MilestoneFactory(workstream=skills, delivery_status="done", actual_date=TODAY - 400 * DAY)
    f.MilestoneFactory(
        workstream=skills,
        delivery_status="planned",
        planned_date=TODAY - DAY,
        rating="red",
        rating_reason="The venue was lost.",
    )  # late
    f.MilestoneFactory(
        workstream=None,
        delivery_status="on-track",
        planned_date=TODAY + 10 * DAY,
        rating="green",
        rating_reason="Booked.",
    )
    f.InitiativeFactory(workstream=skills, delivery_status="at-risk")
    # Events the record tells of, not tracked against a plan: not counted.
    f.MilestoneFactory(workstream=skills)
    f.InitiativeFactory(workstream=skills)

    context, content = progress(client)
    counts = context["counts"]

    assert "2 commitments, 3 milestones and 1 initiative" in content
    assert "Of these, 1 commitment and 1 milestone are late" in content
    assert counts["commitments_by_status"] == [
        ("planned", "Planned", 1),
        ("in-progress", "In progress", 1),
        ("delivered", "Delivered", 0),
        ("dropped", "Dropped", 0),
    ]
    assert counts["plans_by_status"] == [
        ("planned", "Planned", 1, 0),
        ("on-track", "On track", 1, 0),
        ("at-risk", "At risk", 0, 1),
        ("done", "Done", 1, 0),
        ("dropped", "Dropped", 0, 0),
    ]
    assert counts["by_rating"] == [
        ("red", "Red", 0, 1, 0),
        ("amber", "Amber", 1, 0, 0),
        ("green", "Green", 0, 1, 0),
        ("", "Not rated", 1, 1, 1),
    ]
    assert "Milestones and initiatives by delivery status" in content


def test_with_nothing_tracked_the_page_says_so(client):
    f.MilestoneFactory()  # an event, not tracked
    context, content = progress(client)
    assert context["counts"]["total"] == 0
    assert "Nothing tracked yet" in content
    assert "By rating" not in content


# Late or at risk, delivered lately, due next -------------------------------------------------


def test_late_or_at_risk_lists_each_kind_with_the_reason_in_the_order_first_due(client):
    skills = f.WorkstreamFactory(name="Skills")
    f.MilestoneFactory(
        workstream=skills,
        title="Skills summit",
        delivery_status="planned",
        planned_date=TODAY - 60 * DAY,
    )
    # Past its plan: late, whatever its new forecast.
    f.MilestoneFactory(
        workstream=skills,
        title="Network launch",
        delivery_status="on-track",
        planned_date=TODAY - 200 * DAY,
        forecast_date=TODAY + 30 * DAY,
        rating="amber",
        rating_reason="Slipped by a term.",
    )
    f.InitiativeFactory(
        workstream=skills,
        name="Training platform",
        delivery_status="at-risk",
        planned_date=TODAY + 90 * DAY,
        rating="red",
        rating_reason="The supplier went under.",
    )
    f.CommitmentFactory(workstream=skills, title="A late commitment", due_date=TODAY - 100 * DAY)
    f.MilestoneFactory(
        workstream=skills,
        title="On course",
        delivery_status="on-track",
        planned_date=TODAY + 10 * DAY,
        rating="green",
        rating_reason="All booked.",
    )
    f.MilestoneFactory(
        workstream=skills,
        title="Done late",
        delivery_status="done",
        planned_date=TODAY - 300 * DAY,
        actual_date=TODAY - 250 * DAY,
    )
    f.MilestoneFactory(title="Dropped", delivery_status="dropped", planned_date=TODAY - 300 * DAY)

    context, content = progress(client)

    assert titles(context["late_or_at_risk"]) == [
        "Network launch",
        "A late commitment",
        "Skills summit",
        "Training platform",
    ]
    section = content[content.index('id="late-heading"') : content.index('id="delivered-heading"')]
    for text in [
        "Milestone · Skills",
        "Initiative · Skills",
        "Commitment · Skills",
        "Amber</span>: Slipped by a term.",
        "Red</span>: The supplier went under.",
        "now expected",
        "<strong>late</strong>",
    ]:
        assert text in section, text
    assert "On course" not in section


def test_delivered_lately_holds_commitments_delivered_and_work_done_in_three_months(client):
    commitment = f.CommitmentFactory(title="A talent plan", status="delivered")
    f.StatusChangeFactory(
        commitment=commitment,
        from_status="in-progress",
        to_status="delivered",
        changed_at=timezone.now() - 10 * DAY,
    )
    f.MilestoneFactory(title="Summit held", delivery_status="done", actual_date=TODAY - 20 * DAY)
    f.InitiativeFactory(
        name="Platform launched", delivery_status="done", actual_date=TODAY - 5 * DAY
    )
    f.MilestoneFactory(title="Long ago", delivery_status="done", actual_date=TODAY - 120 * DAY)
    # Known only to the month, and that month began before the three months: it may not
    # lie within them.
    f.MilestoneFactory(
        title="Some month",
        delivery_status="done",
        actual_date=(TODAY - 95 * DAY).replace(day=1),
        actual_precision="month",
    )

    context, content = progress(client)

    assert titles(delivery.item for delivery in context["delivered"]) == [
        "Platform launched",
        "A talent plan",
        "Summit held",
    ]
    assert "Commitment · " in content
    assert "delivered <time" in content
    assert "done <time" in content


def test_due_next_is_in_the_order_now_expected_and_leaves_out_late_and_closed_work(client):
    f.MilestoneFactory(
        title="Forecast later",
        delivery_status="on-track",
        planned_date=TODAY + 10 * DAY,
        forecast_date=TODAY + 40 * DAY,
    )
    f.MilestoneFactory(
        title="Forecast sooner",
        delivery_status="on-track",
        planned_date=TODAY + 30 * DAY,
        forecast_date=TODAY + 5 * DAY,
    )
    f.InitiativeFactory(
        name="An initiative", delivery_status="planned", planned_date=TODAY + 15 * DAY
    )
    f.CommitmentFactory(title="A commitment", due_date=TODAY + 20 * DAY)
    f.MilestoneFactory(title="Late", delivery_status="planned", planned_date=TODAY - DAY)
    f.MilestoneFactory(title="Undated", delivery_status="planned")
    f.MilestoneFactory(title="Done", delivery_status="done", actual_date=TODAY)

    context, _ = progress(client)

    assert titles(context["due_next"]) == [
        "Forecast sooner",
        "An initiative",
        "A commitment",
        "Forecast later",
    ]


def test_each_list_holds_at_most_its_length_of_all_kinds_together(client):
    for n in range(LIST_SIZE):
        f.MilestoneFactory(delivery_status="planned", planned_date=TODAY + (2 * n + 1) * DAY)
        f.InitiativeFactory(delivery_status="planned", planned_date=TODAY + (2 * n + 2) * DAY)

    context, _ = progress(client)

    due = context["due_next"]
    assert len(due) == LIST_SIZE
    assert [item.kind for item in due[:2]] == ["milestone", "initiative"]
    assert [item.expected for item in due] == sorted(item.expected for item in due)


def test_late_is_worked_out_on_the_day_the_page_is_made(client):
    f.MilestoneFactory(
        title="Launch day", delivery_status="planned", planned_date=datetime.date(2026, 3, 1)
    )
    f.MilestoneFactory(
        title="Launch month",
        delivery_status="planned",
        planned_date=datetime.date(2026, 3, 1),
        planned_precision="month",
    )
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        context, _ = progress(client)
        assert titles(context["due_next"]) == ["Launch day", "Launch month"]
        assert context["late_or_at_risk"] == []
    with time_machine.travel("2026-03-02 12:00:00+00:00", tick=False):
        context, _ = progress(client)
        assert titles(context["late_or_at_risk"]) == ["Launch day"]
        assert titles(context["due_next"]) == ["Launch month"]  # due by the end of March
    with time_machine.travel("2026-04-01 12:00:00+00:00", tick=False):
        context, _ = progress(client)
        assert titles(context["late_or_at_risk"]) == ["Launch day", "Launch month"]
        assert context["counts"]["milestones"]["late"] == 2


# Indicators against their targets ------------------------------------------------------------


def period(indicator, start, end, **fields):
    return f.IndicatorPeriodFactory(indicator=indicator, start=start, end=end, **fields)


def test_each_indicator_shows_its_current_or_latest_period_with_its_qualifier_kept(client):
    started = f.IndicatorFactory(name="Apprentices started")
    period(started, TODAY - 400 * DAY, TODAY - 200 * DAY, target=100)
    period(
        started,
        TODAY - 100 * DAY,
        TODAY + 100 * DAY,
        target=200,
        actual=150,
        actual_source_title="The provider's count",
    )
    employers = f.IndicatorFactory(name="Employers taking part", unit="organisations")
    period(
        employers,
        TODAY - 300 * DAY,
        TODAY - DAY,
        target=40,
        actual=30,
        actual_qualifier="over",
        actual_source_title="The network's report",
        is_locked=True,
    )
    period(employers, TODAY + DAY, TODAY + 300 * DAY, target=50)  # to come: not shown
    period(f.IndicatorFactory(name="Only to come"), TODAY + DAY, TODAY + 300 * DAY, target=5)
    period(f.IndicatorFactory(name="Untargeted"), TODAY - DAY, TODAY + DAY, target=None)
    hidden = f.IndicatorFactory(name="Kept back", is_published=False)
    period(hidden, TODAY - DAY, TODAY + DAY)

    context, content = progress(client)
    rows = context["periods"]

    assert [row.period.indicator.name for row in rows] == [
        "Apprentices started",
        "Employers taking part",
        "Untargeted",
    ]
    assert [row.share_display for row in rows] == ["75%", "Not exact", "No target"]
    section = content[
        content.index('id="indicators-heading"') : content.index('id="updates-heading"')
    ]
    for text in ["200", "150", "over 30", "(final)", "None set", "Not yet known", "75%"]:
        assert text in section, text
    # "over 30" is never 30 alone, and a period not yet begun is not the latest.
    assert ">30<" not in section
    assert ">50<" not in section
    assert "Kept back" not in content
    assert context["more_periods"] is False


def test_more_indicators_than_the_list_holds_are_left_to_the_downloads(client):
    for n in range(LIST_SIZE + 1):
        period(f.IndicatorFactory(name=f"Indicator {n:02}"), TODAY - DAY, TODAY + DAY)

    context, content = progress(client)

    assert len(context["periods"]) == LIST_SIZE
    assert context["more_periods"] is True
    assert f"Only the first {LIST_SIZE} indicators by name are shown here" in content


# One workstream ------------------------------------------------------------------------------


def test_the_workstream_filter_holds_for_milestones_initiatives_and_indicators(client):
    skills = f.WorkstreamFactory(name="Skills")
    fiscal = f.WorkstreamFactory(name="Fiscal")
    late = {"delivery_status": "planned", "planned_date": TODAY - DAY}
    f.MilestoneFactory(workstream=skills, title="Skills summit", **late)
    f.MilestoneFactory(workstream=fiscal, title="Fiscal forum", **late)
    f.MilestoneFactory(workstream=None, title="Programme review", **late)
    f.InitiativeFactory(workstream=fiscal, name="Fiscal initiative", **late)
    ours = f.IndicatorFactory(name="Skills indicator")
    ours.workstreams.add(skills)
    period(ours, TODAY - DAY, TODAY + DAY)
    theirs = f.IndicatorFactory(name="Fiscal indicator")
    theirs.workstreams.add(fiscal)
    period(theirs, TODAY - DAY, TODAY + DAY)

    context, content = progress(client, workstream=skills.slug)

    assert "1 milestone of the workstream chosen" in content
    assert titles(context["late_or_at_risk"]) == ["Skills summit"]
    assert [row.period.indicator.name for row in context["periods"]] == ["Skills indicator"]
    for text in ["Fiscal forum", "Programme review", "Fiscal initiative", "Fiscal indicator"]:
        assert text not in content, text
    _, everything = progress(client)
    assert "Programme review" in everything
    assert "the whole programme" in everything


def test_a_workstream_with_only_tracked_work_or_indicators_is_one_to_choose(client):
    with_milestone = f.MilestoneFactory(delivery_status="planned").workstream
    with_initiative = f.InitiativeFactory(delivery_status="done", actual_date=TODAY).workstream
    indicator = f.IndicatorFactory()
    with_indicator = f.WorkstreamFactory()
    indicator.workstreams.add(with_indicator)
    period(indicator, TODAY - DAY, TODAY + DAY)
    only_events = f.MilestoneFactory().workstream

    _, content = progress(client)

    for workstream in (with_milestone, with_initiative, with_indicator):
        assert f'value="{workstream.slug}"' in content, workstream
    assert f'value="{only_events.slug}"' not in content


# Drafts --------------------------------------------------------------------------------------


def test_nothing_a_draft_holds_is_listed_or_counted(client):
    draft_workstream = f.WorkstreamFactory(is_published=False)
    late = {"delivery_status": "at-risk", "planned_date": TODAY - DAY}
    f.MilestoneFactory(title="Draft milestone", is_published=False, **late)
    f.MilestoneFactory(title="Milestone of a draft", workstream=draft_workstream, **late)
    f.InitiativeFactory(name="Draft initiative", is_published=False, **late)
    f.InitiativeFactory(
        name="Done draft initiative",
        is_published=False,
        delivery_status="done",
        actual_date=TODAY,
    )
    f.InitiativeFactory(
        name="Soon draft initiative",
        is_published=False,
        delivery_status="planned",
        planned_date=TODAY + DAY,
    )
    period(f.IndicatorFactory(name="Draft indicator", is_published=False), TODAY, TODAY + DAY)

    context, content = progress(client)

    assert context["counts"]["total"] == 0
    assert "Draft" not in content
    assert "draft" not in content.replace("drafted", "")


# The demo record -----------------------------------------------------------------------------


def test_the_demo_record_shows_the_seeds_done_work_as_done_and_nothing_late(client):
    call_command("loaddata", *[str(path) for path in f.DEMO_FIXTURES], verbosity=0)

    context, content = progress(client)
    counts = context["counts"]

    # The Taskforce's move to business as usual (2017), the apprenticeships' investment
    # (2018) and follow-on (2021), and the Roadmap (2020): a milestone each, and the
    # Roadmap's initiative.
    assert counts["milestones"]["by_status"]["done"] == 4
    assert counts["initiatives"]["by_status"]["done"] == 1
    assert counts["late"] == 0
    assert context["late_or_at_risk"] == []
    assert context["due_next"] == []
    assert "1 commitment, 4 milestones and 1 initiative" in content

    context, content = progress(client, workstream="technology-and-innovation")
    assert "1 milestone and 1 initiative of the workstream chosen" in content
