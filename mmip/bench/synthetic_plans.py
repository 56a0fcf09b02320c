"""The synthetic workstreams' plans: the documents their commitments come from, their
initiatives, milestones and commitments, each saved as its story (synthetic_stories.py)
leaves it, with the story kept for the reporting that told it (synthetic_reporting.py).

Milestones and initiatives are planned from 2016 to three years ahead, commitments due from
2017 to four years ahead, so that some are done, some dropped, some late, some at risk and
some still to come on the day the record is made. A few milestones belong to the whole
programme: nobody reports on those, so editors set their plan and it has no updates.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from django.db import models

from mmip.bench.copying import copy_in, copy_links
from mmip.bench.synthetic_shape import PLACES, TOPICS
from mmip.bench.synthetic_stories import (
    Story,
    apply_commitment,
    apply_plan,
    at_precision,
    between,
    commitment_story,
    days,
    plan_story,
)
from mmip.bench.synthetic_words import (
    COMMITMENT_ACTIONS,
    EVIDENCE_KINDS,
    INITIATIVE_KINDS,
    MILESTONE_EVENTS,
    SOURCE_KINDS,
)
from mmip.dates import DatePrecision
from mmip.models import Organisation
from tracking.models import Commitment
from workstreams.models import Initiative, Milestone, Output, Workstream
from workstreams.plans import DeliveryStatus

FIRST_PLAN = datetime.date(2016, 1, 1)
NOT_REAL = "for testing and benchmarks; not part of the real record."
# Updates under way on each workstream's milestones, at least: one of each state.
UNDER_WAY_AT_LEAST = 3


@dataclass
class Tracked:
    """A record with the story of how it came to stand as it does. ``target`` names the
    progress update's field that points at it; ``workstreams`` are those whose reporters
    may write its updates (none for a milestone of the whole programme)."""

    target: str
    record: models.Model
    workstreams: list[int]
    story: Story


class PlanGenerator:
    def __init__(
        self,
        rng: random.Random,
        today: datetime.date,
        workstreams: list[Workstream],
        organisations: list[Organisation],
        awards_by_workstream: dict[int, list[int]],
        milestones: int,
    ):
        self.rng = rng
        self.today = today
        self.workstreams = workstreams
        self.organisations = organisations
        self.awards_by_workstream = awards_by_workstream
        self.milestone_count = milestones
        self.tracked: list[Tracked] = []

    def run(self) -> dict:
        """Saves everything; returns how many of each it made."""
        sources, evidence = self._outputs()
        initiatives = self._initiatives()
        milestones = self._milestones(initiatives)
        commitments = self._commitments(sources, evidence, initiatives, milestones)
        return {
            "outputs": sum(len(found) for found in [*sources.values(), *evidence.values()]),
            "initiatives": sum(len(found) for found in initiatives.values()),
            "milestones": len(milestones),
            "commitments": commitments,
        }

    def _by_workstream(self, records) -> dict[int, list]:
        found = {workstream.pk: [] for workstream in self.workstreams}
        for record in records:
            if record.workstream_id:
                found[record.workstream_id].append(record)
        return found

    def _past_day(self, first: datetime.date) -> datetime.date:
        return between(self.rng, first, self.today - days(30))

    def _outputs(self):
        """Per workstream, one document of each kind commitments come from (an action plan,
        a strategy, a roadmap) and a share of the reports and case studies that are evidence."""
        rng = self.rng
        made, wanted = [], []  # (output, workstream id, is a source)
        per_workstream = max(2, self.milestone_count // (100 * len(self.workstreams)))
        for workstream in self.workstreams:
            kinds = [(kind, name, True) for kind, name, _ in SOURCE_KINDS]
            kinds += [(*rng.choice(EVIDENCE_KINDS), False) for _ in range(per_workstream)]
            for kind, name, is_source in kinds:
                number = len(made) + 1
                date, precision = at_precision(rng, self._past_day(datetime.date(2015, 1, 1)))
                made.append(
                    Output(
                        title=f"Synthetic {name} {number:04d}: {workstream.name.split(': ')[1]}",
                        slug=f"synthetic-output-{number:04d}",
                        kind=kind,
                        date=date,
                        date_precision=precision,
                        summary=f"A synthetic {name} {NOT_REAL}",
                        is_published=True,
                    )
                )
                wanted.append((workstream.pk, is_source))
        copy_in(Output, made)
        copy_links(
            Output.workstreams, ((o.pk, ws) for o, (ws, _) in zip(made, wanted, strict=True))
        )
        copy_links(
            Output.publishers, ((output.pk, rng.choice(self.organisations).pk) for output in made)
        )
        sources = {workstream.pk: [] for workstream in self.workstreams}
        evidence = {workstream.pk: [] for workstream in self.workstreams}
        for output, (workstream_id, is_source) in zip(made, wanted, strict=True):
            (sources if is_source else evidence)[workstream_id].append(output)
        return sources, evidence

    def _planned(self, last_years: int = 3) -> tuple[datetime.date, str]:
        end = self.today.replace(year=self.today.year + last_years, month=1, day=1)
        return at_precision(self.rng, between(self.rng, FIRST_PLAN, end))

    def _initiatives(self) -> dict[int, list[Initiative]]:
        rng = self.rng
        count = max(2 * len(self.workstreams), self.milestone_count // 20)
        made, stories = [], []
        for number in range(1, count + 1):
            workstream = self.workstreams[(number - 1) % len(self.workstreams)]
            planned, precision = self._planned()
            story = plan_story(rng, self.today, planned, precision)
            final = story.states(apply_plan)[-1]
            begun = min(planned, final["actual_date"] or planned) - days(rng.randint(365, 1460))
            start_date, start_precision = at_precision(rng, begun)
            status = {
                DeliveryStatus.DONE: Initiative.Status.COMPLETED,
                DeliveryStatus.DROPPED: Initiative.Status.COMPLETED,
            }.get(final["delivery_status"], Initiative.Status.ACTIVE)
            topic, kind = rng.choice(TOPICS), rng.choice(INITIATIVE_KINDS)
            made.append(
                Initiative(
                    workstream=workstream,
                    name=f"Synthetic initiative {number:04d}: {kind} in {topic}",
                    slug=f"synthetic-initiative-{number:04d}",
                    summary=f"A synthetic {kind} {NOT_REAL}",
                    status=status,
                    start_date=start_date,
                    start_precision=start_precision,
                    end_date=final["actual_date"],
                    end_precision=final["actual_precision"],
                    planned_date=planned,
                    planned_precision=precision,
                    is_published=rng.random() < 0.97,
                    **final,
                )
            )
            stories.append(story)
        # A few are part of a larger one of the same workstream, made before them: each
        # workstream's second is part of its first, so every workstream page names one
        # whatever the size of the record, and one in ten after that.
        for index, initiative in enumerate(made):
            earlier = made[index % len(self.workstreams) : index : len(self.workstreams)]
            if len(earlier) == 1:
                initiative.part_of = earlier[0]
            elif earlier and rng.random() < 0.1:
                initiative.part_of = rng.choice(earlier)
        copy_in(Initiative, made)
        copy_links(
            Initiative.organisations,
            (
                (initiative.pk, organisation.pk)
                for initiative in made
                for organisation in rng.sample(self.organisations, k=rng.randint(1, 3))
            ),
        )
        for initiative, story in zip(made, stories, strict=True):
            self.tracked.append(
                Tracked("initiative", initiative, [initiative.workstream_id], story)
            )
        return self._by_workstream(made)

    def _milestones(self, initiatives) -> list[Milestone]:
        rng = self.rng
        made = []
        under_way = Counter()
        for number in range(1, self.milestone_count + 1):
            # One in fifty belongs to the whole programme rather than to a workstream.
            workstream = rng.choice(self.workstreams) if rng.random() >= 0.02 else None
            planned, precision = self._planned()
            # A workstream's first milestones still to be delivered all have an update under
            # way, so that each workstream has some however small the record.
            share = 1.0 if under_way[workstream] < UNDER_WAY_AT_LEAST else 0.15
            story = plan_story(rng, self.today, planned, precision, share)
            under_way[workstream] += story.pending is not None
            if workstream is None:  # nobody reports on it: the editors' plan, as it stands
                story = Story(start=story.states(apply_plan)[-1])
            own = initiatives[workstream.pk] if workstream else []
            milestone = Milestone(
                title=f"Synthetic milestone {number:04d}: {rng.choice(MILESTONE_EVENTS)} "
                f"({rng.choice(TOPICS)})",
                slug=f"synthetic-milestone-{number:04d}",
                kind=rng.choice(Milestone.Kind.values),
                # The date the timeline prints: the one planned, as the editors gave it.
                date=planned,
                date_precision=precision,
                description=f"A synthetic milestone {NOT_REAL}",
                workstream=workstream,
                initiative=rng.choice(own) if own and rng.random() < 0.3 else None,
                place=rng.choice(PLACES) if rng.random() < 0.2 else "",
                planned_date=planned,
                planned_precision=precision,
                is_published=rng.random() < 0.98,
                **story.states(apply_plan)[-1],
            )
            made.append(milestone)
            self.tracked.append(
                Tracked("milestone", milestone, [workstream.pk] if workstream else [], story)
            )
        copy_in(Milestone, made)
        return made

    def _commitments(self, sources, evidence, initiatives, milestones) -> int:
        rng = self.rng
        count = max(len(self.workstreams), self.milestone_count // 10)
        milestones_of = self._by_workstream(milestones)
        made, links = [], []
        for number in range(1, count + 1):
            workstream = self.workstreams[(number - 1) % len(self.workstreams)]
            pk = workstream.pk
            source = rng.choice(sources[pk])
            place = next(where for kind, _, where in SOURCE_KINDS if kind == source.kind)
            due, precision = (None, DatePrecision.DAY)
            if rng.random() >= 0.05:
                due, precision = self._planned(last_years=4)
            story = commitment_story(rng, self.today, due, precision)
            commitment = Commitment(
                workstream=workstream,
                title=f"Synthetic commitment {number:04d}: {rng.choice(COMMITMENT_ACTIONS)} "
                f"{rng.choice(TOPICS)}",
                slug=f"synthetic-commitment-{number:04d}",
                description=f"A synthetic commitment {NOT_REAL}",
                source=source,
                source_reference=f"{place} {rng.randint(1, 24)}",
                due_date=due,
                due_precision=precision,
                is_published=rng.random() < 0.97,
                **story.states(apply_commitment)[-1],
            )
            chosen = {
                "evidence_outputs": self._some(evidence[pk], 2),
                "evidence_awards": rng.sample(
                    self.awards_by_workstream.get(pk, []),
                    k=min(rng.randint(0, 4), len(self.awards_by_workstream.get(pk, []))),
                ),
                "evidence_milestones": [m.pk for m in self._some(milestones_of[pk], 3)],
                "evidence_initiatives": [i.pk for i in self._some(initiatives[pk], 1)],
                "owners": [org.pk for org in rng.sample(self.organisations, rng.randint(1, 3))],
            }
            chosen["evidence_outputs"] = [output.pk for output in chosen["evidence_outputs"]]
            # What the approved updates linked as evidence is part of what it has now.
            for step in story.steps:
                if step.get("new_status") == "delivered":
                    step["evidence"] = {
                        field: ids[:1] for field, ids in chosen.items() if field != "owners"
                    }
            if story.pending and rng.random() < 0.5 and evidence[pk]:
                story.pending.step["evidence"] = {"evidence_outputs": [rng.choice(evidence[pk]).pk]}
            made.append(commitment)
            links.append(chosen)
            self.tracked.append(Tracked("commitment", commitment, [pk], story))
        copy_in(Commitment, made)
        for field in links[0]:
            copy_links(
                getattr(Commitment, field),
                (
                    (c.pk, linked)
                    for c, chosen in zip(made, links, strict=True)
                    for linked in chosen[field]
                ),
            )
        return len(made)

    def _some(self, records: list, most: int) -> list:
        return self.rng.sample(records, k=min(len(records), self.rng.randint(0, most)))
