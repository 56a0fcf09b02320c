"""Synthetic indicators: each with a baseline, a direction, whether it adds up over time, and
reporting periods (a year or a quarter each, back to back so that none overlaps another)
with a target and, once over, an actual, exact or qualified, some locked. A few indicators
belong to two workstreams, as real ones may."""

import datetime
import random

from mmip.bench.copying import copy_in, copy_links
from mmip.bench.synthetic_plans import NOT_REAL, Tracked
from mmip.bench.synthetic_shape import TOPICS
from mmip.bench.synthetic_stories import apply_period, at_precision, days, period_story, whole
from mmip.bench.synthetic_words import INDICATOR_KINDS
from mmip.dates import DatePrecision
from workstreams.models import Indicator, IndicatorPeriod, Workstream

# Where each unit's baseline starts: a plausible size for what it counts.
BASELINES = {
    Indicator.Unit.PEOPLE: (50, 2000),
    Indicator.Unit.ORGANISATIONS: (10, 300),
    Indicator.Unit.JOBS: (100, 5000),
    Indicator.Unit.GBP: (100_000, 20_000_000),
}


def period_bounds(first_year: int, last_year: int, quarterly: bool):
    """(start, end) of each year, or each quarter, from first_year to last_year."""
    for year in range(first_year, last_year + 1):
        if not quarterly:
            yield datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            continue
        for quarter in range(4):
            start = datetime.date(year, 3 * quarter + 1, 1)
            following = datetime.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)
            yield start, following - days(1)


def expected_figures(rng, kind, baseline: int, periods: int) -> list[int]:
    """What each period is expected to reach, from the baseline in the direction that is
    better: a running total for a cumulative indicator, a level for the others."""
    _, direction, cumulative, _ = kind
    step = rng.uniform(0.03, 0.15)
    if direction == Indicator.Direction.LOWER:
        return [max(1, round(baseline * (1 - step / 2) ** (k + 1))) for k in range(periods)]
    if cumulative:
        return [round(baseline * (1 + step * (k + 1))) for k in range(periods)]
    return [round(baseline * (1 + step / 2) ** (k + 1)) for k in range(periods)]


class IndicatorGenerator:
    def __init__(
        self,
        rng: random.Random,
        today: datetime.date,
        workstreams: list[Workstream],
        count: int,
    ):
        self.rng = rng
        self.today = today
        self.workstreams = workstreams
        self.count = count
        self.tracked: list[Tracked] = []

    def run(self) -> dict:
        rng = self.rng
        indicators, kinds, firsts, quarterlies, baselines = [], [], [], [], []
        for number in range(1, self.count + 1):
            kind = INDICATOR_KINDS[(number - 1) % len(INDICATOR_KINDS)]
            unit, direction, cumulative, what = kind
            first_year = rng.randint(2019, 2022)
            baseline = rng.randint(*BASELINES[unit])
            baseline_date, baseline_precision = at_precision(
                rng, datetime.date(first_year, 1, 1) - days(rng.randint(1, 365))
            )
            indicators.append(
                Indicator(
                    name=f"Synthetic indicator {number:04d}: {what} {rng.choice(TOPICS)}",
                    slug=f"synthetic-indicator-{number:04d}",
                    unit=unit,
                    description=f"A synthetic indicator {NOT_REAL}",
                    baseline=whole(baseline),
                    baseline_date=baseline_date,
                    baseline_precision=baseline_precision,
                    direction=direction,
                    is_cumulative=cumulative,
                    target_date=datetime.date(self.today.year + 1, 1, 1),
                    target_date_precision=DatePrecision.YEAR,
                    is_published=True,
                )
            )
            kinds.append(kind)
            firsts.append(first_year)
            quarterlies.append(rng.random() < 0.6)
            baselines.append(baseline)
        periods = []
        for indicator, kind, first, quarterly, baseline in zip(
            indicators, kinds, firsts, quarterlies, baselines, strict=True
        ):
            bounds = list(period_bounds(first, self.today.year + 1, quarterly))
            expected = expected_figures(rng, kind, baseline, len(bounds))
            indicator.target = whole(expected[-1])
            periods.append((bounds, expected))
        copy_in(Indicator, indicators)
        owners = {}
        for index, indicator in enumerate(indicators):
            chosen = [self.workstreams[index % len(self.workstreams)]]
            if rng.random() < 0.2:
                chosen.append(
                    rng.choice([w for w in self.workstreams if w not in chosen] or chosen)
                )
            owners[indicator.pk] = sorted({workstream.pk for workstream in chosen})
        copy_links(
            Indicator.workstreams, ((pk, ws) for pk, found in owners.items() for ws in found)
        )
        made = self._periods(indicators, periods, owners)
        return {"indicators": len(indicators), "periods": made}

    def _periods(self, indicators, periods, owners) -> int:
        made = []
        for indicator, (bounds, expected) in zip(indicators, periods, strict=True):
            for (start, end), figure in zip(bounds, expected, strict=True):
                label = f"return {start:%B %Y} to {end:%B %Y}"
                story, locked = period_story(self.rng, self.today, start, end, figure, label)
                period = IndicatorPeriod(
                    indicator=indicator,
                    start=start,
                    end=end,
                    # One period in twenty was given no target.
                    target=whole(figure) if self.rng.random() >= 0.05 else None,
                    is_locked=locked,
                    **story.states(apply_period)[-1],
                )
                made.append(period)
                self.tracked.append(Tracked("period", period, owners[indicator.pk], story))
        copy_in(IndicatorPeriod, made)
        return len(made)
