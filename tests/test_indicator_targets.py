"""Progress towards a period's target in words (workstreams.targets): a share only where the
target and the actual are both exact, the indicator's direction taken into account, and a
period's span said as briefly as it can be said exactly."""

import datetime
from decimal import Decimal

import pytest

from workstreams.targets import State, latest_period, percent, period_label, progress


def words(target, actual, qualifier="exact", direction="higher", unit="people"):
    return progress(
        target=None if target is None else Decimal(target),
        actual=None if actual is None else Decimal(actual),
        qualifier=qualifier,
        direction=direction,
        unit=unit,
    )


def test_an_exact_actual_short_of_its_target_gives_the_share_reached():
    result = words(200, 150)

    assert result.state == State.NOT_MET
    assert result.share == Decimal("0.75")
    assert result.summary == "75% of the target"
    assert result.sentence == "150 of a target of 200: 75% of it reached."


def test_an_exact_actual_at_or_past_its_target_has_met_it():
    assert words(200, 200).sentence == "Target met: 200 against a target of 200, 100% of it."
    past = words(200, 230)
    assert past.is_met
    assert past.summary == "Met: 115% of the target"


def test_a_share_is_rounded_down_so_a_target_is_never_said_to_be_reached_before_it_is():
    assert words(1000, 996).summary == "99% of the target"
    assert words(100000, 1).summary == "less than 1% of the target"
    assert words(200, 0).summary == "0% of the target"
    assert percent(Decimal("123.456")) == "12,345%"


@pytest.mark.parametrize("qualifier, why", [("over", "a lower bound"), ("about", "approximate")])
def test_an_inexact_actual_gets_no_share(qualifier, why):
    result = words(200, 150, qualifier)

    assert result.state == State.UNDECIDED
    assert result.share is None
    assert "%" not in result.summary + result.sentence
    assert result.summary == f"No share: the actual is {why}"
    assert result.sentence.startswith(f"{qualifier.capitalize()} 150 against a target of 200")


def test_over_a_figure_at_or_past_the_target_has_met_it_but_gives_no_share():
    result = words(200, 250, "over")

    assert result.is_met
    assert result.share is None
    assert result.sentence == "Target met: over 250 against a target of 200."


def test_about_a_figure_past_the_target_settles_nothing():
    assert words(200, 250, "about").state == State.UNDECIDED


def test_where_lower_is_better_the_target_is_a_ceiling_and_the_distance_from_it_is_given():
    within = words(100, 80, direction="lower")
    above = words(100, 120, direction="lower")

    assert within.is_met
    assert within.summary == "Met: 20% below the target"
    assert within.sentence == "Target met: 80 against a target of at most 100, 20% below it."
    assert above.state == State.NOT_MET
    assert above.summary == "Not met: 20% above the target"
    assert "lower is better" in above.sentence
    assert "reached" not in within.sentence + above.sentence
    assert words(100, 100, direction="lower").summary == "Met: at the target"


def test_where_lower_is_better_over_a_figure_past_the_ceiling_has_not_met_it():
    assert words(100, 150, "over", "lower").state == State.NOT_MET
    # Over 50 may be 60 or 160.
    assert words(100, 50, "over", "lower").state == State.UNDECIDED


def test_a_missing_target_or_actual_is_said_and_gives_no_share():
    assert words(200, None).state == State.NOT_REPORTED
    assert words(200, None).sentence == "No actual is reported yet against a target of 200."
    assert words(None, 150, "over").sentence == "An actual of over 150; no target was set."
    assert words(None, None).state == State.EMPTY
    assert all(words(*args).share is None for args in ((200, None), (None, 150), (None, None)))


def test_money_is_written_as_money():
    assert words(2_000_000, 1_500_000, unit="gbp").sentence == (
        "£1.5 million of a target of £2 million: 75% of it reached."
    )


@pytest.mark.parametrize(
    "start, end, label",
    [
        ((2024, 1, 1), (2024, 12, 31), "2024"),
        ((2024, 7, 1), (2024, 7, 31), "July 2024"),
        ((2024, 2, 1), (2024, 2, 29), "February 2024"),
        ((2024, 4, 1), (2025, 3, 31), "April 2024 to March 2025"),
        ((2024, 1, 1), (2025, 12, 31), "January 2024 to December 2025"),
        ((2024, 4, 3), (2025, 4, 2), "3 April 2024 to 2 April 2025"),
        ((2024, 1, 1), (2024, 12, 30), "1 January 2024 to 30 December 2024"),
    ],
)
def test_a_period_is_labelled_as_briefly_as_is_exact(start, end, label):
    assert period_label(datetime.date(*start), datetime.date(*end)) == label


class Span:
    def __init__(self, start, end):
        self.start, self.end = start, end


def test_the_latest_period_is_the_last_that_has_begun():
    today = datetime.date(2025, 6, 15)
    past = Span(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    current = Span(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    future = Span(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

    assert latest_period([past, current, future], today) is current
    assert latest_period([past], today) is past
    assert latest_period([future], today) is None
    assert latest_period([], today) is None
