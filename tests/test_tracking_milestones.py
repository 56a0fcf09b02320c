"""Progress updates on milestones and initiatives: a new status, rating with its reason,
forecast and date done, written only at approval with a kept status change; refused when
the record changed since submission, and never approved by the author."""

import datetime

import pytest

from tests import factories as f
from tests.test_record_rules import assert_clean_message
from tests.test_tracking_review import refused, reread, staff
from tracking import services
from tracking.models import ProgressUpdate, StatusChange
from workstreams.models import Initiative, Milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    skills = f.WorkstreamFactory(name="Skills", slug="skills")
    return (
        skills,
        staff("reporter", "Reporters", reports=[skills]),
        staff("reviewer", "Reviewers", reviews=[skills]),
    )


def test_a_milestone_changes_only_at_approval_with_its_status_change(people):
    skills, reporter, reviewer = people
    milestone = f.MilestoneFactory(
        workstream=skills, delivery_status="on-track", planned_date=datetime.date(2027, 1, 1)
    )
    update = f.ProgressUpdateFactory(
        author=reporter,
        workstream=None,
        milestone=milestone,
        narrative="The venue is not yet booked.",
        new_status="at-risk",
        new_rating="amber",
        new_rating_reason="The venue is not yet booked.",
        new_forecast_date=datetime.date(2027, 3, 1),
        new_forecast_precision="month",
    )

    def unchanged():
        stored = Milestone.objects.get(pk=milestone.pk)
        assert (stored.delivery_status, stored.rating, stored.forecast_date) == (
            "on-track",
            "",
            None,
        )
        assert not StatusChange.objects.exists()

    services.submit_update(update=update, author=reporter)
    unchanged()
    services.return_update(update=update, reviewer=reviewer, note="Say when it is expected.")
    unchanged()
    services.submit_update(update=reread(update), author=reporter)
    unchanged()
    services.approve_update(update=update, reviewer=reviewer)

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.delivery_status, stored.rating, stored.forecast_display) == (
        "at-risk",
        "amber",
        "March 2027",
    )
    change = StatusChange.objects.get()
    assert (change.record, change.changed_by, change.update) == (stored, reviewer, update)
    assert change.summary == "On track → At risk; no rating → Amber"
    assert change.is_public and list(StatusChange.objects.public()) == [change]


def test_done_takes_its_date_and_drops_the_forecast(people):
    skills, reporter, reviewer = people
    initiative = f.InitiativeFactory(
        workstream=skills,
        delivery_status="at-risk",
        forecast_date=datetime.date(2027, 1, 1),
        forecast_precision="year",
    )
    done = {"new_status": "done", "workstream": None, "initiative": initiative}
    assert_clean_message(
        f.ProgressUpdateFactory.build(author=reporter, **done),
        "new_actual_date",
        "Give the date it was done",
    )
    update = f.ProgressUpdateFactory(
        author=reporter,
        **done,
        new_actual_date=datetime.date(2025, 1, 1),
        new_actual_date_precision="year",
    )
    services.submit_update(update=update, author=reporter)
    services.approve_update(update=update, reviewer=reviewer)

    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.delivery_status, stored.actual_display, stored.forecast_date) == (
        "done",
        "2025",
        None,
    )
    assert StatusChange.objects.get().initiative == stored


def test_approval_is_refused_when_the_milestone_changed_since(people):
    skills, reporter, reviewer = people
    milestone = f.MilestoneFactory(workstream=skills, delivery_status="on-track")
    update = f.ProgressUpdateFactory(
        author=reporter, workstream=None, milestone=milestone, new_status="at-risk"
    )
    services.submit_update(update=update, author=reporter)
    Milestone.objects.filter(pk=milestone.pk).update(planned_date=datetime.date(2030, 1, 1))

    refused("target-changed", lambda: services.approve_update(update=update, reviewer=reviewer))
    assert Milestone.objects.get(pk=milestone.pk).delivery_status == "on-track"


def test_nobody_approves_their_own_update_on_a_milestone(people):
    skills, _, _ = people
    both = staff("both", "Reporters", "Reviewers", reports=[skills], reviews=[skills])
    milestone = f.MilestoneFactory(workstream=skills, delivery_status="on-track")
    update = f.ProgressUpdateFactory(
        author=both, workstream=None, milestone=milestone, new_status="at-risk"
    )
    services.submit_update(update=update, author=both)

    refused("own-update", lambda: services.approve_update(update=update, reviewer=both))
    assert Milestone.objects.get(pk=milestone.pk).delivery_status == "on-track"


def test_reporters_of_other_workstreams_cannot_report_on_a_milestone(people):
    skills, _, _ = people
    fiscal = f.WorkstreamFactory(name="Fiscal Environment", slug="fiscal")
    outsider = staff("outsider", "Reporters", reports=[fiscal])
    milestone = f.MilestoneFactory(workstream=skills)

    update = f.ProgressUpdateFactory(author=outsider, workstream=None, milestone=milestone)
    refused("not-a-reporter", lambda: services.submit_update(update=update, author=outsider))
    # A milestone of the whole programme has no workstream, so nobody reports on it.
    programme = f.MilestoneFactory(workstream=None)
    update = f.ProgressUpdateFactory(author=outsider, workstream=None, milestone=programme)
    refused("not-a-reporter", lambda: services.submit_update(update=update, author=outsider))


def test_a_status_is_of_its_kind_of_record(people):
    skills, reporter, _ = people
    milestone = f.MilestoneFactory(workstream=skills)
    commitment = f.CommitmentFactory(workstream=skills)

    assert_clean_message(
        ProgressUpdate(author=reporter, milestone=milestone, narrative="x", new_status="delivered"),
        "new_status",
        "for a commitment",
    )
    assert_clean_message(
        ProgressUpdate(author=reporter, commitment=commitment, narrative="x", new_status="done"),
        "new_status",
        "for a milestone or an initiative",
    )


def test_status_changes_of_a_draft_milestone_are_not_public(people):
    skills, reporter, reviewer = people
    hidden = f.MilestoneFactory(workstream=skills, is_published=False, delivery_status="planned")
    update = f.ProgressUpdateFactory(
        author=reporter, workstream=None, milestone=hidden, new_status="on-track"
    )
    services.submit_update(update=update, author=reporter)
    services.approve_update(update=update, reviewer=reviewer)

    change = StatusChange.objects.get()
    assert not change.is_public
    assert not StatusChange.objects.public().exists()
    assert not ProgressUpdate.objects.public().exists()
