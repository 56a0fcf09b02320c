"""Builds a synthetic record in a fixed order, so that a seed is a record: workstreams,
funders, recipients, programmes, then awards in date order, from one random stream; then,
from a second, the workstreams' plans, indicators and reporting. The second stream keeps
the awards of a seed the same however many milestones are asked for.

The plans and reporting are laid out around the day they are made (``today``), so that
some work is late, some due next and some delivered in the last quarter whenever the
record is made: the same seed on the same day is the same record."""

import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from funding.models import Award, FundingProgramme
from mmip.bench.copying import copy_in, copy_links
from mmip.bench.report import counted
from mmip.bench.synthetic_indicators import IndicatorGenerator
from mmip.bench.synthetic_plans import PlanGenerator
from mmip.bench.synthetic_reporting import ReportingGenerator
from mmip.bench.synthetic_shape import (
    ACTIVITIES,
    AWARD_PREFIX,
    FIRST_YEAR,
    FUNDER_KINDS,
    LAST_YEAR,
    PLACES,
    RECIPIENT_KINDS,
    TOPICS,
    WORKSTREAMS,
    a_or_an,
    award_amount,
    award_dates,
    award_status,
)
from mmip.dates import DatePrecision
from mmip.models import Organisation
from mmip.regions import NationRegion
from tracking.models import UpdateState
from workstreams.models import Workstream

# How the summary names the updates in each state.
UPDATE_STATES = [
    (UpdateState.DRAFT, "draft", "drafts"),
    (UpdateState.SUBMITTED, "awaiting review", "awaiting review"),
    (UpdateState.RETURNED, "returned", "returned"),
    (UpdateState.APPROVED, "approved", "approved"),
]
# Awards are written a batch at a time, to show progress, and so that a follow-on names an
# award already saved.
BATCH_SIZE = 2000


@dataclass
class Counts:
    workstreams: int = 0
    funders: int = 0
    recipients: int = 0
    programmes: int = 0
    awards: int = 0
    milestones: int = 0
    initiatives: int = 0
    commitments: int = 0
    outputs: int = 0
    indicators: int = 0
    periods: int = 0
    staff: int = 0
    rounds: int = 0
    updates: dict = field(default_factory=dict)  # state: how many
    status_changes: int = 0

    def __str__(self):
        updates = sum(self.updates.values())
        states = ", ".join(
            counted(self.updates.get(state, 0), label, plural)
            for state, label, plural in UPDATE_STATES
        )
        return (
            f"{counted(self.workstreams, 'workstream')}, {counted(self.funders, 'funder')}, "
            f"{counted(self.recipients, 'recipient')}, {counted(self.programmes, 'programme')} "
            f"and {counted(self.awards, 'award')}; {counted(self.milestones, 'milestone')}, "
            f"{counted(self.initiatives, 'initiative')}, "
            f"{counted(self.commitments, 'commitment')} from {counted(self.outputs, 'output')}, "
            f"{counted(self.indicators, 'indicator')} with "
            f"{counted(self.periods, 'reporting period')}; "
            f"{counted(self.staff, 'member of staff', 'members of staff')}, "
            f"{counted(self.rounds, 'reporting round')}, "
            f"{counted(updates, 'progress update')} ({states}) and "
            f"{counted(self.status_changes, 'status change')}"
        )


