"""Synthetic reporting: members of staff who report on and review each workstream, quarterly
reporting rounds, and the progress updates that told each record's story, with the status
changes their approval made.

Each approved update is written as tracking/services.py's approval leaves it: reviewed by a
reviewer of its workstream who is not its author, its starting point the target as it stood
before (mmip.records.stored_values), and a StatusChange (when, who, from, to, why) wherever
its approval moved a status or a rating. An update still under way is on the record as it
stands now, so that approving one through the admin works. Drafts, returned updates and
those awaiting review lie in the last three months, and only in an open round.
"""

import bisect
import datetime
import random
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils import timezone

from mmip.bench.copying import copy_in, copy_links
from mmip.bench.synthetic_plans import Tracked
from mmip.bench.synthetic_shape import ROUND_PREFIX
from mmip.bench.synthetic_stories import (
    UNDER_WAY,
    apply_commitment,
    apply_period,
    apply_plan,
    days,
)
from mmip.bench.synthetic_words import NARRATIVES, RETURN_NOTES
from mmip.records import stored_values
from tracking.models import (
    ProgressUpdate,
    ReportingRound,
    StatusChange,
    UpdateState,
    WorkstreamRole,
)
from tracking.services import EVIDENCE_FIELDS
from workstreams.models import Workstream

APPLY = {
    "milestone": apply_plan,
    "initiative": apply_plan,
    "commitment": apply_commitment,
    "period": apply_period,
}
STATUS_FIELD = {
    "milestone": "delivery_status",
    "initiative": "delivery_status",
    "commitment": "status",
}
# Each workstream's staff: what they are called and the roles they hold in it.
STAFF = [
    ("reporter", ["reporter"]),
    ("reporter", ["reporter"]),
    ("reviewer", ["reviewer"]),
    ("lead", ["reporter", "reviewer"]),
]
ROUNDS_BACK = 2  # years of quarterly rounds before this one
# The states of the workstreams' own updates in the closed rounds and the last open one,
# with their weights. In this quarter's round they take each state in turn, so its page shows
# every state whatever the number of workstreams.
CURRENT_ROUND_STATES = [
    UpdateState.DRAFT,
    UpdateState.SUBMITTED,
    UpdateState.RETURNED,
    UpdateState.APPROVED,
]
ROUND_STATES = {
    "closed": {UpdateState.APPROVED: 90, None: 10},
    "last": {
        UpdateState.APPROVED: 50,
        UpdateState.SUBMITTED: 25,
        UpdateState.RETURNED: 10,
        UpdateState.DRAFT: 5,
        None: 10,
    },
}


