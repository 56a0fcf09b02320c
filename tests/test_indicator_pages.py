"""An indicator's page, and its chart on the workstream pages: values over time with their
qualifier, date at its precision, period and source, the target, and an SVG chart with its
numbers as a table."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page
from workstreams.models import Indicator

pytestmark = pytest.mark.django_db

FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").glob("*.json"))


def indicator_url(indicator) -> str:
    return reverse("indicator-detail", args=[indicator.slug])


@pytest.fixture
def apprentices():
    indicator = IndicatorFactory(
        name="Apprentices benefiting",
        slug="apprentices",
        description="Apprentices benefiting from the programme.",
        target=Decimal("300"),
        target_date=datetime.date(2025, 3, 31),
    )
    IndicatorValueFactory(
        indicator=indicator,
        value=100,
        qualifier="exact",
        date=datetime.date(2019, 7, 1),
        date_precision="month",
        source_title="Annual report 2019",
        source_url="https://example.org/2019",
    )
    IndicatorValueFactory(
        indicator=indicator,
        value=150,
        qualifier="over",
        date=datetime.date(2021, 1, 1),
        date_precision="year",
        source_title="MMIP workstreams page",
        source_url="https://example.org/workstreams",
    )
    IndicatorValueFactory(
        indicator=indicator,
        value=250,
        qualifier="about",
        is_projection=True,
        date=datetime.date(2021, 1, 1),
        date_precision="year",
        period="by the end of the programme",
        source_title="Programme plan",
        source_url="",
    )
    return indicator


def test_indicator_page_shows_every_value_with_qualifier_precision_period_and_source(
    client, apprentices
):
    content = page(client, indicator_url(apprentices))

    assert "<h1>Apprentices benefiting</h1>" in content
    assert "Apprentices benefiting from the programme." in content
    assert "exactly" not in content  # an exact figure needs no word
    assert "100" in content
    assert "over 150" in content
    assert "about 250" in content
    assert '<time datetime="2019-07">July 2019</time>' in content
    assert '<time datetime="2021">2021</time>' in content
    assert "projected" in content
    assert "by the end of the programme" in content
    assert '<a href="https://example.org/workstreams">MMIP workstreams page</a>' in content
    assert "Programme plan" in content
    # The count comes before the projection of the same date.
    table = content.split("Every value and its source", 1)[1]
    assert in_order(table, "July 2019", "over 150", "about 250")


def test_indicator_page_shows_the_latest_count_and_the_target(client, apprentices):
    content = page(client, indicator_url(apprentices))

    latest = content.split('<ul class="figures">', 1)[1].split("</ul>", 1)[0]
    assert '<p class="figure__value">over 150</p>' in latest
    assert "latest figure" in latest
    assert '<p class="figure__value">300</p>' in latest
    assert "target" in latest
    assert '<time datetime="2025-03-31">31 March 2025</time>' in latest


def test_money_targets_and_values_are_written_as_money(client):
    investment = IndicatorFactory(
        name="Investment", unit=Indicator.Unit.GBP, target=Decimal("300000000")
    )
    IndicatorValueFactory(
        indicator=investment,
        value=Decimal("255000000"),
        qualifier="exact",
        date=datetime.date(2021, 7, 1),
        date_precision="month",
    )

    content = page(client, indicator_url(investment))

    assert "£255 million" in content
    assert "£300 million" in content
    assert "Pounds sterling" in content


def test_indicator_page_has_a_column_chart_with_its_numbers_as_a_table(client, apprentices):
    content = page(client, indicator_url(apprentices))

    assert 'class="chart__svg chart__svg--columns"' in content
    assert 'role="img"' in content
    assert '<title id="indicator-chart-title">Apprentices benefiting over time</title>' in content
    assert "The target is 300." in content
    assert '<tr><th scope="row">July 2019</th><td class="numeric">100</td></tr>' in content
    assert (
        '<tr><th scope="row">2021 (projected)</th><td class="numeric">about 250</td></tr>'
        in content
    )


def test_an_indicator_without_a_target_or_values_says_so(client):
    indicator = IndicatorFactory(name="Jobs created")

    content = page(client, indicator_url(indicator))

    assert "No values are recorded for this figure yet." in content
    assert "target" not in content.split("<main", 1)[1]
    assert "<svg" not in content


def test_indicator_page_links_its_published_workstreams_and_programmes(client, apprentices):
    skills = WorkstreamFactory(name="Skills")
    apprentices.workstreams.add(
        skills, WorkstreamFactory(name="Draft workstream", is_published=False)
    )
    programme = ApprenticeshipProgrammeFactory(name="AT apprenticeships", slug="at")
    programme.indicators.add(apprentices)
    ApprenticeshipProgrammeFactory(name="Draft programme", is_published=False).indicators.add(
        apprentices
    )

    content = page(client, indicator_url(apprentices))

    assert f'<a href="{skills.get_absolute_url()}">Skills</a>' in content
    assert '<a href="/skills/programmes/at/">AT apprenticeships</a>' in content
    assert "Draft workstream" not in content
    assert "Draft programme" not in content


def test_a_draft_or_unknown_indicator_answers_404(client):
    draft = IndicatorFactory(is_published=False)
    IndicatorValueFactory(indicator=draft)

    assert client.get(indicator_url(draft)).status_code == 404
    assert client.get(reverse("indicator-detail", args=["no-such-figure"])).status_code == 404


def build_indicator_rows(indicator, n: int) -> None:
    for _ in range(n):
        IndicatorValueFactory(indicator=indicator)
        indicator.workstreams.add(WorkstreamFactory())
        ApprenticeshipProgrammeFactory().indicators.add(indicator)


def test_indicator_page_query_count_does_not_grow(client):
    indicator = IndicatorFactory()
    build_indicator_rows(indicator, 3)
    with_three = count_queries(client, indicator_url(indicator))
    build_indicator_rows(indicator, 27)
    # 1 the indicator, 2 its values, 3 its published workstreams, 4 its published
    # apprenticeship programmes.
    assert count_queries(client, indicator_url(indicator)) == with_three == 4


# ---------- On the workstream pages ----------


def test_workstream_page_links_each_indicator_to_its_page_and_shows_its_chart(client, apprentices):
    skills = WorkstreamFactory(name="Skills")
    apprentices.workstreams.add(skills)
    empty = IndicatorFactory(name="Organisations taking part", slug="organisations")
    empty.workstreams.add(skills)
    IndicatorFactory(name="Draft figure", is_published=False).workstreams.add(skills)

    content = page(client, skills.get_absolute_url())

    assert '<a href="/indicators/apprentices/">Apprentices benefiting</a>' in content
    assert '<a href="/indicators/organisations/">Organisations taking part</a>' in content
    assert '<title id="chart-apprentices-title">Apprentices benefiting over time</title>' in content
    assert "over 150" in content
    assert '<a href="https://example.org/workstreams">MMIP workstreams page</a>' in content
    assert "No values recorded yet." in content
    assert "Draft figure" not in content


def test_workstream_page_charts_cost_no_extra_queries(client):
    skills = WorkstreamFactory()

    def add_indicators(n):
        for _ in range(n):
            indicator = IndicatorFactory()
            indicator.workstreams.add(skills)
            IndicatorValueFactory(indicator=indicator)
            IndicatorValueFactory(indicator=indicator)

    add_indicators(3)
    with_three = count_queries(client, skills.get_absolute_url())
    add_indicators(27)
    # 1 the workstream, 2 partnerships, 3 initiatives, 4 awards, 5 indicators, 6 their
    # values, 7 outputs, 8 commitments, 9 milestones, 10 apprenticeship programmes, 11 the
    # award total: each chart is drawn from the values already loaded.
    assert count_queries(client, skills.get_absolute_url()) == with_three == 11


# ---------- The demo record ----------


def test_the_demo_indicators_render_with_their_sources(client):
    call_command("loaddata", *[str(path) for path in FIXTURES], verbosity=0)

    apprentices = page(
        client,
        reverse(
            "indicator-detail",
            args=["apprentices-benefiting-from-advanced-therapies-apprenticeships"],
        ),
    )
    jobs = page(client, reverse("indicator-detail", args=["life-sciences-sector-jobs-projected"]))
    investment = page(
        client,
        reverse("indicator-detail", args=["investment-in-the-medicines-manufacturing-challenge"]),
    )
    skills = page(client, reverse("workstream-detail", args=["skills"]))

    assert "over 150" in apprentices
    assert '<time datetime="2021">2021</time>' in apprentices
    assert "about 133,000" in jobs
    assert "over the next ten years" in jobs
    assert "projected" in jobs
    assert "£255 million" in investment
    assert '<time datetime="2021-07">July 2021</time>' in investment
    assert "Medicines Manufacturing Impact Report" in investment
    assert 'href="/indicators/life-sciences-sector-jobs-projected/"' in skills
