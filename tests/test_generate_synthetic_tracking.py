"""generate_synthetic's plans, indicators and reporting: every synthetic workstream tracked
against a plan, with updates in every state, all within the record's rules, its history
agreeing with the record, and all of it labelled and replaced as the rest is."""

import datetime
import io
import itertools
from collections import Counter
from glob import glob

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mmip.bench.synthetic import generate as generate_record
from mmip.dates import DatePrecision
from tracking import services
from tracking.models import (
    Commitment,
    CommitmentStatus,
    ProgressUpdate,
    ReportingRound,
    StatusChange,
    UpdateState,
    WorkstreamRole,
    has_role,
)
from workstreams.models import Indicator, IndicatorPeriod, Initiative, Milestone, Output, Workstream
from workstreams.plans import DeliveryStatus

pytestmark = pytest.mark.django_db

TARGETS = ["workstream", "commitment", "milestone", "initiative", "period"]
# The record is laid out around its day: a fixed one makes each test's record the same
# whatever day it runs.
TODAY = datetime.date(2026, 11, 1)


def generate(**options) -> str:
    stdout = io.StringIO()
    options.setdefault("today", TODAY)
    call_command("generate_synthetic", stdout=stdout, stderr=io.StringIO(), **options)
    return stdout.getvalue()


def on(update: ProgressUpdate) -> str:
    return next(field for field in TARGETS if getattr(update, f"{field}_id"))


def test_every_workstream_is_tracked_against_a_plan_with_reporting_in_every_state():
    stdout = generate(awards=300, milestones=400, seed=1)
    assert "400 milestones" in stdout and "progress updates (" in stdout
    today = TODAY
    for workstream in Workstream.objects.all():
        assert workstream.milestones.exists() and workstream.initiatives.exists()
        assert workstream.commitments.exists() and workstream.indicators.exists()
        roles = set(
            WorkstreamRole.objects.filter(workstream=workstream).values_list("role", flat=True)
        )
        assert roles == {"reporter", "reviewer"}
        updates = ProgressUpdate.objects.on_workstream(workstream.slug)
        assert set(updates.values_list("state", flat=True)) == set(UpdateState.values)

    milestones = Milestone.objects.all()
    assert milestones.count() == 400
    assert set(milestones.values_list("delivery_status", flat=True)) == {"", *DeliveryStatus.values}
    assert milestones.late(today).exists() and milestones.not_late(today).exists()
    assert set(milestones.values_list("rating", flat=True)) == {"", "red", "amber", "green"}
    for field in ("planned_precision", "actual_precision"):
        dated = milestones.exclude(**{field.replace("precision", "date"): None})
        assert set(dated.values_list(field, flat=True)) == set(DatePrecision.values), field
    assert milestones.filter(forecast_date__isnull=False).exists()
    assert milestones.filter(workstream__isnull=True).exists()  # of the whole programme
    assert Initiative.objects.filter(part_of__isnull=False).exists()

    commitments = Commitment.objects.all()
    assert set(commitments.values_list("status", flat=True)) == set(CommitmentStatus.values)
    assert commitments.late(today).exists() and commitments.due_next(today).exists()
    assert (
        commitments.filter(rating__in=["red", "amber"])
        .exclude(pk__in=commitments.late(today))
        .exists()
    )
    assert set(commitments.values_list("source__kind", flat=True)) == {
        "action-plan",
        "strategy",
        "roadmap",
    }
    for relation in (
        "owners",
        "evidence_outputs",
        "evidence_awards",
        "evidence_milestones",
        "evidence_initiatives",
    ):
        assert commitments.filter(**{f"{relation}__isnull": False}).exists(), relation

    indicators = Indicator.objects.all()
    assert not indicators.filter(baseline__isnull=True).exists()
    assert set(indicators.values_list("direction", flat=True)) == set(Indicator.Direction.values)
    assert set(indicators.values_list("is_cumulative", flat=True)) == {True, False}
    assert indicators.filter(workstreams__isnull=False).distinct().count() == indicators.count()
    periods = IndicatorPeriod.objects.all()
    assert periods.filter(target__isnull=False, actual__isnull=False).exists()
    assert set(periods.exclude(actual=None).values_list("actual_qualifier", flat=True)) == {
        "exact",
        "over",
        "about",
    }
    assert periods.filter(is_locked=True).exists() and periods.filter(is_locked=False).exists()

    rounds = ReportingRound.objects.all()
    assert set(rounds.values_list("is_open", flat=True)) == {True, False}
    updates = ProgressUpdate.objects.all()
    for state in UpdateState.values:
        assert updates.filter(state=state, milestone__isnull=False).exists(), state
    assert {on(update) for update in updates.filter(state="approved")} == set(TARGETS)
    assert {on(update) for update in updates.exclude(state="approved")} == set(TARGETS)
    # This quarter's round shows the workstreams' own updates in every state.
    current = rounds.order_by("-period_start").first()
    assert set(
        current.updates.filter(workstream__isnull=False).values_list("state", flat=True)
    ) == set(UpdateState.values)
    # Resubmitted after being returned: awaiting review, keeping the note.
    assert updates.filter(state="submitted").exclude(review_note="").exists()
    assert StatusChange.objects.filter(commitment__isnull=False).exists()
    assert StatusChange.objects.filter(milestone__isnull=False).exists()