class Generator:
    """Builds the record in a fixed order from one random stream, so a seed is a record."""

    def __init__(
        self,
        rng: random.Random,
        seed: int,
        awards: int,
        progress,
        *,
        milestones: int,
        today: datetime.date,
    ):
        self.rng = rng
        self.seed = seed
        self.total = awards
        self.progress = progress
        self.milestones = milestones
        self.today = today
        self.counts = Counts()
        self.awards_by_workstream: dict[int, list[int]] = {}

    def run(self) -> Counts:
        workstreams = self._workstreams()
        funders = self._organisations(
            max(8, min(40, self.total // 2500)), self._funder_name, "funders"
        )
        recipients = self._organisations(
            max(12, min(4000, self.total // 25)), self._recipient_name, "recipients"
        )
        programmes = self._programmes(max(4, min(80, self.total // 1500)), funders, workstreams)
        self._awards(funders, recipients, programmes, workstreams)
        self._tracking(workstreams, funders + recipients)
        return self.counts

    def _tracking(self, workstreams, organisations):
        """Plans, indicators and reporting, from a random stream of their own."""
        rng = random.Random(f"tracking {self.seed}")
        plans = PlanGenerator(
            rng, self.today, workstreams, organisations, self.awards_by_workstream, self.milestones
        )
        made = plans.run()
        indicators = IndicatorGenerator(
            rng, self.today, workstreams, max(len(workstreams), self.milestones // 250)
        )
        made |= indicators.run()
        reporting = ReportingGenerator(rng, self.today, workstreams)
        made["staff"] = reporting.staff()
        rounds = reporting.rounds()
        made["rounds"] = len(rounds.rounds)
        reporting.tell(plans.tracked + indicators.tracked, rounds)
        made |= reporting.counts()
        for name, value in made.items():
            setattr(self.counts, name, value)

    def _workstreams(self) -> list[Workstream]:
        created = Workstream.objects.bulk_create(
            Workstream(
                name=f"Synthetic workstream: {name} {number:04d}",
                slug=slugify(f"synthetic {name} {number:04d}"),
                aim="A synthetic workstream for testing and benchmarks; not part of the real record.",
                display_order=100 + number,
                is_published=True,
            )
            for number, name in enumerate(WORKSTREAMS, start=1)
        )
        self.counts.workstreams = len(created)
        return created

    def _funder_name(self, number: int) -> tuple[str, str]:
        name, kind = FUNDER_KINDS[number % len(FUNDER_KINDS)]
        return f"Synthetic {name} {number:04d}", kind

    def _recipient_name(self, number: int) -> tuple[str, str]:
        pattern, kind, _ = self.rng.choices(
            RECIPIENT_KINDS, weights=[weight for *_, weight in RECIPIENT_KINDS]
        )[0]
        return f"Synthetic {pattern.format(self.rng.choice(PLACES))} {number:04d}", kind

    def _organisations(self, count: int, name_for, role: str) -> list[Organisation]:
        regions = [value for value in NationRegion.values if value != NationRegion.OUTSIDE_UK]
        organisations = []
        for number in range(1, count + 1):
            name, kind = name_for(number)
            organisations.append(
                Organisation(
                    name=name,
                    short_name=f"SYN-{role[0].upper()}{number:04d}",
                    slug=slugify(name),
                    kind=kind,
                    nation_region=self.rng.choice(regions),
                    description="A synthetic organisation for testing and benchmarks; it does not exist.",
                    is_published=True,
                )
            )
        created = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        setattr(self.counts, role, len(created))
        return created

    def _programmes(self, count, funders, workstreams) -> list[FundingProgramme]:
        programmes = FundingProgramme.objects.bulk_create(
            FundingProgramme(
                name=f"Synthetic {self.rng.choice(TOPICS).capitalize()} Programme {number:04d}",
                slug=f"synthetic-programme-{number:04d}",
                funder=self.rng.choice(funders),
                description="A synthetic funding programme for testing and benchmarks; not a real fund.",
                established=datetime.date(self.rng.randint(FIRST_YEAR - 3, LAST_YEAR - 2), 1, 1),
                established_precision=DatePrecision.YEAR,
                is_published=True,
            )
            for number in range(1, count + 1)
        )
        FundingProgramme.workstreams.through.objects.bulk_create(
            FundingProgramme.workstreams.through(
                fundingprogramme=programme, workstream=self.rng.choice(workstreams)
            )
            for programme in programmes
        )
        self.counts.programmes = len(programmes)
        return programmes

    def _awards(self, funders, recipients, programmes, workstreams):
        rng = self.rng
        funders_by_id = {funder.pk: funder for funder in funders}
        # A few recipients win many awards and most win a few, as in real funding data.
        # Cumulative weights once, so each draw is a bisection rather than a sum over all.
        cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(recipients)))
        )
        latest = {}  # recipient id -> (award id, funder id) of its latest saved award
        batch, tags = [], []
        dates = award_dates(rng, self.total)
        for index, (award_date, precision) in enumerate(dates, start=1):
            recipient = rng.choices(recipients, cum_weights=cumulative)[0]
            programme = rng.choice(programmes) if rng.random() < 0.7 else None
            funder = programme.funder if programme else rng.choice(funders)
            follow_on_of_id = None
            if recipient.pk in latest and rng.random() < 0.04:
                follow_on_of_id, funder_id = latest[recipient.pk]
                funder, programme = funders_by_id[funder_id], None
            routed_through = None
            if rng.random() < 0.08:
                routed_through = rng.choice([other for other in funders if other != funder])
            topic, activity = rng.choice(TOPICS), rng.choice(ACTIVITIES)
            title = f"{topic.capitalize()}: {activity}"
            if follow_on_of_id:
                title += ", follow-on funding"
            planned_start = planned_end = None
            if precision != DatePrecision.YEAR and rng.random() < 0.6:
                planned_start = award_date + datetime.timedelta(days=rng.randint(0, 120))
                planned_end = planned_start + datetime.timedelta(days=rng.randint(180, 1460))
            batch.append(
                Award(
                    identifier=f"{AWARD_PREFIX}{index:07d}",
                    title=title,
                    description=(
                        "Synthetic record, not a real award: made by generate_synthetic "
                        f"(seed {self.seed}) for testing and benchmarks. It stands for "
                        f"{a_or_an(activity)} in {topic} at {recipient.name}, funded by {funder.name}."
                    ),
                    funder=funder,
                    recipient=recipient,
                    routed_through=routed_through,
                    amount=award_amount(rng),
                    award_date=award_date,
                    award_date_precision=precision,
                    planned_start=planned_start,
                    planned_end=planned_end,
                    programme=programme,
                    follow_on_of_id=follow_on_of_id,
                    status=award_status(rng, award_date),
                    is_published=True,
                )
            )
            tags.append(rng.sample(workstreams, k=rng.choice((0, 1, 1, 2))))
            if len(batch) == BATCH_SIZE or index == len(dates):
                self._save(batch, tags, latest)
                for award, chosen in zip(batch, tags, strict=True):
                    for workstream in chosen:
                        self.awards_by_workstream.setdefault(workstream.pk, []).append(award.pk)
                self.counts.awards += len(batch)
                self.progress(self.counts.awards, self.total)
                batch, tags = [], []

    @staticmethod
    def _save(batch: list[Award], tags: list[list[Workstream]], latest: dict):
        copy_in(Award, batch)
        copy_links(
            Award.workstreams,
            (
                (award.pk, workstream.pk)
                for award, workstreams in zip(batch, tags, strict=True)
                for workstream in workstreams
            ),
        )
        # Only awards already saved may be followed on, so their ids are known.
        for award in batch:
            latest[award.recipient_id] = (award.pk, award.funder_id)
