"""The funding explorer's FilterSet: filters against hand-computed answers, sorting, and
input that makes no sense (which must give a message, never an exception)."""

import datetime
from decimal import Decimal

import pytest
from django.http import QueryDict

from funding.filters import AwardFilterSet, funders, recipients
from funding.models import Award
from tests.bad_input import EXPLORER_BAD_INPUT, LITERAL_TEXT
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    """Five published awards and a draft, small enough to work out every answer by hand."""
    fund_a = OrganisationFactory(slug="fund-a", name="Innovate Widgets Agency", short_name="IWA")
    fund_b = OrganisationFactory(
        slug="fund-b", name="Research Council of Medicines", short_name="RCM"
    )
    rec_x = OrganisationFactory(
        slug="rec-x", name="Northgate Biologics Ltd", nation_region="north-east"
    )
    rec_y = OrganisationFactory(slug="rec-y", name="University of Easton")
    prog = FundingProgrammeFactory(slug="prog-1", funder=fund_a)
    ws1 = WorkstreamFactory(slug="ws-1")
    ws2 = WorkstreamFactory(slug="ws-2")

    def award(number, title, description, funder, recipient, amount, date, precision, status):
        return AwardFactory(
            identifier=f"360G-MMIP-T-0{number}",
            title=title,
            description=description,
            funder=funder,
            recipient=recipient,
            amount=Decimal(amount),
            award_date=date,
            award_date_precision=precision,
            status=status,
        )

    a1 = award(1, "Cell therapy scale-up", "Bioreactor capacity.", fund_a, rec_x, "100000",
               datetime.date(2018, 1, 1), "year", "closed")  # fmt: skip
    a2 = award(2, "Tablet compression twin", "A digital twin for compression.", fund_a, rec_y,
               "250000", datetime.date(2019, 7, 1), "month", "closed")  # fmt: skip
    a3 = award(3, "Vaccine fill-finish", "Sterile cell line fill.", fund_b, rec_x, "1500000",
               datetime.date(2021, 10, 14), "day", "active")  # fmt: skip
    a4 = award(4, "Apprenticeships in cell therapy", "Skills.", fund_b, rec_y, "500000",
               datetime.date(2021, 1, 1), "year", "awarded")  # fmt: skip
    a5 = award(5, "Withdrawn study", "Never started.", fund_a, rec_x, "75000",
               datetime.date(2023, 3, 1), "month", "withdrawn")  # fmt: skip
    a1.programme = a4.programme = prog
    a1.save()
    a4.save()
    a1.workstreams.set([ws1])
    a2.workstreams.set([ws2])
    a3.workstreams.set([ws1, ws2])
    AwardFactory(
        identifier="360G-MMIP-T-06",
        title="Cell therapy secret draft",
        funder=fund_a,
        recipient=rec_x,
        is_published=False,
    )
    return {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5}


