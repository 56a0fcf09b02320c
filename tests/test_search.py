"""/search/: PostgreSQL full-text search across the published record, grouped by kind,
with highlighted snippets, web-search syntax and kind answers to every kind of query."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from funding.models import Award
from mmip import fulltext
from mmip.models import Organisation
from mmip.site import search
from tests.factories import (
    AwardFactory,
    CommitmentFactory,
    InitiativeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, page
from workstreams.models import Initiative, Milestone, Output, Workstream

pytestmark = pytest.mark.django_db

URL = reverse("search")


def results_page(client, q, **params) -> str:
    return page(client, URL, {"q": q, **params})


def titles(content: str, kind: str | None = None) -> list[str]:
    """The result titles on the page (of one kind's section), tags stripped, in order."""
    if kind:
        start = content.index(f'id="{kind}-heading"')
        end = content.find("</section>", start)
        content = content[start:end]
    found = re.findall(r'<h3 class="result__title">(.*?)</h3>', content, flags=re.S)
    return [re.sub(r"<[^>]+>", "", title).strip() for title in found]


# ---------- What is searched ----------


def test_every_kind_of_record_is_found_and_grouped_by_kind(client):
    workstream = WorkstreamFactory(name="Skills", aim="A workforce for vaccine manufacturing.")
    OrganisationFactory(name="Vaccine Manufacturing Innovation Centre")
    InitiativeFactory(name="Vaccine taskforce", workstream=workstream)
    AwardFactory(title="Vaccine manufacturing award")
    OutputFactory(title="Vaccine report")
    MilestoneFactory(title="Vaccine centre opened", workstream=workstream)

    content = results_page(client, "vaccine")

    assert "6 results for “vaccine”" in content
    assert titles(content, "organisations") == ["Vaccine Manufacturing Innovation Centre"]
    assert titles(content, "workstreams") == ["Skills"]
    assert titles(content, "initiatives") == ["Vaccine taskforce"]
    assert titles(content, "awards") == ["Vaccine manufacturing award"]
    assert titles(content, "outputs") == ["Vaccine report"]
    assert titles(content, "milestones") == ["Vaccine centre opened"]
    # The groups come in a fixed order, each listed in the contents at the top.
    order = ["organisations", "workstreams", "initiatives", "awards", "outputs", "milestones"]
    positions = [content.index(f'id="{kind}-heading"') for kind in order]
    assert positions == sorted(positions)
    assert '<a href="#awards">Awards (1)</a>' in content


def test_drafts_and_records_on_draft_pages_are_never_found(client):
    hidden = WorkstreamFactory(name="Vaccine draft workstream", is_published=False)
    OrganisationFactory(name="Vaccine draft organisation", is_published=False)
    InitiativeFactory(name="Vaccine draft initiative", is_published=False)
    InitiativeFactory(name="Vaccine initiative of a draft", workstream=hidden)
    AwardFactory(title="Vaccine draft award", is_published=False)
    OutputFactory(title="Vaccine draft output", is_published=False)
    MilestoneFactory(title="Vaccine draft milestone", is_published=False)
    MilestoneFactory(title="Vaccine milestone of a draft", workstream=hidden)
    MilestoneFactory(title="Vaccine programme milestone", workstream=None)

    content = results_page(client, "vaccine")

    assert titles(content) == ["Vaccine programme milestone"]
    assert "Vaccine draft" not in content
    assert "of a draft" not in content


def test_a_programme_wide_milestone_links_to_the_timeline(client):
    MilestoneFactory(title="Vaccine week", slug="vaccine-week", workstream=None)

    content = results_page(client, "vaccine")

    assert f'href="{reverse("timeline")}#milestone-vaccine-week"' in content


def test_an_award_result_names_its_amount_parties_and_date(client):
    AwardFactory(
        title="Vaccine award",
        funder=OrganisationFactory(name="Innovate UK"),
        recipient=OrganisationFactory(name="Vaccine Manufacturing Centre"),
        routed_through=OrganisationFactory(name="Hidden body", is_published=False),
        award_date=datetime.date(2021, 7, 1),
        award_date_precision="month",
        identifier="360G-MMIP-2021-VAX",
    )
    AwardFactory(
        title="Vaccine award to a draft",
        recipient=OrganisationFactory(name="Hidden recipient", is_published=False),
    )

    content = results_page(client, "vaccine")

    assert "£100,000 from" in content
    assert "Innovate UK</a>" in content
    assert "Vaccine Manufacturing Centre</a>" in content
    # The award is public, but the body it was routed through is a draft: not named.
    assert "Hidden body" not in content
    assert " through " not in content
    # An award is public only with both its parties.
    assert "Vaccine award to a draft" not in content
    assert "Hidden recipient" not in content
    assert '<time datetime="2021-07">July 2021</time>' in content
    assert "360G-MMIP-2021-VAX" in content


def test_an_award_is_found_by_its_identifier(client):
    AwardFactory(title="Apprenticeships", identifier="360G-MMIP-2018-ATMA")

    assert titles(results_page(client, "360G-MMIP-2018-ATMA")) == ["Apprenticeships"]


# ---------- Ranking ----------


def test_a_title_match_ranks_above_a_summary_match_above_a_body_match(client):
    InitiativeFactory(name="Network B", description="Its work includes a biologics plant.")
    InitiativeFactory(name="Network A", summary="Builds a biologics pipeline.")
    InitiativeFactory(name="Biologics network")

    assert titles(results_page(client, "biologics")) == [
        "Biologics network",
        "Network A",
        "Network B",
    ]


def test_english_stemming_finds_other_forms_of_a_word(client):
    OutputFactory(title="Apprenticeship guideline")

    assert titles(results_page(client, "apprenticeships")) == ["Apprenticeship guideline"]


# ---------- Web-search syntax ----------


@pytest.fixture
def therapies():
    OutputFactory(title="Advanced therapies roadmap")
    OutputFactory(title="Therapies that are advanced in years")
    OutputFactory(title="Cell therapies report")


def test_quotes_search_for_a_phrase(client, therapies):
    assert titles(results_page(client, '"advanced therapies"')) == ["Advanced therapies roadmap"]


def test_a_minus_leaves_a_word_out(client, therapies):
    assert titles(results_page(client, "therapies -advanced")) == ["Cell therapies report"]


def test_or_finds_either_word(client, therapies):
    OutputFactory(title="Vaccine report")

    found = titles(results_page(client, "vaccine or cell"))

    assert sorted(found) == ["Cell therapies report", "Vaccine report"]


# ---------- Highlighting ----------


def test_matches_are_marked_in_the_title_and_the_snippet(client):
    OutputFactory(
        title="Biologics roadmap",
        summary="A long summary in which the word biologics appears once in the middle.",
    )

    content = results_page(client, "biologics")

    assert "<mark>Biologics</mark> roadmap" in content
    assert "the word <mark>biologics</mark> appears" in content


def test_markup_in_the_record_is_escaped_and_only_mark_is_added(client):
    OutputFactory(
        title='Biologics <script>alert("title")</script> & <b>more</b>',
        summary='Biologics <img src=x onerror=alert(1)> "quoted" & <mark>fake</mark>',
    )

    content = results_page(client, "biologics")

    main = content[content.index("<main") :]
    assert "<script>alert" not in main
    assert "<img" not in main
    assert "<b>" not in main
    assert "<mark>fake</mark>" not in main
    assert "&lt;script&gt;" in main or "alert(&quot;title&quot;)" in main
    assert "<mark>Biologics</mark>" in main
    # The only tags in a result's title are the link and the marks.
    for title in re.findall(r'<h3 class="result__title">(.*?)</h3>', main, flags=re.S):
        assert set(re.findall(r"</?([a-z]+)", title)) <= {"a", "mark"}


def test_marked_escapes_text_and_always_pairs_its_marks():
    start, stop = search.START, search.STOP

    assert search.marked(f"{start}a<b>{stop} & c") == "<mark>a&lt;b&gt;</mark> &amp; c"
    assert search.marked(f"{stop}x{start}y") == "x<mark>y</mark>"
    assert search.marked(f"{start}{start}z{stop}{stop}") == "<mark>z</mark>"
    assert search.marked(None) == ""


# ---------- Queries that must never break the page ----------


@pytest.mark.parametrize(
    "q",
    [
        "\\",
        "\\\\ biologics \\",
        '"unterminated',
        '""',
        "'",
        "biologics'; DROP TABLE workstreams_output; --",
        "1 OR 1=1",
        "biologics & | ! : * ( ) <->",
        "-",
        "- - -",
        "or or or",
        "%_%",
        "biologics\x00",
        "\x00\x00\x00",
        "<script>alert(1)</script>",
        "ünïcödé ∑ 漢字 🧬",
        "a" * 10_000,
        "biologics " * 2_000,
    ],
)
def test_odd_queries_never_give_an_error(client, q):
    OutputFactory(title="Biologics roadmap")

    response = client.get(URL, {"q": q})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert Output.objects.count() == 1  # and nothing was dropped


def test_sql_in_a_query_is_searched_for_as_words(client):
    OutputFactory(title="Table of awards")

    found = titles(results_page(client, "table'; DROP TABLE workstreams_output; --"))

    assert found == []  # "drop" is not in the title, so nothing matches every word
    assert Output.objects.count() == 1


def test_a_backslash_is_ignored(client):
    OutputFactory(title="Biologics roadmap")

    assert titles(results_page(client, "\\biologics\\")) == ["Biologics roadmap"]


def test_a_very_long_query_is_cut_with_a_message(client):
    OutputFactory(title="Biologics roadmap")

    content = results_page(client, "biologics " + "x" * 10_000)

    assert "Searches can be up to 200 characters long" in content
    # The search box holds what was searched, not the 10,000 characters.
    assert 'value="biologics"' in content


def test_nul_bytes_and_control_characters_become_spaces():
    assert search.clean_query("bio\x00logics\t\n  roadmap") == ("bio logics roadmap", [])


# ---------- Kind answers ----------


def test_an_empty_search_explains_what_can_be_searched_and_offers_examples(client):
    WorkstreamFactory(name="Skills")

    content = results_page(client, "")

    assert "What you can search" in content
    assert f'href="{URL}?q=Skills"' in content
    assert f'href="{reverse("organisation-list")}"' in content


def test_a_one_letter_search_asks_for_more(client):
    content = results_page(client, "x")

    assert "Type at least 2 letters" in content
    assert "“x” is too short to search for." in content


def test_a_search_of_only_common_words_says_so(client):
    OutputFactory(title="The report")

    content = results_page(client, "the and of")

    assert "No results for “the and of”" in content
    assert "too common to search for" in content


def test_a_misspelt_search_suggests_a_spelling_from_the_record(client):
    OutputFactory(title="Apprenticeship guideline")

    content = results_page(client, "aprenticeship")

    assert "No results for “aprenticeship”" in content
    assert f'Did you mean <a href="{URL}?q=apprenticeship">apprenticeship</a>?' in content


def test_nonsense_gets_tips_not_a_suggestion(client):
    OutputFactory(title="Apprenticeship guideline")

    content = results_page(client, "zzqxv")

    assert "No results for “zzqxv”" in content
    assert "Did you mean" not in content
    assert "Check the spelling" in content


# ---------- One kind, page by page ----------


def test_a_group_links_to_all_its_results_and_that_page_pages(client, monkeypatch):
    monkeypatch.setattr(search, "GROUP_SIZE", 2)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for year in (2018, 2019, 2020):
        OutputFactory(title=f"Biologics report {year}", date=datetime.date(year, 1, 1))

    content = results_page(client, "biologics")
    assert titles(content, "outputs") == ["Biologics report 2020", "Biologics report 2019"]
    assert f'href="{URL}?q=biologics&amp;kind=outputs">See all 3 outputs' in content

    first = results_page(client, "biologics", kind="outputs")
    second = results_page(client, "biologics", kind="outputs", page="2")
    assert "3 outputs match “biologics”, showing 1 to 2" in first
    assert titles(second) == ["Biologics report 2018"]
    assert 'start="3"' in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("page_number", ["0", "-1", "999", "letters", "1.5"])
def test_a_bad_page_number_gives_the_nearest_page(client, page_number):
    OutputFactory(title="Biologics report")

    content = results_page(client, "biologics", kind="outputs", page=page_number)

    assert titles(content) == ["Biologics report"]


def test_an_unknown_kind_shows_every_kind_with_a_message(client):
    OutputFactory(title="Biologics report")

    content = results_page(client, "biologics", kind="spaceships")

    assert "There is no such kind of result" in content
    assert titles(content, "outputs") == ["Biologics report"]


# ---------- The database does the work ----------


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Organisation, "organisation_search_idx"),
        (Workstream, "workstream_search_idx"),
        (Initiative, "initiative_search_idx"),
        (Award, "award_search_idx"),
        (Output, "output_search_idx"),
        (Milestone, "milestone_search_idx"),
    ],
)
def test_each_search_uses_its_gin_index(model, name):
    # The search's WHERE clause is the index's own expression (read back from the model's
    # Meta), so PostgreSQL can answer it from the index. With sequential and plain index
    # scans off, a bitmap scan of an index that matches the clause is the only way left.
    kind = next(kind for kind in search.KINDS if kind.model.endswith(f".{model.__name__}"))
    document = fulltext.indexed_document(model)
    matching = (
        model.objects.alias(document=document).filter(document=search.to_tsquery("x")).order_by()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = matching.explain()

    assert f"Bitmap Index Scan on {name}" in plan
    # And the search itself filters on exactly that clause.
    clause = str(matching.query).split(" WHERE ", 1)[1]
    with search.searching_for("x"):
        assert clause in str(search.matches(kind).query)


def build_search_rows(n: int) -> None:
    for _ in range(n):
        workstream = WorkstreamFactory(description="Biologics work.")
        OrganisationFactory(description="Makes biologics.")
        InitiativeFactory(workstream=workstream, summary="Biologics.")
        AwardFactory(description="For biologics.")
        OutputFactory(summary="On biologics.")
        MilestoneFactory(workstream=workstream, description="Biologics plant opened.")
        CommitmentFactory(workstream=workstream, description="Biologics training for all.")


def test_search_query_count_does_not_grow(client):
    build_search_rows(3)
    with_three = count_queries(client, URL, {"q": "biologics"})
    build_search_rows(27)
    # One query for each kind: its best results with their related rows, its total
    # counted alongside in the same query (7).
    assert count_queries(client, URL, {"q": "biologics"}) == with_three == 7


def test_one_kind_query_count_does_not_grow(client):
    build_search_rows(3)
    second_page_of_awards = {"q": "biologics", "kind": "awards", "page": "2"}
    with_three = count_queries(client, URL, second_page_of_awards)
    build_search_rows(27)
    # 1 the count for the pager, 2 the page of awards with their parties.
    assert count_queries(client, URL, second_page_of_awards) == with_three == 2


def test_a_fruitless_search_query_count_does_not_grow(client):
    build_search_rows(3)
    with_three = count_queries(client, URL, {"q": "biologicz"})
    build_search_rows(27)
    # 1 to 7 each kind, 8 whether any word can be searched, 9 the titles to suggest a
    # spelling from, 10 the workstreams to offer as examples.
    assert count_queries(client, URL, {"q": "biologicz"}) == with_three == 10


def test_an_empty_search_makes_one_query(client):
    build_search_rows(3)
    # The workstreams to offer as examples.
    assert count_queries(client, URL, {"q": ""}) == 1
