"""An indicator's page, and its chart on the workstream pages: values over time with their
qualifier, date at its precision, period and source, the target, and an SVG chart with its
numbers as a table."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
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


# ---------- Baseline, direction, and targets and actuals by period ----------


def year(n: int) -> dict:
    return {"start": datetime.date(n, 1, 1), "end": datetime.date(n, 12, 31)}


@pytest.fixture
def with_periods(apprentices):
    apprentices.baseline = Decimal("40")
    apprentices.baseline_date = datetime.date(2017, 9, 1)
    apprentices.baseline_precision = "month"
    apprentices.is_cumulative = True
    apprentices.save()
    IndicatorPeriodFactory(
        indicator=apprentices,
        **year(2019),
        target=100,
        actual=80,
        actual_source_title="Annual report 2019",
        actual_source_url="https://example.org/2019",
        is_locked=True,
    )
    IndicatorPeriodFactory(
        indicator=apprentices,
        **year(2020),
        target=150,
        actual=150,
        actual_qualifier="over",
        actual_source_title="MMIP workstreams page",
    )
    IndicatorPeriodFactory(indicator=apprentices, **year(2021), target=200, actual=210,
                           actual_source_title="Annual report 2021")  # fmt: skip
    return apprentices


def periods_table(content: str) -> str:
    return content.split('<table class="table table--stack period-table', 1)[1].split(
        "</table>", 1
    )[0]


def test_indicator_page_shows_the_baseline_at_its_precision_the_direction_and_how_figures_add_up(
    client, with_periods
):
    content = page(client, indicator_url(with_periods))

    figures = content.split('<ul class="figures">', 1)[1].split("</ul>", 1)[0]
    assert '<p class="figure__value">40</p>' in figures
    assert "baseline" in figures
    assert 'As of <time datetime="2017-09">September 2017</time>' in figures
    assert "Higher is better" in content
    assert "running total" in content


def test_lower_is_better_is_said_in_words(client):
    waste = IndicatorFactory(direction="lower", unit="organisations")

    assert "Lower is better: the smaller the figure, the better." in page(
        client, indicator_url(waste)
    )


def test_each_period_has_its_target_and_its_actual_as_its_source_gives_it(client, with_periods):
    content = page(client, indicator_url(with_periods))

    table = periods_table(content)
    assert in_order(table, "2019", "2020", "2021")
    assert '<th scope="row" role="rowheader"><time datetime="2019">2019</time>' in table
    assert '<td role="cell" data-label="Target" class="numeric">150</td>' in table
    # "Over 150" stays "over 150", and against a target of 150 it has met it, with no share.
    assert '<td role="cell" data-label="Actual" class="numeric">over 150</td>' in table
    assert '<a href="https://example.org/2019">Annual report 2019</a>' in table
    assert "MMIP workstreams page" in table


def test_the_share_of_the_target_is_shown_only_where_target_and_actual_are_exact(
    client, with_periods
):
    table = periods_table(page(client, indicator_url(with_periods)))
    rows = table.split('<tr role="row">')[2:]

    assert '<span class="progress progress--not-met">80% of the target</span>' in rows[0]
    assert '<span class="progress progress--met">Met</span>' in rows[1]
    assert "%" not in rows[1]
    assert '<span class="progress progress--met">Met: 105% of the target</span>' in rows[2]


def test_a_locked_period_is_marked_as_settled(client, with_periods):
    content = page(client, indicator_url(with_periods))

    rows = periods_table(content).split('<tr role="row">')[2:]
    assert '<span class="tag tag--quiet">settled</span>' in rows[0]
    assert "settled" not in rows[1] + rows[2]
    assert "figures are final: no update may change them." in content


def test_the_latest_period_is_said_in_words(client, with_periods):
    content = page(client, indicator_url(with_periods))

    assert (
        '<p class="progress-summary"><strong>The latest period, <time datetime="2021">2021'
        "</time>:</strong> Target met: 210 against a target of 200, 105% of it.</p>"
    ) in content


def test_a_period_still_running_says_until_when_and_that_nothing_is_reported_yet(client):
    indicator = IndicatorFactory()
    today = timezone.localdate()
    IndicatorPeriodFactory(
        indicator=indicator,
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=10),
        target=50,
    )

    content = page(client, indicator_url(indicator))

    summary = content.split('<p class="progress-summary">', 1)[1].split("</p>", 1)[0]
    assert summary.startswith("<strong>The current period, ")
    assert "running until" in summary
    assert "No actual is reported yet against a target of 50." in summary


def test_periods_all_to_come_say_when_the_first_begins(client):
    indicator = IndicatorFactory()
    next_year = timezone.localdate().year + 1
    IndicatorPeriodFactory(indicator=indicator, **year(next_year), target=50)

    content = page(client, indicator_url(indicator))

    assert (
        f'Its first reporting period, <time datetime="{next_year}">{next_year}</time>, has not '
        "begun yet."
    ) in content


def test_where_lower_is_better_progress_is_the_distance_below_or_above_the_ceiling(client):
    incidents = IndicatorFactory(direction="lower")
    IndicatorPeriodFactory(indicator=incidents, **year(2022), target=100, actual=120,
                           actual_source_title="Audit")  # fmt: skip
    IndicatorPeriodFactory(indicator=incidents, **year(2023), target=100, actual=75,
                           actual_source_title="Audit")  # fmt: skip

    content = page(client, indicator_url(incidents))

    assert "Not met: 20% above the target" in content
    assert "Target met: 75 against a target of at most 100, 25% below it." in content
    assert "of the target" not in periods_table(content).replace("above the target", "").replace(
        "below the target", ""
    )


def test_the_targets_chart_draws_each_period_with_its_figures_as_the_table(client, with_periods):
    content = page(client, indicator_url(with_periods))

    chart = content.split('<figure class="chart target-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart
    assert "Apprentices benefiting: target and actual by period" in chart
    svg = chart.split('<svg class="chart__svg', 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="target-chart__target"') == 3
    assert svg.count('class="target-chart__actual"') == 3
    assert svg.count('<polygon class="target-chart__arrow"') == 1  # over 150, in 2020
    assert '<table class="table table--stack period-table"' in chart
    # The recorded values keep their own chart and table.
    assert '<title id="indicator-chart-title">Apprentices benefiting over time</title>' in content
    assert "Every value and its source" in content


def test_an_indicator_with_periods_and_no_recorded_values_does_not_say_it_has_no_figures(
    client,
):
    indicator = IndicatorFactory()
    IndicatorPeriodFactory(indicator=indicator, actual=20, actual_source_title="Count")

    content = page(client, indicator_url(indicator))

    assert 'id="targets"' in content
    assert "No values are recorded" not in content


def test_an_indicator_without_periods_has_no_targets_section(client, apprentices):
    content = page(client, indicator_url(apprentices))

    assert 'id="targets"' not in content
    assert "period-table" not in content


def build_indicator_rows(indicator, n: int) -> None:
    for _ in range(n):
        IndicatorValueFactory(indicator=indicator)
        IndicatorPeriodFactory(
            indicator=indicator, actual=90, actual_source_title="Count", is_locked=True
        )
        indicator.workstreams.add(WorkstreamFactory())
        ApprenticeshipProgrammeFactory().indicators.add(indicator)


def test_indicator_page_query_count_does_not_grow(client):
    indicator = IndicatorFactory()
    build_indicator_rows(indicator, 3)
    with_three = count_queries(client, indicator_url(indicator))
    build_indicator_rows(indicator, 27)
    # 1 the indicator, 2 its values, 3 its reporting periods (each knowing its indicator),
    # 4 its published workstreams, 5 its published apprenticeship programmes.
    assert count_queries(client, indicator_url(indicator)) == with_three == 5


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


def test_workstream_page_shows_each_indicators_periods_as_a_compact_table(client, with_periods):
    skills = WorkstreamFactory(name="Skills")
    with_periods.workstreams.add(skills)
    only_periods = IndicatorFactory(name="Organisations taking part")
    only_periods.workstreams.add(skills)
    IndicatorPeriodFactory(indicator=only_periods, **year(2022), target=40)

    content = page(client, skills.get_absolute_url())

    figures = content.split('id="figures"', 1)[1]
    apprentices, organisations = figures.split('<div class="indicator"')[1:3]
    table = periods_table(apprentices)
    assert "Targets and actuals by period" in apprentices
    assert '<td role="cell" data-label="Actual" class="numeric">over 150</td>' in table
    assert "80% of the target" in table
    assert '<span class="tag tag--quiet">settled</span>' in table
    assert "Source of the actual" not in table  # the indicator's page gives the sources
    # An indicator with periods and no recorded values shows its periods and no "no values".
    assert "Not reported" in periods_table(organisations)
    assert "No values recorded yet." not in organisations


def test_workstream_page_charts_cost_no_extra_queries(client):
    skills = WorkstreamFactory()

    def add_indicators(n):
        for _ in range(n):
            indicator = IndicatorFactory()
            indicator.workstreams.add(skills)
            IndicatorValueFactory(indicator=indicator)
            IndicatorValueFactory(indicator=indicator)
            IndicatorPeriodFactory(indicator=indicator, actual=90, actual_source_title="Count")
            IndicatorPeriodFactory(indicator=indicator, target=None)

    add_indicators(3)
    with_three = count_queries(client, skills.get_absolute_url())
    add_indicators(27)
    # 1 the workstream, 2 which kinds of row it has any of (indicators only), 3 indicators,
    # 4 their values, 5 their reporting periods: each chart and table is drawn from the
    # rows already loaded.
    assert count_queries(client, skills.get_absolute_url()) == with_three == 5


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