def query(params: dict) -> QueryDict:
    """The parameters as the view gets them from the address, repeated keys and all."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def run(params) -> tuple[list[str], list[str]]:
    """The short names (A1...) of the awards found, in order, and the messages."""
    filterset = AwardFilterSet(query(params))
    return ["A" + award.identifier[-1] for award in filterset.qs], filterset.messages


def found(params) -> list[str]:
    return run(params)[0]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["A5", "A3", "A4", "A2", "A1"]),
        ({"funder": "fund-a"}, ["A5", "A2", "A1"]),
        ({"funder": ["fund-a", "fund-b"]}, ["A5", "A3", "A4", "A2", "A1"]),
        ({"recipient": "rec-y", "year_from": "2020"}, ["A4"]),
        ({"q": "cell"}, ["A3", "A4", "A1"]),
        ({"q": "cell therapy"}, ["A4", "A1"]),
        ({"q": "  CELL   Therapy "}, ["A4", "A1"]),
        ({"q": "rcm"}, ["A3", "A4"]),
        ({"q": "easton"}, ["A4", "A2"]),
        ({"q": "widgets compression"}, ["A2"]),
        ({"year_from": "2019", "year_to": "2021"}, ["A3", "A4", "A2"]),
        ({"year_from": "2021", "year_to": "2021"}, ["A3", "A4"]),
        ({"amount_min": "100000", "amount_max": "500000"}, ["A4", "A2", "A1"]),
        ({"amount_min": "£250,000"}, ["A3", "A4", "A2"]),
        ({"programme": "prog-1"}, ["A4", "A1"]),
        ({"workstream": "ws-1"}, ["A3", "A1"]),
        ({"workstream": ["ws-1", "ws-2"]}, ["A3", "A2", "A1"]),
        ({"status": ["closed", "withdrawn"]}, ["A5", "A2", "A1"]),
        ({"funder": "fund-b", "workstream": "ws-2", "q": "vaccine"}, ["A3"]),
        ({"funder": "fund-a", "amount_max": "80000", "status": "withdrawn"}, ["A5"]),
    ],
)
def test_filters_find_the_hand_computed_awards(record, params, expected):
    assert found(params) == expected


# rec-x (A1, A3, A5) is in the North East; rec-y's (A2, A4) region is not recorded.
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"funder_not": "fund-a"}, ["A3", "A4"]),
        ({"funder_not": ["fund-a", "fund-b"]}, []),
        ({"recipient_not": "rec-x"}, ["A4", "A2"]),
        # Awards outside any programme are not in the one left out, so they stay.
        ({"programme_not": "prog-1"}, ["A5", "A3", "A2"]),
        # A3 is in ws-1 and ws-2: in ws-1, so it goes; A4 and A5 have no workstream and stay.
        ({"workstream_not": "ws-1"}, ["A5", "A4", "A2"]),
        ({"workstream": "ws-2", "workstream_not": "ws-1"}, ["A2"]),
        ({"funder": "fund-a", "recipient_not": "rec-y"}, ["A5", "A1"]),
        # Chosen and left out: leaving out wins.
        ({"funder": "fund-a", "funder_not": "fund-a"}, []),
        ({"funder": ["fund-a", "fund-b"], "funder_not": "fund-a"}, ["A3", "A4"]),
        ({"region": "north-east"}, ["A5", "A3", "A1"]),
        ({"region": "unknown"}, ["A4", "A2"]),
        ({"region": "london"}, []),
        ({"region": ["london", "north-east"]}, ["A5", "A3", "A1"]),
        # A recipient whose region is not recorded is not in the North East, so it stays...
        ({"region_not": "north-east"}, ["A4", "A2"]),
        # ...unless those not recorded are left out too.
        ({"region_not": ["north-east", "unknown"]}, []),
        ({"region_not": "london"}, ["A5", "A3", "A4", "A2", "A1"]),
        ({"region": "north-east", "funder_not": "fund-b", "status": "closed"}, ["A1"]),
    ],
)
def test_leaving_out_and_regions_find_the_hand_computed_awards(record, params, expected):
    assert found(params) == expected
    assert run(params)[1] == []


# A1 "2018" may be in 2017-18 or 2018-19; A2 July 2019 is in 2019-20; A3 14 October 2021 in
# 2021-22; A4 "2021" in 2020-21 or 2021-22; A5 March 2023 in 2022-23.
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fy_from": "2019"}, ["A5", "A3", "A4", "A2"]),
        ({"fy_to": "2020"}, ["A2", "A1"]),
        ({"fy_to": "2021"}, ["A3", "A4", "A2", "A1"]),
        # "2021" is in the range only when both its financial years are.
        ({"fy_from": "2020", "fy_to": "2021"}, ["A3", "A4"]),
        ({"fy_from": "2021", "fy_to": "2021"}, ["A3"]),
        ({"fy_from": "2020", "fy_to": "2020"}, []),
        # Beside the calendar year, which holds "2021" whole.
        ({"year_from": "2021", "year_to": "2021"}, ["A3", "A4"]),
        ({"fy_from": "2021", "year_to": "2021"}, ["A3"]),
        # March 2023 is in 2022-23, not 2023-24.
        ({"fy_from": "2022", "fy_to": "2022"}, ["A5"]),
        ({"fy_from": "2023"}, []),
        ({"fy_to": "2017"}, []),
        ({"fy_from": "2017", "fy_to": "2018"}, ["A1"]),
        # As people write a financial year.
        ({"fy_from": "2019-20", "fy_to": "2021/22"}, ["A3", "A4", "A2"]),
        ({"fy_from": "2019-2020"}, ["A5", "A3", "A4", "A2"]),
        ({"fy_from": " 2019 \u2013 20 "}, ["A5", "A3", "A4", "A2"]),
        ({"fy_from": "1999-00", "fy_to": "2018-19"}, ["A1"]),
        ({"fy_from": "2019", "funder_not": "fund-a"}, ["A3", "A4"]),
    ],
)
def test_financial_years_find_the_hand_computed_awards(record, params, expected):
    assert run(params) == (expected, [])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", ["A1", "A2", "A4", "A3", "A5"]),
        ("-date", ["A5", "A3", "A4", "A2", "A1"]),
        ("amount", ["A5", "A1", "A2", "A4", "A3"]),
        ("-amount", ["A3", "A4", "A2", "A1", "A5"]),
        ("title", ["A4", "A1", "A2", "A3", "A5"]),
        ("-title", ["A5", "A3", "A2", "A1", "A4"]),
    ],
)
def test_sorting_both_ways(record, sort, expected):
    assert found({"sort": sort}) == expected


def test_equal_values_keep_one_order_by_identifier():
    for suffix in ("C", "A", "B"):
        AwardFactory(identifier=f"360G-MMIP-TIE-{suffix}", title="Same", amount=Decimal("5000"))
    for sort in ("amount", "-amount", "date", "-date", "title", ""):
        identifiers = [award.identifier for award in AwardFilterSet(query({"sort": sort})).qs]
        assert identifiers == ["360G-MMIP-TIE-A", "360G-MMIP-TIE-B", "360G-MMIP-TIE-C"], sort


def test_draft_awards_are_never_found(record):
    assert "360G-MMIP-T-06" not in {award.identifier for award in AwardFilterSet(query({})).qs}
    assert found({"q": "secret"}) == []


def test_funder_and_recipient_choices_are_published_organisations_with_published_awards(record):
    draft_funder = OrganisationFactory(slug="draft-funder", is_published=False)
    AwardFactory(funder=draft_funder)
    funder_of_drafts_only = OrganisationFactory(slug="drafts-only")
    AwardFactory(funder=funder_of_drafts_only, is_published=False)
    # Published awards, but each to a draft recipient, before and after a public one of
    # another funder: the funders are found one after another, each by its first public award.
    for slug in ("aaa-funder", "zzz-funder"):
        AwardFactory(
            funder=OrganisationFactory(slug=slug),
            recipient=OrganisationFactory(is_published=False),
        )

    assert {org.slug for org in funders()} == {"fund-a", "fund-b"}
    assert {"rec-x", "rec-y"} <= {org.slug for org in recipients()}
    assert "fund-a" not in {org.slug for org in recipients()}
    assert found({"funder": "draft-funder"}) == found({})
    assert AwardFilterSet(query({"funder": "drafts-only"})).messages


@pytest.mark.parametrize(("params", "message"), EXPLORER_BAD_INPUT)
def test_bad_input_gives_a_plain_message_and_every_award(record, params, message):
    awards, messages = run(params)
    assert awards == ["A5", "A3", "A4", "A2", "A1"]
    assert any(message in text for text in messages), messages
    assert all(isinstance(text, str) and len(text) < 300 for text in messages)
    assert not any("Select a valid choice" in text for text in messages)


def test_the_valid_part_of_a_filter_still_applies(record):
    awards, messages = run({"funder": "fund-a", "amount_min": "lots", "year_to": "2019"})
    assert awards == ["A2", "A1"]
    assert messages == ["Enter the smallest amount as a number of pounds, such as 50000."]


def test_a_reversed_range_leaves_out_both_ends_with_one_message(record):
    awards, messages = run({"year_from": "2022", "year_to": "2019", "funder": "fund-b"})
    assert awards == ["A3", "A4"]
    assert len(messages) == 1


@pytest.mark.parametrize("text", LITERAL_TEXT)
def test_quotes_backslashes_wildcards_and_sql_are_searched_for_literally(record, text):
    awards, messages = run({"q": text})
    assert (awards, messages) == ([], [])
    assert Award.objects.count() == 6


def test_an_unbound_filterset_has_no_messages(record):
    filterset = AwardFilterSet()
    assert filterset.messages == []
    assert len(filterset.qs) == 5


def _evaluate(params):
    filterset = AwardFilterSet(query(params))
    rows = [
        (
            award.funder.name,
            award.recipient.name,
            award.routed_through and award.routed_through.name,
            award.programme and award.programme.name,
        )
        for award in filterset.qs
    ]
    return rows, filterset.messages


@pytest.mark.parametrize("size", [3, 30])
def test_listing_costs_the_same_queries_for_3_awards_as_for_30(size, django_assert_num_queries):
    funder = OrganisationFactory(slug="the-funder")
    workstream = WorkstreamFactory(slug="the-workstream")
    through = OrganisationFactory()
    programme = FundingProgrammeFactory(funder=funder)
    for _ in range(size):
        award = AwardFactory(funder=funder, routed_through=through, programme=programme)
        award.workstreams.add(workstream)
    params = {
        "funder": "the-funder",
        "workstream": "the-workstream",
        "q": "award",
        "sort": "-amount",
    }
    # 1: the funder's slug checked, 2: the workstream's slug checked, 3: the organisations
    # named by the search words, 4: the awards with funder, recipient, routed-through body
    # and programme joined.
    with django_assert_num_queries(4):
        rows, messages = _evaluate(params)
    assert len(rows) == size and messages == []


def test_the_form_renders_with_the_choices_a_visitor_can_use(record):
    html = str(AwardFilterSet(query({"funder": "fund-b", "sort": "-amount"})).form)
    assert '<option value="fund-b" selected>' in html
    assert '<option value="fund-a">' in html
    assert '<option value="-amount" selected>Largest first</option>' in html
    assert 'maxlength="200"' in html


def test_empty_values_choose_nothing_rather_than_an_unknown_choice(record):
    # What a plain GET form sends for "any funder", "any status" and so on.
    filterset = AwardFilterSet(
        QueryDict("q=&funder=&recipient=&programme=&workstream=&status=&year_from=&amount_min=")
    )
    assert filterset.messages == []
    assert filterset.qs.count() == Award.objects.published().count()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("therap", ["A4", "A1"]),  # the start of a word is enough
        ("therapies", ["A4", "A1"]),  # English word forms match one another
        ("cell of the therapy", ["A4", "A1"]),  # words too common to index ask for nothing
        ("fill-finish", ["A3"]),  # both parts of a hyphenated word
        ("360G-MMIP-T-02", ["A2"]),  # an award's identifier
        ("arch counc", ["A3", "A4"]),  # part of a word of a funder's name ("Research")
        ("ell", []),  # the middle of a word in a title is not a word of it
    ],
)
def test_text_search_matches_words_of_awards_and_parts_of_names(record, text, expected):
    assert found({"q": text}) == expected


def test_a_word_without_letters_can_only_be_part_of_a_name(record):
    assert found({"q": "%"}) == []
    amp = OrganisationFactory(slug="amp", name="Alpha & Omega")
    Award.objects.filter(identifier="360G-MMIP-T-02").update(recipient=amp)
    assert found({"q": "&"}) == ["A2"]


def test_a_word_in_many_names_is_matched_through_a_subquery(record, monkeypatch):
    monkeypatch.setattr("funding.filters.NAMES_LISTED", 1)
    # "o" is part of every organisation's name here, so every award matches it.
    assert found({"q": "o"}) == ["A5", "A3", "A4", "A2", "A1"]
    assert found({"q": "o vaccine"}) == ["A3"]


def test_a_repeated_word_is_asked_for_once(record):
    filterset = AwardFilterSet(query({"q": " ".join(["Cell"] * 20 + ["cell"] * 15)}))
    sql = str(filterset.qs.query)
    assert sql.count("to_tsquery") == 2  # the match and the check for a word too common
    assert [award.identifier[-1] for award in filterset.qs] == ["3", "4", "1"]


def test_the_same_choices_in_any_order_make_the_same_query(record):
    """The figures and counts are kept under the filter's SQL, so two addresses choosing the
    same things share them, whatever the order of their parameters."""
    one = "status=closed&status=active&funder=fund-a&funder=fund-b&region=unknown&region=east"
    other = "region=east&funder=fund-b&status=active&region=unknown&funder=fund-a&status=closed"
    first, second = AwardFilterSet(QueryDict(one)), AwardFilterSet(QueryDict(other))
    assert str(first.qs.query) == str(second.qs.query)
    assert str(first.without("funder").query) == str(second.without("funder").query)