def test_every_record_keeps_the_rules_its_form_would_apply():
    generate(awards=100, milestones=120, seed=3)
    for model in (
        Milestone,
        Initiative,
        Commitment,
        Output,
        Indicator,
        IndicatorPeriod,
        ReportingRound,
        WorkstreamRole,
        StatusChange,
    ):
        for record in model.objects.all():
            record.full_clean()
    for update in ProgressUpdate.objects.select_related("author"):
        update.full_clean()


def test_every_date_and_time_is_in_order_and_none_in_the_future():
    generate(awards=100, milestones=200, seed=4)
    now, today = timezone.now(), TODAY
    assert not Milestone.objects.filter(actual_date__gt=today).exists()
    assert not Initiative.objects.filter(actual_date__gt=today).exists()
    for update in ProgressUpdate.objects.all():
        assert update.created_at < now
        if update.submitted_at:
            assert update.created_at <= update.submitted_at < now
        if update.reviewed_at:
            assert update.submitted_at < update.reviewed_at < now
        if (
            update.state in (UpdateState.DRAFT, UpdateState.RETURNED, UpdateState.SUBMITTED)
            and update.round_id
        ):
            assert update.round.is_open
        if update.round_id and update.state != UpdateState.APPROVED:
            assert update.created_at.date() > today - datetime.timedelta(days=100)


def test_four_eyes_and_roles_hold_for_every_update():
    generate(awards=100, milestones=300, seed=5)
    for update in ProgressUpdate.objects.all():
        workstreams = [workstream.pk for workstream in update.target_workstreams]
        assert any(has_role(update.author, pk, "reporter") for pk in workstreams)
        if update.reviewer_id:
            assert update.reviewer_id != update.author_id
            assert any(has_role(update.reviewer, pk, "reviewer") for pk in workstreams)
    # Somebody both reports on and reviews a workstream, and their updates are reviewed by another.
    both = User.objects.filter(workstream_roles__role="reporter").filter(
        workstream_roles__role="reviewer"
    )
    assert both.exists()
    assert ProgressUpdate.objects.filter(author__in=both, reviewer__isnull=False).exists()


