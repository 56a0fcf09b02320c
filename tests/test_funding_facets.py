"""The counts beside the explorer's choices ("Innovate UK (42)"): each the number of awards
that match the choice and the rest of the filter, against answers worked out by hand; never
a draft's; remembered until the record changes; and a few grouped queries however many
awards there are."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from funding.explorer_form import award_filter
from funding.facets import facet_counts
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.test_funding_explorer import build_record, explore

pytestmark = pytest.mark.django_db

SELECTS = {
    "funder": "id_funder",
    "recipient": "id_recipient",
    "programme": "id_programme",
    "workstream": "id_workstream",
    "region": "id_region",
}


@pytest.fixture
def record():
    return build_record()


def counts(response) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} as the page shows them beside each choice."""
    content = response.content.decode()
    found = {}
    for facet, select_id in SELECTS.items():
        select = content.split(f'id="{select_id}"')[1].split("</select>")[0]
        found[facet] = {
            value: int(count.replace(",", ""))
            for value, count in re.findall(
                r'<option value="([^"]+)"[^>]*>[^<]*\(([\d,]+)\)<', select
            )
        }
    statuses = re.findall(r'name="status" value="(\w+)"[^>]*>\s*\w+ \((\d+)\)</label>', content)
    found["status"] = {value: int(count) for value, count in statuses}
    return found


def nonzero(found: dict[str, int]) -> dict[str, int]:
    return {value: count for value, count in found.items() if count}


# The record (tests/test_funding_explorer.py):
# | award | funder | recipient (region) | status    | programme | workstreams | awarded     |
# | A1    | fund-a | rec-x (North East) | closed    | prog-1    | ws-1        | 2018        |
# | A2    | fund-a | rec-y (not known)  | closed    |           | ws-2        | July 2019   |
# | A3    | fund-b | rec-x (North East) | active    |           | ws-1, ws-2  | 14 Oct 2021 |
# | A4    | fund-b | rec-y (not known)  | awarded   | prog-1    |             | 2021        |
# | A5    | fund-a | rec-x (North East) | withdrawn |           |             | March 2023  |
# and a draft of fund-a to rec-x under prog-1, never counted.
EVERY_AWARD = {
    "funder": {"fund-a": 3, "fund-b": 2},
    "recipient": {"rec-x": 3, "rec-y": 2},
    "programme": {"prog-1": 2},
    "workstream": {"ws-1": 2, "ws-2": 2},
    "region": {"north-east": 3, "unknown": 2},
    "status": {"awarded": 1, "active": 1, "closed": 2, "withdrawn": 1},
}


def test_every_choice_counts_the_published_awards_it_would_find(client, record):
    found = counts(explore(client))
    assert {facet: nonzero(values) for facet, values in found.items()} == EVERY_AWARD
    # Every choice has its count, nought included.
    assert found["region"]["london"] == 0
    assert len(found["region"]) == 15


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # A facet's own choices are left out of its counts: the other funder still says what
        # choosing it too would add.
        (
            {"funder": "fund-a"},
            {
                "funder": {"fund-a": 3, "fund-b": 2},
                "recipient": {"rec-x": 2, "rec-y": 1},
                "programme": {"prog-1": 1},
                "workstream": {"ws-1": 1, "ws-2": 1},
                "region": {"north-east": 2, "unknown": 1},
                "status": {"closed": 2, "withdrawn": 1},
            },
        ),
        # Leaving out is the facet's own part too.
        (
            {"funder_not": "fund-a"},
            {
                "funder": {"fund-a": 3, "fund-b": 2},
                "recipient": {"rec-x": 1, "rec-y": 1},
                "programme": {"prog-1": 1},
                "workstream": {"ws-1": 1, "ws-2": 1},
                "region": {"north-east": 1, "unknown": 1},
                "status": {"awarded": 1, "active": 1},
            },
        ),
        (
            {"region": "north-east", "workstream_not": "ws-2"},
            {
                "funder": {"fund-a": 2},
                "recipient": {"rec-x": 2},
                "programme": {"prog-1": 1},
                "workstream": {"ws-1": 2, "ws-2": 1},
                "region": {"north-east": 2, "unknown": 1},
                "status": {"closed": 1, "withdrawn": 1},
            },
        ),
        # 2021-22 holds A3 only: "2021" (A4) may be in 2020-21.
        (
            {"fy_from": "2021", "fy_to": "2021"},
            {
                "funder": {"fund-b": 1},
                "recipient": {"rec-x": 1},
                "programme": {},
                "workstream": {"ws-1": 1, "ws-2": 1},
                "region": {"north-east": 1},
                "status": {"active": 1},
            },
        ),
        # "cell" is in the titles of A1 and A4.
        (
            {"workstream": "ws-1", "status": "closed", "q": "cell"},
            {
                "funder": {"fund-a": 1},
                "recipient": {"rec-x": 1},
                "programme": {"prog-1": 1},
                "workstream": {"ws-1": 1},
                "region": {"north-east": 1},
                "status": {"closed": 1},
            },
        ),
    ],
)
def test_each_facet_counts_its_choices_with_the_rest_of_the_filter(
    client, record, params, expected
):
    found = counts(explore(client, params))
    assert {facet: nonzero(values) for facet, values in found.items()} == expected


