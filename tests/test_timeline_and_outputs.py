"""/timeline/ and /outputs/: published rows at their date precision, filters whose state is
the address, and bad input that gets a plain message rather than an error."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    AwardFactory,
    InitiativeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, page

pytestmark = pytest.mark.django_db

FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").glob("*.json"))

BAD_VALUES = [
    "no-such-thing",
    "twenty",
    "99999",
    "x" * 10_000,
    "1' OR '1'='1",
    "'; DROP TABLE workstreams_milestone; --",
    "a\x00b",
]


def in_order(content: str, *texts: str) -> bool:
    """Whether the texts appear in this order in the results, after the filter form (whose
    options name kinds and workstreams too)."""
    results = content.split('class="result-count"', 1)[1]
    positions = [results.index(text) for text in texts]
    return positions == sorted(positions)


# ---------- Timeline ----------


@pytest.fixture
def skills():
    return WorkstreamFactory(name="Skills", slug="skills")


def test_timeline_groups_milestones_by_year_oldest_first_at_their_precision(client, skills):
    MilestoneFactory(
        workstream=skills,
        title="Strategy launched",
        date=datetime.date(2020, 1, 1),
        date_precision="year",
    )
    MilestoneFactory(
        workstream=skills,
        title="Follow-on funding",
        date=datetime.date(2021, 7, 1),
        date_precision="month",
    )
    MilestoneFactory(
        workstream=None,
        title="Impact report released",
        date=datetime.date(2021, 10, 14),
        date_precision="day",
    )

    content = page(client, reverse("timeline"))

    assert in_order(
        content,
        '<h2 id="year-2020"',
        "Strategy launched",
        '<h2 id="year-2021"',
        "Follow-on funding",
        "Impact report released",
    )
    assert '<time datetime="2020">2020</time>' in content
    assert '<time datetime="2021-07">July 2021</time>' in content
    assert '<time datetime="2021-10-14">14 October 2021</time>' in content
    assert "3 milestones, oldest first." in content


def test_timeline_names_the_workstream_or_the_whole_programme_and_links_what_it_concerns(
    client, skills
):
    initiative = InitiativeFactory(workstream=skills, name="Skills Training Network")
    output = OutputFactory(title="Skills Strategy", url="https://example.org/strategy")
    milestone = MilestoneFactory(
        workstream=skills,
        initiative=initiative,
        output=output,
        title="Strategy launched",
        kind="launch",
        place="London",
    )
    award = AwardFactory(title="Workforce skills award")
    award.milestones.add(milestone)
    MilestoneFactory(workstream=None, title="Challenge established")

    content = page(client, reverse("timeline"))

    assert f'<a href="{skills.get_absolute_url()}">Skills</a>' in content
    assert "Launch" in content
    assert "London" in content
    assert f'<a href="{initiative.get_absolute_url()}">Skills Training Network</a>' in content
    assert '<a href="https://example.org/strategy">Skills Strategy</a>' in content
    assert f'<a href="{award.get_absolute_url()}">Workforce skills award</a>' in content
    assert "Challenge established" in content
    assert "Whole programme" in content
    assert f'id="milestone-{milestone.slug}"' in content


def test_timeline_shows_published_milestones_of_published_workstreams_only(client, skills):
    MilestoneFactory(workstream=skills, title="Published milestone")
    MilestoneFactory(workstream=skills, title="Draft milestone", is_published=False)
    MilestoneFactory(
        workstream=WorkstreamFactory(name="Draft workstream", is_published=False),
        title="Milestone of a draft workstream",
    )
    milestone = MilestoneFactory(
        workstream=skills,
        title="Linked milestone",
        initiative=InitiativeFactory(
            workstream=skills, name="Draft initiative", is_published=False
        ),
        output=OutputFactory(title="Draft output", is_published=False),
    )
    AwardFactory(title="Draft award", is_published=False).milestones.add(milestone)

    content = page(client, reverse("timeline"))

    assert "Published milestone" in content
    assert "Linked milestone" in content
    for hidden in [
        "Draft milestone",
        "Milestone of a draft workstream",
        "Draft workstream",
        "Draft initiative",
        "Draft output",
        "Draft award",
    ]:
        assert hidden not in content, hidden


def test_timeline_filters_by_workstream_kind_and_year_with_the_state_in_the_address(client, skills):
    other = WorkstreamFactory(name="Fiscal environment", slug="fiscal")
    MilestoneFactory(
        workstream=skills, title="Skills event 2018", kind="event", date=datetime.date(2018, 1, 1)
    )
    MilestoneFactory(
        workstream=skills, title="Skills launch 2020", kind="launch", date=datetime.date(2020, 1, 1)
    )
    MilestoneFactory(
        workstream=other, title="Fiscal event 2018", kind="event", date=datetime.date(2018, 1, 1)
    )

    by_workstream = page(client, reverse("timeline"), {"workstream": "skills"})
    by_kind = page(client, reverse("timeline"), {"kind": "event"})
    by_year = page(client, reverse("timeline"), {"year": "2018"})
    combined = page(client, reverse("timeline"), {"workstream": "skills", "year": "2018"})

    assert "Skills event 2018" in by_workstream
    assert "Skills launch 2020" in by_workstream
    assert "Fiscal event 2018" not in by_workstream
    assert "2 milestones match the filter" in by_workstream
    assert '<option value="skills" selected>Skills</option>' in by_workstream
    assert "Skills launch 2020" not in by_kind
    assert "Fiscal event 2018" in by_kind
    assert "Skills launch 2020" not in by_year
    assert "1 milestone matches the filter" in combined
    assert "Skills event 2018" in combined
    # The choices offer only what gives a result: years and workstreams with milestones.
    assert '<option value="2019">' not in by_year
    assert '<option value="fiscal">Fiscal environment</option>' in by_workstream
    assert "Clear the filter" in combined


def test_timeline_filter_that_matches_nothing_says_so(client, skills):
    MilestoneFactory(workstream=skills, kind="event")

    content = page(client, reverse("timeline"), {"kind": "report"})

    assert "No milestones match the filter." in content
    assert "Show every milestone" in content


@pytest.mark.parametrize("field", ["workstream", "kind", "year"])
@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_timeline_bad_filter_values_are_left_out_with_a_message(client, skills, field, value):
    MilestoneFactory(workstream=skills, title="Still shown")

    content = page(client, reverse("timeline"), {field: value})

    assert "Part of the filter was left out" in content
    assert "Still shown" in content
    assert "x" * 100 not in content  # a long value is shortened when repeated back


def test_timeline_keeps_the_good_part_of_a_partly_bad_filter(client, skills):
    MilestoneFactory(workstream=skills, title="Skills event", kind="event")
    MilestoneFactory(workstream=skills, title="Skills launch", kind="launch")

    content = page(client, reverse("timeline"), {"kind": "event", "year": "letters"})

    assert "There are no milestones in a year “letters”" in content
    assert "Skills event" in content
    assert "Skills launch" not in content


def build_timeline_rows(n: int) -> None:
    for _ in range(n):
        workstream = WorkstreamFactory()
        milestone = MilestoneFactory(
            workstream=workstream,
            initiative=InitiativeFactory(workstream=workstream),
            output=OutputFactory(),
        )
        AwardFactory().milestones.add(milestone)
        MilestoneFactory(workstream=None)


@pytest.mark.parametrize("data", [{}, {"workstream": "workstream-0", "kind": "event"}])
def test_timeline_query_count_does_not_grow(client, data):
    build_timeline_rows(3)
    with_three = count_queries(client, reverse("timeline"), data)
    build_timeline_rows(27)
    # 1 the workstreams that have milestones (the workstream choices), 2 the years that
    # have milestones (the year choices), 3 the milestones with their workstream,
    # initiative (and its workstream) and output, 4 their published awards.
    assert count_queries(client, reverse("timeline"), data) == with_three == 4


# ---------- Outputs ----------


def test_outputs_list_newest_first_undated_last_with_publishers_workstreams_and_links(
    client, skills
):
    ktn = OrganisationFactory(name="KTN", slug="ktn")
    report = OutputFactory(
        title="Impact Report",
        kind="report",
        date=datetime.date(2021, 10, 14),
        date_precision="day",
        url="https://example.org/report",
        source_url="https://example.org/news",
    )
    report.publishers.add(ktn, OrganisationFactory(name="UKRI"))
    strategy = OutputFactory(
        title="Skills Strategy",
        kind="strategy",
        date=datetime.date(2020, 1, 1),
        date_precision="year",
        source_url="https://example.org/strategy-news",
    )
    strategy.workstreams.add(skills)
    OutputFactory(title="Undated case studies", kind="case-study", date=None)
    OutputFactory(
        title="Roadmap", kind="roadmap", date=datetime.date(2020, 6, 1), date_precision="month"
    )

    content = page(client, reverse("output-list"))

    assert in_order(content, "Impact Report", "Roadmap", "Skills Strategy", "Undated case studies")
    assert '<time datetime="2021-10-14">14 October 2021</time>' in content
    assert '<time datetime="2020-06">June 2020</time>' in content
    assert '<time datetime="2020">2020</time>' in content
    assert "undated" in content
    assert '<a href="https://example.org/report">Impact Report</a>' in content
    assert '<a href="https://example.org/news">Where it was announced' in content
    assert '<a href="https://example.org/strategy-news">Skills Strategy</a>' in content
    assert f'<a href="{ktn.get_absolute_url()}">KTN</a> and ' in content
    assert f'<a href="{skills.get_absolute_url()}">Skills</a>' in content
    assert "4 outputs" in content


def test_outputs_shows_published_outputs_publishers_and_workstreams_only(client, skills):
    output = OutputFactory(title="Published report")
    output.publishers.add(OrganisationFactory(name="Draft publisher", is_published=False))
    output.workstreams.add(WorkstreamFactory(name="Draft workstream", is_published=False))
    OutputFactory(title="Draft report", is_published=False)

    content = page(client, reverse("output-list"))

    assert "Published report" in content
    assert "Draft publisher" not in content
    assert "Draft workstream" not in content
    assert "Draft report" not in content


def test_outputs_filter_by_kind_workstream_publisher_and_year(client, skills):
    ktn = OrganisationFactory(name="KTN", slug="ktn")
    report = OutputFactory(title="KTN report 2021", kind="report", date=datetime.date(2021, 1, 1))
    report.publishers.add(ktn)
    report.workstreams.add(skills)
    booklet = OutputFactory(
        title="Skills booklet 2018", kind="booklet", date=datetime.date(2018, 1, 1)
    )
    booklet.workstreams.add(skills)
    OutputFactory(title="Other report 2018", kind="report", date=datetime.date(2018, 1, 1))

    by_kind = page(client, reverse("output-list"), {"kind": "report"})
    by_workstream = page(client, reverse("output-list"), {"workstream": "skills"})
    by_publisher = page(client, reverse("output-list"), {"publisher": "ktn"})
    by_year = page(client, reverse("output-list"), {"year": "2018"})
    combined = page(client, reverse("output-list"), {"workstream": "skills", "year": "2018"})

    assert "KTN report 2021" in by_kind and "Other report 2018" in by_kind
    assert "Skills booklet 2018" not in by_kind
    assert "Other report 2018" not in by_workstream
    assert "KTN report 2021" in by_publisher and "Skills booklet 2018" not in by_publisher
    assert "KTN report 2021" not in by_year and "Other report 2018" in by_year
    assert "Skills booklet 2018" in combined
    assert "Other report 2018" not in combined and "KTN report 2021" not in combined
    assert '<option value="ktn" selected>KTN</option>' in by_publisher


def test_outputs_filter_never_offers_or_accepts_a_draft_publisher(client):
    draft = OrganisationFactory(name="Hidden Org", slug="hidden-org", is_published=False)
    output = OutputFactory(title="Report by a draft")
    output.publishers.add(draft)

    content = page(client, reverse("output-list"), {"publisher": "hidden-org"})

    assert '<option value="hidden-org"' not in content
    assert "There is no publisher “hidden-org” to choose" in content
    assert "Hidden Org" not in content


@pytest.mark.parametrize("field", ["kind", "workstream", "publisher", "year", "page"])
@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_outputs_bad_filter_values_never_give_an_error(client, skills, field, value):
    OutputFactory(title="Still shown")

    content = page(client, reverse("output-list"), {field: value})

    assert "Still shown" in content
    if field != "page":  # a bad page number quietly shows the nearest page
        assert "Part of the filter was left out" in content
    assert "x" * 100 not in content


def test_outputs_are_paginated_beyond_fifty_keeping_the_filter(client):
    for number in range(55):
        OutputFactory(title=f"Report number {number:02d}", kind="report", date=None)
    OutputFactory(title="A booklet", kind="booklet")

    first = page(client, reverse("output-list"), {"kind": "report"})
    second = page(client, reverse("output-list"), {"kind": "report", "page": "2"})

    assert "55 outputs match the filter, showing 1 to 50" in first
    assert "Page 1 of 2" in first
    assert 'href="?kind=report&amp;page=2"' in first
    assert "Report number 54" not in first
    assert "Report number 54" in second
    assert "55 outputs match the filter, showing 51 to 55" in second
    assert "A booklet" not in second


def build_output_rows(n: int) -> None:
    for _ in range(n):
        output = OutputFactory()
        output.publishers.add(OrganisationFactory())
        output.workstreams.add(WorkstreamFactory())


@pytest.mark.parametrize("data", [{}, {"publisher": "organisation-0", "year": "2021"}])
def test_outputs_query_count_does_not_grow(client, data):
    build_output_rows(3)
    with_three = count_queries(client, reverse("output-list"), data)
    build_output_rows(27)
    # 1 the workstreams that have outputs (the workstream choices), 2 the publishers that
    # have outputs (the publisher choices), 3 the years that have outputs (the year
    # choices), 4 the count for the pages, 5 this page of outputs, 6 their published
    # publishers, 7 their published workstreams.
    assert count_queries(client, reverse("output-list"), data) == with_three == 7


# ---------- The demo record ----------


def test_the_demo_record_renders_on_the_timeline_and_the_outputs(client):
    call_command("loaddata", *[str(path) for path in FIXTURES], verbosity=0)

    timeline = page(client, reverse("timeline"))
    outputs = page(client, reverse("output-list"))

    assert '<time datetime="2021-10-14">14 October 2021</time>' in timeline
    assert '<time datetime="2016">2016</time>' in timeline
    assert "Advanced Therapies Manufacturing Taskforce set up" in timeline
    assert "KTN and UKRI release the Medicines Manufacturing Impact Report" in timeline
    assert "11 milestones, oldest first." in timeline
    assert "13 outputs" in outputs
    assert in_order(
        outputs,
        "Medicines Manufacturing Impact Report",
        "Technology and Innovation Roadmap",
        "Apprenticeship Guideline booklet",
        "MHRA regulatory collaboration case studies",
    )
