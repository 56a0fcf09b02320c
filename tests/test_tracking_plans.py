"""Milestones and initiatives tracked against their plan: planned, forecast and actual dates
at their precision, a delivery status and a rating with its reason, each rule a named
constraint and a clean() message; "late" derived from the dates, the same in a query and on
one record, at every precision."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories as f
from tests.test_admin import admin_url
from tests.test_record_rules import assert_clean_message, assert_violates
from workstreams.models import Indicator, IndicatorPeriod, Initiative, Milestone

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 14)
TRACKED = [(Milestone, f.MilestoneFactory), (Initiative, f.InitiativeFactory)]
by_model = pytest.mark.parametrize(
    "model,factory", TRACKED, ids=[model.__name__.lower() for model, _ in TRACKED]
)


def unsaved(model, factory, **fields):
    return factory.build(workstream=f.WorkstreamFactory(), **fields)


# The rules, twice each ------------------------------------------------------------------


@by_model
@pytest.mark.parametrize("name", ["planned", "forecast", "actual"])
def test_each_plan_date_matches_its_precision(model, factory, name):
    prefix = model.__name__.lower()
    fields = {f"{name}_date": datetime.date(2020, 3, 5), f"{name}_precision": "month"}
    if name == "actual":
        fields["delivery_status"] = "done"

    assert_violates(f"{prefix}_{name}_date_matches_precision", lambda: factory(**fields))
    assert_clean_message(unsaved(model, factory, **fields), f"{name}_date", "1st of that month")


@by_model
def test_a_rating_needs_its_reason_and_a_status(model, factory):
    prefix = model.__name__.lower()

    assert_violates(
        f"{prefix}_rating_has_a_reason",
        lambda: factory(delivery_status="at-risk", rating="red"),
    )
    assert_clean_message(
        unsaved(model, factory, delivery_status="at-risk", rating="red"),
        "rating_reason",
        "Give the reason",
    )
    assert_violates(
        f"{prefix}_rating_with_a_status",
        lambda: factory(rating="green", rating_reason="Funded."),
    )
    assert_clean_message(
        unsaved(model, factory, rating="green", rating_reason="Funded."),
        "delivery_status",
        "give the delivery status too",
    )
    rated = factory(delivery_status="on-track", rating="green", rating_reason="Funded.")
    rated.full_clean()


@by_model
def test_done_work_has_an_actual_date_and_only_done_work_has_one(model, factory):
    prefix = model.__name__.lower()
    day = datetime.date(2021, 1, 1)

    assert_violates(f"{prefix}_actual_date_when_done", lambda: factory(delivery_status="done"))
    assert_clean_message(
        unsaved(model, factory, delivery_status="done"), "actual_date", "Give the date it was done"
    )
    assert_violates(
        f"{prefix}_actual_date_when_done",
        lambda: factory(delivery_status="on-track", actual_date=day),
    )
    assert_clean_message(
        unsaved(model, factory, delivery_status="on-track", actual_date=day),
        "actual_date",
        "for work that is done",
    )


@by_model
def test_an_actual_date_is_not_in_the_future(model, factory):
    # clean() alone: a check against now() cannot be an immutable constraint.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    record = unsaved(model, factory, delivery_status="done", actual_date=tomorrow)

    assert_clean_message(record, "actual_date", "in the future")


@by_model
@pytest.mark.parametrize("status", ["done", "dropped"])
def test_closed_work_has_no_forecast(model, factory, status):
    prefix = model.__name__.lower()
    fields = {"delivery_status": status, "forecast_date": datetime.date(2027, 1, 1)}
    if status == "done":
        fields["actual_date"] = datetime.date(2021, 1, 1)

    assert_violates(f"{prefix}_no_forecast_when_closed", lambda: factory(**fields))
    assert_clean_message(unsaved(model, factory, **fields), "forecast_date", "has no forecast")


# Late: derived, never typed -------------------------------------------------------------


@by_model
@pytest.mark.parametrize(
    "precision,due,late",
    [
        # A date to the day is late the day after it.
        ("day", datetime.date(2026, 5, 13), True),
        ("day", datetime.date(2026, 5, 14), False),
        # A month runs to its end: May 2026 is not late on 14 May; April is.
        ("month", datetime.date(2026, 5, 1), False),
        ("month", datetime.date(2026, 4, 1), True),
        # A year runs to its end: 2026 is not late in 2026; 2025 is.
        ("year", datetime.date(2026, 1, 1), False),
        ("year", datetime.date(2025, 1, 1), True),
    ],
)
@pytest.mark.parametrize("which", ["planned", "forecast"])
def test_late_at_each_precision_agrees_in_query_and_record(
    model, factory, precision, due, late, which
):
    record = factory(
        delivery_status="on-track",
        **{f"{which}_date": due, f"{which}_precision": precision},
    )

    assert record.is_late_on(TODAY) is late
    assert model.objects.late(TODAY).filter(pk=record.pk).exists() is late
    assert model.objects.not_late(TODAY).filter(pk=record.pk).exists() is not late


@by_model
def test_slipping_past_the_plan_is_late_whatever_the_forecast(model, factory):
    record = factory(
        delivery_status="at-risk",
        planned_date=datetime.date(2026, 1, 1),
        planned_precision="month",
        forecast_date=datetime.date(2026, 9, 1),
        forecast_precision="month",
    )

    assert record.is_late_on(TODAY)
    assert list(model.objects.late(TODAY)) == [record]


@by_model
@pytest.mark.parametrize("status", ["", "done", "dropped"])
def test_done_dropped_or_untracked_work_is_never_late(model, factory, status):
    fields = {"delivery_status": status, "planned_date": datetime.date(2020, 1, 1)}
    if status == "done":
        fields["actual_date"] = datetime.date(2021, 1, 1)
    record = factory(**fields)

    assert not record.is_late_on(TODAY)
    assert not model.objects.late(TODAY).exists()


def test_dates_print_at_their_precision():
    milestone = f.MilestoneFactory(
        planned_date=datetime.date(2026, 7, 1),
        planned_precision="month",
        delivery_status="planned",
    )

    assert (milestone.planned_display, milestone.forecast_display) == ("July 2026", "")


# The admin ------------------------------------------------------------------------------


@by_model
def test_staff_filter_late_work_and_set_the_plan(editor_client, model, factory):
    late = factory(delivery_status="planned", planned_date=datetime.date(2020, 1, 1))
    factory(delivery_status="planned", planned_date=datetime.date(2999, 1, 1))

    response = editor_client.get(admin_url(model, "changelist"), {"late": "yes"})
    assert [row.pk for row in response.context["cl"].result_list] == [late.pk]

    page = editor_client.get(admin_url(model, "change", late.pk)).content.decode()
    assert "Plan and delivery" in page
    assert 'name="planned_date"' in page
    # Four eyes: once saved, status, rating and forecast and actual dates change only
    # through approved updates.
    for field in ("delivery_status", "rating", "rating_reason", "forecast_date", "actual_date"):
        assert f'name="{field}"' not in page
    add = editor_client.get(admin_url(model, "add")).content.decode()
    assert 'name="delivery_status"' in add


@by_model
def test_late_changelist_query_count_does_not_grow_with_rows(editor_client, model, factory):
    url = admin_url(model, "changelist")

    def add(count):
        for _ in range(count):
            factory(
                delivery_status="at-risk",
                rating="amber",
                rating_reason="Waiting on funding.",
                planned_date=datetime.date(2020, 1, 1),
            )

    add(3)
    editor_client.get(url)
    # The session, the user, the group permissions, the filtered and unfiltered counts, the
    # page of rows with their workstreams (and initiatives or parts) joined, and each
    # sidebar filter that lists workstreams or years: none per row, the late column
    # included, which reads only the row's own dates.
    with CaptureQueriesContext(connection) as three:
        response = editor_client.get(url, {"late": "yes"})
    assert response.context["cl"].result_count == 3

    add(27)
    with CaptureQueriesContext(connection) as thirty:
        response = editor_client.get(url, {"late": "yes"})
    assert response.context["cl"].result_count == 30

    assert len(thirty) == len(three), "\n".join(query["sql"] for query in thirty)


# Indicators: baseline, direction, cumulative ---------------------------------------------


def test_an_indicator_baseline_is_a_figure_at_a_date():
    assert_violates(
        "indicator_baseline_with_its_date", lambda: f.IndicatorFactory(baseline=Decimal(40))
    )
    assert_clean_message(
        f.IndicatorFactory.build(baseline=Decimal(40)), "baseline_date", "with the date"
    )
    assert_violates(
        "indicator_baseline_date_matches_precision",
        lambda: f.IndicatorFactory(
            baseline=Decimal(40),
            baseline_date=datetime.date(2018, 6, 1),
            baseline_precision="year",
        ),
    )
    assert_violates(
        "indicator_baseline_not_negative",
        lambda: f.IndicatorFactory(baseline=Decimal(-1), baseline_date=datetime.date(2018, 1, 1)),
    )
    indicator = f.IndicatorFactory(
        baseline=Decimal(40),
        baseline_date=datetime.date(2018, 1, 1),
        baseline_precision="year",
        direction="lower",
        is_cumulative=True,
    )
    indicator.full_clean()
    assert indicator.baseline_display == "40 (2018)"


# Reporting periods ----------------------------------------------------------------------


def test_periods_of_one_indicator_do_not_overlap():
    first = f.IndicatorPeriodFactory(
        start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    overlapping = {
        "indicator": first.indicator,
        "start": datetime.date(2024, 12, 31),
        "end": datetime.date(2025, 12, 30),
    }

    assert_violates(
        "indicator_period_periods_do_not_overlap",
        lambda: f.IndicatorPeriodFactory(**overlapping),
    )
    assert_clean_message(
        IndicatorPeriod(**overlapping, target=Decimal(10)),
        "start",
        "overlaps the indicator's period 1 January 2024 to 31 December 2024",
    )
    # The same days for another indicator, and the next days for this one, are fine.
    f.IndicatorPeriodFactory(start=first.start, end=first.end)
    f.IndicatorPeriodFactory(
        indicator=first.indicator, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )


def test_a_period_ends_after_it_starts():
    day = datetime.date(2024, 1, 1)
    assert_violates(
        "indicator_period_ends_after_it_starts",
        lambda: f.IndicatorPeriodFactory(start=day, end=day),
    )
    assert_clean_message(
        IndicatorPeriod(indicator=f.IndicatorFactory(), start=day, end=day), "end", "end after"
    )


def test_a_target_is_more_than_zero_and_in_the_indicator_unit():
    assert_violates("indicator_period_target_positive", lambda: f.IndicatorPeriodFactory(target=0))
    people = f.IndicatorFactory(unit="people")
    period = f.IndicatorPeriodFactory.build(indicator=people, target=Decimal("12.5"))
    assert_clean_message(period, "target", "People are counted in whole numbers")
    money = f.IndicatorFactory(unit="gbp")
    f.IndicatorPeriodFactory.build(indicator=money, target=Decimal("12.5")).full_clean()


def test_an_actual_comes_with_its_source_and_keeps_its_qualifier():
    assert_violates(
        "indicator_period_actual_with_its_source",
        lambda: f.IndicatorPeriodFactory(actual=Decimal(150)),
    )
    assert_clean_message(
        f.IndicatorPeriodFactory.build(indicator=f.IndicatorFactory(), actual=Decimal(150)),
        "actual_source_title",
        "Name the source",
    )
    assert_violates(
        "indicator_period_actual_with_its_source",
        lambda: f.IndicatorPeriodFactory(actual_qualifier="over"),
    )
    over = f.IndicatorPeriodFactory(
        target=200, actual=Decimal(150), actual_qualifier="over", actual_source_title="ATAC"
    )
    assert over.actual_display == "over 150"
    # "Over 150" of 200 is not 75%: a share only where both figures are exact.
    assert over.share_of_target is None
    exact = f.IndicatorPeriodFactory(target=200, actual=Decimal(150), actual_source_title="ATAC")
    assert exact.share_of_target == Decimal("0.75")
    assert f.IndicatorPeriodFactory(target=None).share_of_target is None


def test_periods_are_public_with_their_indicator_only():
    shown = f.IndicatorPeriodFactory()
    f.IndicatorPeriodFactory(indicator=f.IndicatorFactory(is_published=False))

    assert list(IndicatorPeriod.objects.public()) == [shown]
    assert [period.is_public for period in IndicatorPeriod.objects.order_by("pk")] == [True, False]


def test_staff_keep_periods_on_the_indicator_page(editor_client):
    period = f.IndicatorPeriodFactory(target=200, actual=Decimal(150), actual_source_title="ATAC")

    page = editor_client.get(admin_url(Indicator, "change", period.indicator.pk))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Plan and delivery" in text
    assert "75%" in text
    assert 'name="periods-0-is_locked"' in text
