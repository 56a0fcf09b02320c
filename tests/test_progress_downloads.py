"""/progress/'s downloads: one row per public commitment, milestone and initiative tracked
against a plan, with its kind, dates at their precision and whether it is late, then one per
reporting period of a public indicator with its target, its actual with the qualifier kept,
and the share of the target; for the page's workstream filter; nothing a draft holds; the
same queries with 3 of each as with 30."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.pages import count_queries
from tests.test_progress_pages import tracked_work

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text_of(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def csv_rows(client, **query) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text_of(client.get(reverse("progress-csv"), query)))))


def json_of(client, **query) -> dict:
    return json.loads(text_of(client.get(reverse("progress-json"), query)))


@pytest.fixture
def record():
    skills = f.WorkstreamFactory(name="Skills", slug="skills")
    f.CommitmentFactory(
        workstream=skills,
        title="Due in a year",
        due_date=datetime.date(2030, 1, 1),
        due_precision="year",
        rating="green",
        rating_reason="On course.",
    )
    f.MilestoneFactory(
        workstream=skills,
        title="A slipped launch",
        delivery_status="on-track",
        planned_date=datetime.date(2020, 3, 1),
        planned_precision="month",
        forecast_date=TODAY + 30 * DAY,
        rating="amber",
        rating_reason="Slipped by a term.",
    )
    f.MilestoneFactory(workstream=skills, title="An event, not tracked")
    f.InitiativeFactory(
        workstream=skills,
        name="A network built",
        delivery_status="done",
        actual_date=datetime.date(2021, 1, 1),
        actual_precision="year",
    )
    apprentices = f.IndicatorFactory(name="Apprentices started", slug="apprentices")
    apprentices.workstreams.add(skills, f.WorkstreamFactory(name="Kept back", is_published=False))
    f.IndicatorPeriodFactory(
        indicator=apprentices,
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2021, 12, 31),
        target=200,
        actual=150,
        actual_qualifier="over",
        actual_source_title="The provider's count",
        actual_source_url="https://example.org/count",
        is_locked=True,
    )
    f.IndicatorPeriodFactory(
        indicator=apprentices,
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2022, 12, 31),
        target=200,
        actual=150,
        actual_source_title="The provider's count",
    )
    f.CommitmentFactory(title="A draft commitment", is_published=False)
    f.MilestoneFactory(title="A draft milestone", delivery_status="planned", is_published=False)
    f.IndicatorPeriodFactory(
        indicator=f.IndicatorFactory(name="A draft indicator", is_published=False)
    )
    return skills


def test_the_csv_has_a_row_per_tracked_item_then_per_period(client, record):
    response = client.get(reverse("progress-csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="mmip-progress-')
    rows = csv_rows(client)

    assert [(row["Kind"], row["Title"]) for row in rows] == [
        ("commitment", "Due in a year"),
        ("milestone", "A slipped launch"),
        ("initiative", "A network built"),
        ("period", "Apprentices started"),
        ("period", "Apprentices started"),
    ]
    commitment, milestone, initiative, over, exact = rows
    assert commitment["Due"] == "2030"
    assert commitment["Due date"] == "2030-01-01"
    assert commitment["Due date precision"] == "year"
    assert commitment["Rating"] == "Green"
    assert commitment["Late"] == "no"
    assert "/commitments/" in commitment["Address"]
    assert commitment["Forecast date"] == commitment["Target"] == ""

    # A milestone past its plan is late, whatever its forecast.
    assert milestone["Status"] == "On track"
    assert milestone["Due"] == "March 2020"
    assert milestone["Due date precision"] == "month"
    assert milestone["Forecast date"] == (TODAY + 30 * DAY).isoformat()
    assert milestone["Reason for the rating"] == "Slipped by a term."
    assert milestone["Late"] == "yes"
    assert milestone["Workstream"] == "Skills"

    assert initiative["Status"] == "Done"
    assert initiative["Done"] == "2021"
    assert initiative["Date done precision"] == "year"
    assert initiative["Late"] == "no"

    # "Over 150" stays over 150: no share of the target is given for it.
    assert over["Actual"] == "150"
    assert over["Actual qualifier"] == "over"
    assert over["Actual as given"] == "over 150"
    assert over["Share of target"] == ""
    assert over["Target"] == "200"
    assert over["Locked"] == "yes"
    assert over["Period starts"] == "2021-01-01"
    assert over["Period ends"] == "2021-12-31"
    assert over["Source of the actual"] == "The provider's count"
    assert over["Address of the source"] == "https://example.org/count"
    assert over["Workstream"] == "Skills"  # its draft workstream is not named
    assert over["Late"] == over["Status"] == ""
    assert over["Address"] == "http://testserver/indicators/apprentices/"
    assert exact["Share of target"] == "0.75"
    assert exact["Locked"] == "no"


def test_the_json_has_the_items_and_the_periods_as_two_lists(client, record):
    data = json_of(client)

    assert [(item["kind"], item["title"]) for item in data["items"]] == [
        ("commitment", "Due in a year"),
        ("milestone", "A slipped launch"),
        ("initiative", "A network built"),
    ]
    milestone = data["items"][1]
    assert milestone["late"] is True
    assert milestone["due_date"] == "2020-03-01"
    assert milestone["due_date_precision"] == "month"
    assert milestone["done_date"] is None
    over, exact = data["periods"]
    assert over == {
        "indicator": "Apprentices started",
        "workstreams": ["Skills"],
        "period_start": "2021-01-01",
        "period_end": "2021-12-31",
        "unit": "People",
        "target": 200,
        "actual": 150,
        "actual_qualifier": "over",
        "actual_display": "over 150",
        "share_of_target": None,
        "locked": True,
        "actual_source": "The provider's count",
        "actual_source_url": "https://example.org/count",
        "address": "http://testserver/indicators/apprentices/",
    }
    assert exact["share_of_target"] == 0.75


def test_the_downloads_honour_the_workstream_filter_and_name_what_they_left_out(client, record):
    other = f.WorkstreamFactory(name="Fiscal")
    f.CommitmentFactory(workstream=other, title="Other commitment")
    f.MilestoneFactory(workstream=other, title="Other milestone", delivery_status="planned")
    f.MilestoneFactory(workstream=None, title="Programme milestone", delivery_status="planned")
    f.IndicatorPeriodFactory(indicator=f.IndicatorFactory(name="Other indicator"))

    data = json_of(client, workstream=record.slug)
    assert [item["title"] for item in data["items"]] == [
        "Due in a year",
        "A slipped launch",
        "A network built",
    ]
    assert {period["indicator"] for period in data["periods"]} == {"Apprentices started"}
    assert {row["Title"] for row in csv_rows(client, workstream=record.slug)} == {
        "Due in a year",
        "A slipped launch",
        "A network built",
        "Apprentices started",
    }

    response = client.get(reverse("progress-json"), {"workstream": "nope"})
    assert response["X-Filter-Left-Out"] == "workstream"
    data = json.loads(text_of(response))
    assert len(data["items"]) == 6
    assert len(data["periods"]) == 3


def test_nothing_a_draft_holds_is_in_a_download(client, record):
    for text in (text_of(client.get(reverse(name))) for name in ["progress-csv", "progress-json"]):
        assert "draft" not in text
        assert "Kept back" not in text


@pytest.mark.parametrize("name", ["progress-csv", "progress-json"])
def test_the_downloads_cost_the_same_queries_with_3_of_each_as_with_30(client, name):
    workstream = tracked_work(3)
    few = count_queries(client, reverse(name))
    filtered_few = count_queries(client, reverse(name), {"workstream": workstream.slug})
    tracked_work(27)
    # 1 the workstreams to choose from (the filter checks the one asked for); 2-4 the
    # commitments, the milestones and the initiatives with their workstreams, and 5 the
    # periods with their indicators and the names of their public workstreams, each read
    # through a server-side cursor.
    assert few == count_queries(client, reverse(name)) == 5
    assert filtered_few == count_queries(client, reverse(name), {"workstream": workstream.slug})