def test_the_status_history_agrees_with_the_record_and_the_approved_updates():
    generate(awards=100, milestones=300, seed=6)
    for field, status in (
        ("milestone", "delivery_status"),
        ("initiative", "delivery_status"),
        ("commitment", "status"),
    ):
        model = StatusChange._meta.get_field(field).related_model
        changes = StatusChange.objects.filter(**{f"{field}__isnull": False}).select_related(
            "update"
        )
        by_record = {}
        for change in changes.order_by("changed_at", "pk"):
            by_record.setdefault(getattr(change, f"{field}_id"), []).append(change)
        assert by_record, field
        for record in model.objects.filter(pk__in=by_record):
            history = by_record[record.pk]
            for before, after in itertools.pairwise(history):
                assert (before.to_status, before.to_rating) == (
                    after.from_status,
                    after.from_rating,
                )
            assert (history[-1].to_status, history[-1].to_rating) == (
                getattr(record, status),
                record.rating,
            )
            for change in history:
                update = change.update
                assert (
                    update.state == UpdateState.APPROVED
                    and getattr(update, f"{field}_id") == record.pk
                )
                assert (change.changed_by_id, change.changed_at) == (
                    update.reviewer_id,
                    update.reviewed_at,
                )
                expected = update.new_rating_reason if update.new_rating else update.narrative
                assert change.reason == expected
    # Every approved update that moved a status or rating has its change, and no other.
    moved = ProgressUpdate.objects.filter(state="approved", status_changes__isnull=False).distinct()
    assert moved.count() == StatusChange.objects.count()
    assert (
        not ProgressUpdate.objects.exclude(state="approved")
        .filter(status_changes__isnull=False)
        .exists()
    )


@pytest.mark.parametrize("target", ["milestone", "commitment", "period"])
def test_an_update_awaiting_review_is_approved_through_the_review_service(target):
    generate(awards=100, milestones=600, seed=7)
    update = ProgressUpdate.objects.filter(
        state="submitted", **{f"{target}__isnull": False}
    ).first()
    assert update is not None
    reviewer = (
        User.objects.filter(
            workstream_roles__role="reviewer",
            workstream_roles__workstream__in=update.target_workstreams,
        )
        .exclude(pk=update.author_id)
        .first()
    )
    changes = StatusChange.objects.count()

    services.approve_update(update=update, reviewer=reviewer)

    update.refresh_from_db()
    assert update.state == UpdateState.APPROVED
    record = type(update.target).objects.get(pk=update.target.pk)
    if target == "period":
        assert (record.actual, record.actual_qualifier) == (
            update.new_actual,
            update.new_actual_qualifier,
        )
    elif update.new_status:
        status = "status" if target == "commitment" else "delivery_status"
        assert getattr(record, status) == update.new_status
        assert StatusChange.objects.count() == changes + 1


def test_everything_of_the_plan_and_reporting_says_it_is_synthetic():
    generate(awards=100, milestones=100, seed=8)
    for model, field in (
        (Milestone, "title"),
        (Initiative, "name"),
        (Commitment, "title"),
        (Output, "title"),
        (Indicator, "name"),
        (ReportingRound, "name"),
    ):
        for text in model.objects.values_list(field, flat=True):
            assert text.startswith("Synthetic "), text
    for model in (Milestone, Initiative, Commitment, Output, Indicator):
        assert not model.objects.exclude(slug__regex=r"^synthetic-[a-z-]+-[0-9]{4,}$").exists()
    assert not User.objects.exclude(
        username__regex=r"^synthetic-(reporter|reviewer|lead)-[0-9]{4}$"
    ).exists()
    assert not User.objects.filter(is_staff=False).exists()
    assert not User.objects.exclude(password__startswith="!").exists()  # nobody can sign in
    for update in ProgressUpdate.objects.all():
        assert update.narrative.startswith("Synthetic update, not a real report")
        if update.new_rating_reason:
            assert update.new_rating_reason.startswith("Synthetic reason:")
        if update.review_note:
            assert update.review_note.startswith("Synthetic note:")
        if update.new_actual_source_title:
            assert update.new_actual_source_title.startswith("Synthetic source:")
    assert (
        not Milestone.objects.exclude(rating="")
        .exclude(rating_reason__startswith="Synthetic reason:")
        .exists()
    )