def plain(value):
    """A value as stored_values() gives it: JSON keeps a date or an amount as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class Rounds:
    """The quarterly rounds, and which target already has an update in which round."""

    def __init__(self, rounds: list[ReportingRound]):
        self.rounds = sorted(rounds, key=lambda found: found.period_start)
        self.starts = [found.period_start for found in self.rounds]
        self.taken: set[tuple] = set()

    def claim(self, day: datetime.date, key: tuple, *, open_only: bool) -> ReportingRound | None:
        """The round whose period holds ``day``, if the target has no update in it yet."""
        index = bisect.bisect_right(self.starts, day) - 1
        if index < 0 or day > self.rounds[index].period_end:
            return None
        found = self.rounds[index]
        if (found.pk, key) in self.taken or (open_only and not found.is_open):
            return None
        self.taken.add((found.pk, key))
        return found


class ReportingGenerator:
    def __init__(self, rng: random.Random, today: datetime.date, workstreams: list[Workstream]):
        self.rng = rng
        self.today = today
        self.workstreams = workstreams
        self.authors: dict[int, list[User]] = {}
        self.reviewers: dict[int, list[User]] = {}
        self.updates: list[ProgressUpdate] = []
        self.evidence: list[dict] = []
        self.changes: list[StatusChange] = []
        self.under_way: dict[tuple, int] = {}  # (workstream id, target): updates under way

    # ---------- Staff and rounds ----------

    def staff(self) -> int:
        """Per workstream two reporters, a reviewer and a lead who does both (and so is
        never the reviewer of their own updates). Their passwords are unusable: a
        superuser sets one to sign in as them."""
        groups = {
            group.name: group for group in Group.objects.filter(name__in=["Reporters", "Reviewers"])
        }
        users, roles, memberships = [], [], []
        for workstream in self.workstreams:
            for title, held in STAFF:
                serial = len(users) + 1
                user = User(
                    username=f"synthetic-{title}-{serial:04d}",
                    first_name="Synthetic",
                    last_name=f"{title.capitalize()} {serial:04d}",
                    email=f"synthetic-{title}-{serial:04d}@example.invalid",
                    is_staff=True,
                    password=make_password(None),
                )
                users.append(user)
                roles += [(user, workstream, role) for role in held]
        User.objects.bulk_create(users)
        for user, workstream, role in roles:
            group = groups.get("Reporters" if role == "reporter" else "Reviewers")
            if group:
                memberships.append(User.groups.through(user_id=user.pk, group_id=group.pk))
            to = self.authors if role == "reporter" else self.reviewers
            to.setdefault(workstream.pk, []).append(user)
        User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
        WorkstreamRole.objects.bulk_create(
            WorkstreamRole(workstream=workstream, user=user, role=role)
            for user, workstream, role in roles
        )
        return len(users)

    def rounds(self) -> Rounds:
        """A round for each quarter of the last two years and this one: this quarter's and
        the last open (the last one overdue), the others closed. A quarter that a round not
        synthetic already covers is left to it."""
        taken = list(ReportingRound.objects.values_list("period_start", "period_end"))
        made = []
        for year in range(self.today.year - ROUNDS_BACK, self.today.year + 1):
            for quarter in range(4):
                start = datetime.date(year, 3 * quarter + 1, 1)
                if start > self.today:
                    break
                end = datetime.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - days(1)
                if any(
                    start <= other_end and other_start <= end for other_start, other_end in taken
                ):
                    continue
                made.append(
                    ReportingRound(
                        name=f"{ROUND_PREFIX}{year} Q{quarter + 1}",
                        period_start=start,
                        period_end=end,
                        due_date=end + days(30),
                        is_open=False,
                    )
                )
        for found in made[-2:]:
            found.is_open = True
        return Rounds(ReportingRound.objects.bulk_create(made))

    # ---------- Updates ----------

    def moment(self, day: datetime.date, first_hour: int, last_hour: int) -> datetime.datetime:
        """A time in working hours on ``day``, in the site's time zone."""
        at = datetime.time(self.rng.randint(first_hour, last_hour), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.datetime.combine(day, at))

    def pair(self, workstream_ids: list[int]) -> tuple[User, User]:
        """An author who reports on one of the workstreams and a reviewer of the same one
        who is not the author."""
        workstream = self.rng.choice(workstream_ids)
        author = self.rng.choice(self.authors[workstream])
        reviewer = self.rng.choice([r for r in self.reviewers[workstream] if r != author])
        return author, reviewer

    def tell(self, tracked: list[Tracked], rounds: Rounds):
        """Writes every story's approved updates and its update under way, and each
        workstream's own update in each round."""
        stored = {}
        for target in {item.target for item in tracked}:
            records = [item.record for item in tracked if item.target == target]
            model = type(records[0])
            stored[target] = stored_values(model.objects.filter(pk__in=[r.pk for r in records]))
        for item in tracked:
            if item.workstreams:
                self._story(item, stored[item.target][str(item.record.pk)], rounds)
        self._workstream_updates(rounds)
        self._save()

    def _story(self, item: Tracked, now: dict, rounds: Rounds):
        rng, story, target = self.rng, item.story, item.target
        states = story.states(APPLY[target])
        added = [step.get("evidence", {}) for step in story.steps]
        approved_last = None
        for index, (step, day) in enumerate(zip(story.steps, story.days, strict=True)):
            author, reviewer = self.pair(item.workstreams)
            reviewed = self.moment(day, 15, 18)
            # Submitted after the update before it was approved, as its starting point says.
            submitted_day = day - days(rng.randint(0, 7))
            if approved_last:
                submitted_day = max(submitted_day, approved_last + days(1))
            approved_last = day
            submitted = self.moment(submitted_day, 11, 14)
            written = self.moment(submitted_day - days(rng.randint(0, 14)), 8, 10)
            # The record as it stood when the update was submitted: before this step, and
            # for a period, before it was locked.
            before = {**now, **{name: plain(value) for name, value in states[index].items()}}
            if target == "period":
                before["is_locked"] = False
            for field in EVIDENCE_FIELDS:
                if field in before:
                    later = {pk for links in added[index:] for pk in links.get(field, [])}
                    before[field] = [pk for pk in before[field] if pk not in later]
            update = self._update(
                item, step, author, UpdateState.APPROVED, written, started_from=before
            )
            update.round = rounds.claim(submitted.date(), (target, item.record.pk), open_only=False)
            update.submitted_at, update.reviewer, update.reviewed_at = submitted, reviewer, reviewed
            self._change(item, update, states[index], states[index + 1])
        pending = story.pending
        if pending:
            author, reviewer = self.pair(item.workstreams)
            written = self.moment(pending.written, 8, 10)
            # The first three updates under way on each kind of record of each workstream are
            # one of each state, so that each has a draft, one awaiting review and one
            # returned, however small the record.
            kind = (item.workstreams[0], target)
            seen = self.under_way.get(kind, 0)
            state = UNDER_WAY[seen] if seen < len(UNDER_WAY) else pending.state
            self.under_way[kind] = seen + 1
            update = self._update(item, pending.step, author, state, written, now)
            self._under_way(update, reviewer, rounds, (target, item.record.pk))

    def _update(self, item, step, author, state, written, started_from) -> ProgressUpdate:
        fields = {name: value for name, value in step.items() if name.startswith("new_")}
        update = ProgressUpdate(
            **{item.target: item.record},
            author=author,
            narrative=step["narrative"],
            state=state,
            started_from=None if state == UpdateState.DRAFT else started_from,
            **fields,
        )
        # When it was written: copy_in() keeps it, where a save would put now.
        update.created_at = written
        self.updates.append(update)
        self.evidence.append(step.get("evidence", {}))
        return update

    def _under_way(self, update: ProgressUpdate, reviewer: User, rounds: Rounds, key: tuple):
        """A draft, or one submitted and perhaps returned, in the days after it was written."""
        rng, written = self.rng, update.created_at
        yesterday = self.today - days(1)
        update.round = rounds.claim(written.date(), key, open_only=True)
        if update.state == UpdateState.DRAFT:
            return
        submitted_day = min(yesterday, written.date() + days(rng.randint(0, 3)))
        update.submitted_at = self.moment(submitted_day, 11, 14)
        if update.state == UpdateState.RETURNED or rng.random() < 0.3:
            # Returned with a note; one in three of those awaiting review were returned once
            # and submitted again, and keep the note.
            update.review_note = rng.choice(RETURN_NOTES)
        if update.state == UpdateState.RETURNED:
            update.reviewer = reviewer
            update.reviewed_at = self.moment(submitted_day, 15, 18)

    def _change(self, item: Tracked, update: ProgressUpdate, before: dict, after: dict):
        status = STATUS_FIELD.get(item.target)
        if status is None or (before[status], before["rating"]) == (after[status], after["rating"]):
            return
        self.changes.append(
            StatusChange(
                **{item.target: item.record},
                changed_at=update.reviewed_at,
                changed_by=update.reviewer,
                from_status=before[status],
                to_status=after[status],
                from_rating=before["rating"],
                to_rating=after["rating"],
                # Why: the reason given for a new rating, else the update's own account.
                reason=update.new_rating_reason if update.new_rating else update.narrative,
                update=update,
            )
        )

    def _workstream_updates(self, rounds: Rounds):
        rng = self.rng
        stored = stored_values(Workstream.objects.filter(pk__in=[w.pk for w in self.workstreams]))
        for index, found in enumerate(rounds.rounds):
            kind = (
                "closed"
                if not found.is_open
                else ("current" if index == len(rounds.rounds) - 1 else "last")
            )
            first = max(found.period_start, found.period_end - days(14))
            last = min(found.due_date, self.today - days(1))
            if last < first:
                first = found.period_start
            if last < first:
                continue
            for number, workstream in enumerate(self.workstreams):
                if kind == "current":
                    state = CURRENT_ROUND_STATES[number % len(CURRENT_ROUND_STATES)]
                else:
                    weights = ROUND_STATES[kind]
                    state = rng.choices(list(weights), weights=list(weights.values()))[0]
                if state is None:
                    continue
                day = first + days(rng.randint(0, (last - first).days))
                item = Tracked("workstream", workstream, [workstream.pk], None)
                author, reviewer = self.pair([workstream.pk])
                written = self.moment(day, 8, 10)
                step = {"narrative": NARRATIVES["workstream"]}
                update = self._update(
                    item, step, author, state, written, stored[str(workstream.pk)]
                )
                rounds.taken.add((found.pk, ("workstream", workstream.pk)))
                update.round = found
                if state == UpdateState.APPROVED:
                    update.submitted_at = self.moment(day, 11, 14)
                    update.reviewer, update.reviewed_at = reviewer, self.moment(day, 15, 18)
                elif state != UpdateState.DRAFT:
                    self._under_way_in(update, reviewer, day)

    def _under_way_in(self, update: ProgressUpdate, reviewer: User, day: datetime.date):
        update.submitted_at = self.moment(day, 11, 14)
        if update.state == UpdateState.RETURNED:
            update.review_note = self.rng.choice(RETURN_NOTES)
            update.reviewer, update.reviewed_at = reviewer, self.moment(day, 15, 18)

    def _save(self):
        copy_in(ProgressUpdate, self.updates)
        copy_in(StatusChange, self.changes)
        for field in EVIDENCE_FIELDS:
            copy_links(
                getattr(ProgressUpdate, field),
                (
                    (update.pk, pk)
                    for update, links in zip(self.updates, self.evidence, strict=True)
                    for pk in links.get(field, [])
                ),
            )

    def counts(self) -> dict:
        states = Counter(update.state for update in self.updates)
        return {"updates": dict(states), "status_changes": len(self.changes)}
