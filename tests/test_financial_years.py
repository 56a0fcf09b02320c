"""UK financial years (1 April to 31 March): the helper (mmip/dates.py in_financial_years)
at the edges of a year, with dates known to the day, the month and only the year, and the
explorer's fy_from and fy_to, which read it."""

import datetime

import pytest
from django.http import QueryDict

from funding.filters import AwardFilterSet
from funding.models import Award
from mmip.dates import in_financial_years
from tests.factories import AwardFactory

pytestmark = pytest.mark.django_db

# (identifier, date, precision): where each falls, as worked out by hand.
DATED = [
    ("31-MARCH-2020", datetime.date(2020, 3, 31), "day"),  # 2019-20, its last day
    ("1-APRIL-2020", datetime.date(2020, 4, 1), "day"),  # 2020-21, its first day
    ("MARCH-2021", datetime.date(2021, 3, 1), "month"),  # 2020-21, its last month
    ("APRIL-2021", datetime.date(2021, 4, 1), "month"),  # 2021-22, its first month
    ("JANUARY-2022", datetime.date(2022, 1, 1), "month"),  # 2021-22: 1 January, but a month
    ("YEAR-2022", datetime.date(2022, 1, 1), "year"),  # 2021-22 or 2022-23: not certain
]


@pytest.fixture
def awards():
    for identifier, day, precision in DATED:
        AwardFactory(
            identifier=f"360G-MMIP-FY-{identifier}",
            award_date=day,
            award_date_precision=precision,
        )


def matched(**years) -> list[str]:
    rows = Award.objects.filter(
        in_financial_years("award_date", "award_date_precision", **years)
    ).order_by("award_date", "award_date_precision", "identifier")
    return [award.identifier.removeprefix("360G-MMIP-FY-") for award in rows]


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        # 2019-20 ends on 31 March 2020 and 2020-21 begins the day after.
        ({"first": 2019, "last": 2019}, ["31-MARCH-2020"]),
        ({"first": 2020, "last": 2020}, ["1-APRIL-2020", "MARCH-2021"]),
        ({"last": 2019}, ["31-MARCH-2020"]),
        (
            {"first": 2020},
            ["1-APRIL-2020", "MARCH-2021", "APRIL-2021", "JANUARY-2022", "YEAR-2022"],
        ),
        # A month is wholly in one financial year: January 2022 is in 2021-22.
        ({"first": 2021, "last": 2021}, ["APRIL-2021", "JANUARY-2022"]),
        # "2022" may be January to March (2021-22) or April to December (2022-23): only a
        # range holding both matches it.
        ({"first": 2021, "last": 2022}, ["APRIL-2021", "JANUARY-2022", "YEAR-2022"]),
        ({"first": 2022, "last": 2022}, []),
        (
            {"last": 2021},
            ["31-MARCH-2020", "1-APRIL-2020", "MARCH-2021", "APRIL-2021", "JANUARY-2022"],
        ),
        ({"first": 2022}, []),
        ({"first": 2021}, ["APRIL-2021", "JANUARY-2022", "YEAR-2022"]),
        ({}, [identifier for identifier, *_ in DATED]),
    ],
)
def test_each_date_falls_in_the_financial_years_worked_out_by_hand(awards, years, expected):
    assert matched(**years) == expected


def filtered(params: str) -> tuple[list[str], list[str]]:
    filterset = AwardFilterSet(QueryDict(params))
    rows = sorted(award.identifier.removeprefix("360G-MMIP-FY-") for award in filterset.qs)
    return rows, filterset.messages


def test_the_explorer_filter_reads_the_same_years_however_they_are_written(awards):
    expected = (["1-APRIL-2020", "MARCH-2021"], [])
    for params in ["fy_from=2020&fy_to=2020", "fy_from=2020-21&fy_to=2020-21",
                   "fy_from=2020/21&fy_to=2020%2F2021", "fy_from=2020-2021&fy_to=2020"]:  # fmt: skip
        assert filtered(params) == expected, params


@pytest.mark.parametrize(
    "value", ["2020-22", "2020/2022", "2020-19", "20-21", "2020-", "April 2020"]
)
def test_two_years_that_are_not_one_after_the_other_are_not_a_financial_year(awards, value):
    rows, messages = filtered(f"fy_from={value}")
    assert len(rows) == len(DATED)
    assert messages == [
        "Enter the first financial year as the year it starts, between 1900 and 2100: 2021 or "
        "2021-22 for April 2021 to March 2022."
    ]


def test_a_reversed_range_of_financial_years_is_left_out_and_the_rest_still_applies(awards):
    rows, messages = filtered("fy_from=2021&fy_to=2019&year_to=2020")
    assert rows == ["1-APRIL-2020", "31-MARCH-2020"]
    assert messages == [
        "The “from” financial year is after the “to” financial year, so that range was left "
        "out. Swap them and try again."
    ]
