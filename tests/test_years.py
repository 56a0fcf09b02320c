"""The one year helper (mmip/dates.py: in_years, years_of) and what is built on it: the
public filters' year choice (mmip/filtering.py), the explorer's range of years and the
admin's sidebar filter of years. Each page's own use is tested with its page."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from mmip.dates import in_years, years_of
from mmip.filtering import LenientFilterSet, YearChoiceFilter
from tests.factories import InitiativeFactory, OutputFactory
from workstreams.models import Initiative, Output

pytestmark = pytest.mark.django_db


@pytest.fixture
def outputs():
    dated = {
        "first-day": datetime.date(2019, 1, 1),
        "last-day": datetime.date(2019, 12, 31),
        "next-year": datetime.date(2020, 1, 1),
        "later": datetime.date(2023, 7, 1),
    }
    OutputFactory(slug="undated", date=None)
    return {slug: OutputFactory(slug=slug, date=date) for slug, date in dated.items()}


def slugs(rows) -> set[str]:
    return set(rows.values_list("slug", flat=True))


def test_a_year_holds_its_first_and_last_day_and_nothing_else(outputs):
    assert slugs(Output.objects.filter(in_years("date", 2019, 2019))) == {"first-day", "last-day"}


def test_either_end_of_a_range_of_years_may_be_open(outputs):
    assert slugs(Output.objects.filter(in_years("date", first=2020))) == {"next-year", "later"}
    assert slugs(Output.objects.filter(in_years("date", last=2019))) == {"first-day", "last-day"}
    assert slugs(Output.objects.filter(in_years("date"))) == {*outputs, "undated"}


def test_the_years_that_have_a_date_come_newest_first_in_one_query(outputs):
    with CaptureQueriesContext(connection) as queries:
        years = years_of(Output.objects.all(), "date")

    assert years == [2023, 2020, 2019]
    assert len(queries) == 1


class OutputYears(LenientFilterSet):
    year = YearChoiceFilter(things="outputs")

    class Meta:
        model = Output
        fields = []


def test_the_year_choice_offers_the_years_of_the_rows_given_and_filters_by_them(outputs):
    filterset = OutputYears(QueryDict("year=2019"), queryset=Output.objects.all())

    assert filterset.form.fields["year"].choices == [
        ("", "Any year"),
        ("2023", "2023"),
        ("2020", "2020"),
        ("2019", "2019"),
    ]
    assert slugs(filterset.qs) == {"first-day", "last-day"}
    assert filterset.messages == []


@pytest.mark.parametrize("value", ["2021", "twenty", "9" * 5000, "2019'; --"])
def test_a_year_with_no_rows_is_left_out_with_a_message_and_never_queried(outputs, value):
    filterset = OutputYears(QueryDict(f"year={value}"), queryset=Output.objects.all())

    assert slugs(filterset.qs) == {*outputs, "undated"}
    (message,) = filterset.messages
    assert message.startswith("There are no outputs in a year “")
    assert message.endswith("”, so the year filter was left out. Choose a year from the list.")


def test_the_admin_year_filter_offers_the_same_years_and_ignores_what_is_no_year(editor_client):
    InitiativeFactory(slug="in-2016", start_date=datetime.date(2016, 1, 1))
    InitiativeFactory(slug="undated", start_date=None, start_precision="day")
    url = "/admin/workstreams/initiative/"

    offered = editor_client.get(url).context["cl"].filter_specs
    (years,) = [
        spec for spec in offered if getattr(spec, "parameter_name", "") == "start_date_year"
    ]
    assert [year for year, _ in years.lookup_choices] == [
        str(year) for year in years_of(Initiative.objects.all(), "start_date")
    ]
    for value in ["0", "00000", "9" * 5000, "²", "-1", "letters"]:
        response = editor_client.get(url, {"start_date_year": value})
        assert response.status_code == 200, value