def test_a_part_of_the_filter_that_was_left_out_changes_no_count(client, record):
    found = counts(explore(client, {"funder": "nobody", "fy_from": "soon", "region": "mars"}))
    assert {facet: nonzero(values) for facet, values in found.items()} == EVERY_AWARD


def test_drafts_are_never_offered_nor_counted(client, record):
    """The record's draft award (fund-a to rec-x under prog-1) is not counted above; nor is
    an award whose funder, recipient, programme or workstream is a draft offered or counted
    as theirs."""
    draft_funder = OrganisationFactory(slug="draft-funder", name="Draft Funder", is_published=False)
    draft_recipient = OrganisationFactory(
        slug="draft-recipient", nation_region="london", is_published=False
    )
    draft_programme = FundingProgrammeFactory(slug="draft-programme", is_published=False)
    draft_workstream = WorkstreamFactory(slug="draft-workstream", is_published=False)
    AwardFactory(funder=draft_funder, recipient=record["A1"].recipient)
    AwardFactory(funder=record["A1"].funder, recipient=draft_recipient, status="active")
    tagged = AwardFactory(
        funder=record["A1"].funder,
        recipient=record["A2"].recipient,
        programme=draft_programme,
        status="withdrawn",
        amount=Decimal("1000"),
    )
    tagged.workstreams.add(draft_workstream)

    response = explore(client)
    content = response.content.decode()
    found = counts(response)

    for slug in ("draft-funder", "draft-recipient", "draft-programme", "draft-workstream"):
        assert slug not in content
    # The published award to rec-y, whose programme and workstream are drafts, counts as an
    # award of fund-a to rec-y with no programme or workstream.
    assert {facet: nonzero(values) for facet, values in found.items()} == {
        "funder": {"fund-a": 4, "fund-b": 2},
        "recipient": {"rec-x": 3, "rec-y": 3},
        "programme": {"prog-1": 2},
        "workstream": {"ws-1": 2, "ws-2": 2},
        "region": {"north-east": 3, "unknown": 3},
        "status": {"awarded": 1, "active": 1, "closed": 2, "withdrawn": 2},
    }


def test_a_drop_down_cut_short_counts_only_what_it_lists(client, record, monkeypatch):
    monkeypatch.setattr("funding.explorer_form.CHOICES_LISTED", 1)
    filterset = award_filter(QueryDict("recipient_not=rec-y"))
    listed = {"funder": None, "recipient": [record["A2"].recipient.pk], "programme": None}
    found = facet_counts(filterset, {**listed, "workstream": None})
    assert found["recipient"] == {record["A2"].recipient.pk: 2}
    assert found["funder"] == {record["A1"].funder.pk: 2, record["A3"].funder.pk: 1}
    # Nothing listed, nothing counted.
    nothing = facet_counts(award_filter(QueryDict("")), {**listed, "recipient": []})
    assert nothing["recipient"] == {}
    assert nothing["funder"] == {record["A1"].funder.pk: 3, record["A3"].funder.pk: 2}

    response = explore(client, {"recipient_not": "rec-y"})
    recipient_select = response.content.decode().split('id="id_recipient_not"')[1]
    assert recipient_select.split("</select>")[0].count("<option") == 2  # none, and rec-y
    assert '<option value="rec-y" selected>University of Easton (2)</option>' in recipient_select


def test_the_counts_follow_the_record(client, record, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    assert counts(explore(client))["funder"]["fund-b"] == 2
    assert counts(explore(client))["funder"]["fund-b"] == 2  # from the cache
    AwardFactory(funder=record["A3"].funder)
    assert counts(explore(client))["funder"]["fund-b"] == 3


def count_queries(params: str) -> int:
    filterset = award_filter(QueryDict(params))
    len(filterset.qs)  # the slugs checked and the names searched for, before counting
    listed = {"funder": None, "recipient": None, "programme": None, "workstream": None}
    with CaptureQueriesContext(connection) as queries:
        facet_counts(filterset, listed)
    return len(queries.captured_queries)


@pytest.mark.parametrize("size", [3, 30])
def test_counting_costs_one_query_more_for_each_facet_chosen_from(settings, size):
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    funder = OrganisationFactory(slug="the-funder", nation_region="wales")
    programme = FundingProgrammeFactory(slug="the-programme", funder=funder)
    workstream = WorkstreamFactory(slug="the-workstream")
    for _ in range(size):
        award = AwardFactory(funder=funder, programme=programme)
        award.workstreams.add(workstream)
    # 1 the funders', recipients', programmes', regions' and statuses' counts together, 2 the
    # workstreams'.
    assert count_queries("") == 2
    assert count_queries("q=award&year_from=2000&amount_min=1&fy_to=2100") == 2
    # Choosing from the workstreams changes only what the workstreams' counts count.
    assert count_queries("workstream=the-workstream") == 2
    # 1 the funders' (of the filter less the funder), 2 the rest together, 3 the workstreams'.
    assert count_queries("funder=the-funder") == 3
    assert count_queries("funder=the-funder&funder_not=the-funder") == 3
    # One for each of funder, recipient, programme, region and status, and the workstreams'.
    every = "funder=the-funder&recipient_not=the-funder&programme=the-programme&region=wales"
    assert count_queries(every + "&status=awarded&workstream=the-workstream") == 6