def snapshot() -> list:
    return [
        list(
            Milestone.objects.order_by("slug").values_list(
                "slug", "planned_date", "delivery_status", "rating", "forecast_date", "actual_date"
            )
        ),
        list(
            Commitment.objects.order_by("slug").values_list("slug", "due_date", "status", "rating")
        ),
        list(
            IndicatorPeriod.objects.order_by("indicator__slug", "start").values_list(
                "target", "actual", "is_locked"
            )
        ),
        sorted(
            Counter((on(update), update.state) for update in ProgressUpdate.objects.all()).items()
        ),
    ]


def test_the_same_seed_on_the_same_day_gives_the_same_plan_and_reporting():
    today = TODAY
    options = {
        "awards": 100,
        "force": False,
        "dry_run": False,
        "say": print,
        "progress": lambda done, total: None,
    }
    generate_record(milestones=150, seed=9, today=today, **options)
    first = snapshot()
    generate_record(milestones=150, seed=9, today=today, **options)
    assert snapshot() == first
    generate_record(milestones=150, seed=10, today=today, **options)
    assert snapshot() != first
    generate_record(milestones=150, seed=9, today=today - datetime.timedelta(days=30), **options)
    assert snapshot() != first


def test_a_day_to_come_is_refused_and_nothing_written():
    with pytest.raises(CommandError, match="--today cannot be after today"):
        generate(awards=10, seed=1, today=timezone.localdate() + datetime.timedelta(days=1))
    assert not Workstream.objects.exists()


def test_it_replaces_its_own_plan_and_reporting_and_says_what_went():
    generate(awards=100, milestones=100, seed=1)
    # Somebody signed in as a synthetic reviewer and left a trace in the admin's log.
    reviewer = User.objects.filter(workstream_roles__role="reviewer").first()
    LogEntry.objects.create(user=reviewer, action_flag=ADDITION, object_repr="A try")
    stdout = generate(awards=100, milestones=100, seed=2, verbosity=2)
    assert "Removed the earlier synthetic record" in stdout
    for removed in (
        "100 milestones",
        "progress updates",
        "status changes",
        "24 members of staff",
        "reporting rounds",
        "commitments",
        "indicators",
        "reporting periods",
    ):
        assert removed in stdout, removed
    assert Milestone.objects.count() == 100
    assert User.objects.count() == 24
    assert not LogEntry.objects.exists()


def test_beside_the_real_record_it_leaves_the_real_plan_and_a_real_rounds_quarter_alone():
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)
    today = TODAY
    quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    real_round = ReportingRound.objects.create(
        name="Real round",
        period_start=quarter,
        period_end=quarter + datetime.timedelta(days=80),
        due_date=quarter + datetime.timedelta(days=100),
    )
    real = sorted(Milestone.objects.values_list("slug", "delivery_status"))
    with pytest.raises(CommandError, match="--force"):
        generate(awards=50, milestones=60, seed=1)
    generate(awards=50, milestones=60, seed=1, force=True)
    generate(awards=50, milestones=60, seed=1, force=True)
    assert (
        sorted(
            Milestone.objects.exclude(slug__startswith="synthetic-").values_list(
                "slug", "delivery_status"
            )
        )
        == real
    )
    assert ReportingRound.objects.filter(pk=real_round.pk).exists()
    synthetic_rounds = ReportingRound.objects.filter(name__startswith="Synthetic round ")
    assert synthetic_rounds.exists()
    assert not synthetic_rounds.filter(period_start=quarter).exists()
    assert Milestone.objects.filter(slug__startswith="synthetic-").count() == 60


def test_a_dry_run_writes_no_plan_and_no_staff():
    generate(awards=100, milestones=80, seed=1, dry_run=True)
    for model in (
        Milestone,
        Commitment,
        ProgressUpdate,
        StatusChange,
        User,
        ReportingRound,
        IndicatorPeriod,
    ):
        assert not model.objects.exists(), model


@pytest.mark.parametrize("milestones", [0, -5, 1_000_001])
def test_a_silly_number_of_milestones_is_refused_and_nothing_written(milestones):
    with pytest.raises(CommandError, match="--milestones must be between 1 and 1,000,000"):
        generate(awards=10, milestones=milestones, seed=1)
    assert not Workstream.objects.exists()
