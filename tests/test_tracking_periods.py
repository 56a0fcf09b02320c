"""Progress updates on an indicator's reporting period: a new actual with its qualifier and
source, which only approval writes; never on a locked period; reported and reviewed by the
staff of any of the indicator's workstreams, never by the author alone."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.test_record_rules import assert_clean_message, assert_violates
from tests.test_tracking_review import client_for, refused, reread, staff
from tracking import services
from tracking.models import ProgressUpdate
from workstreams.models import IndicatorPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(db):
    skills = f.WorkstreamFactory(name="Skills", slug="skills")
    therapies = f.WorkstreamFactory(name="Advanced therapies", slug="advanced-therapies")
    indicator = f.IndicatorFactory(name="Apprentices", unit="people")
    indicator.workstreams.add(skills, therapies)
    return f.IndicatorPeriodFactory(indicator=indicator, target=200)


def on_period(author, period, **fields) -> ProgressUpdate:
    values = {
        "new_actual": Decimal(150),
        "new_actual_qualifier": "over",
        "new_actual_source_title": "ATAC",
    }
    return f.ProgressUpdateFactory(
        author=author, workstream=None, period=period, **(values | fields)
    )


def actual_of(period) -> tuple:
    period = IndicatorPeriod.objects.get(pk=period.pk)
    return (period.actual, period.actual_qualifier, period.actual_source_title)


def test_the_actual_changes_only_at_approval_and_keeps_its_qualifier(period):
    skills = period.indicator.workstreams.get(slug="skills")
    therapies = period.indicator.workstreams.get(slug="advanced-therapies")
    # Reporters and reviewers of either of the indicator's workstreams may act.
    reporter = staff("reporter", "Reporters", reports=[therapies])
    reviewer = staff("reviewer", "Reviewers", reviews=[skills])
    update = on_period(reporter, period)

    services.submit_update(update=update, author=reporter)
    assert actual_of(period) == (None, "exact", "")
    services.return_update(update=update, reviewer=reviewer, note="Name the source fully.")
    assert actual_of(period) == (None, "exact", "")
    update = reread(update)
    update.new_actual_source_title = "Advanced Therapies Apprenticeship Community"
    update.save()
    services.submit_update(update=update, author=reporter)
    services.approve_update(update=update, reviewer=reviewer)

    assert actual_of(period) == (
        Decimal(150),
        "over",
        "Advanced Therapies Apprenticeship Community",
    )
    stored = IndicatorPeriod.objects.get(pk=period.pk)
    assert stored.actual_display == "over 150"
    assert stored.share_of_target is None
    assert stored.history.latest().history_user == reviewer


def test_an_update_on_a_locked_period_is_refused(period):
    reporter = staff("reporter", "Reporters", reports=list(period.indicator.workstreams.all()))
    reviewer = staff("reviewer", "Reviewers", reviews=list(period.indicator.workstreams.all()))
    update = on_period(reporter, period)
    services.submit_update(update=update, author=reporter)

    IndicatorPeriod.objects.filter(pk=period.pk).update(is_locked=True)

    error = refused(
        "period-locked", lambda: services.approve_update(update=update, reviewer=reviewer)
    )
    assert "locked" in error.messages[0]
    assert actual_of(period) == (None, "exact", "")
    # Nor can one be written on it.
    assert_clean_message(
        ProgressUpdate(
            author=reporter, period=IndicatorPeriod.objects.get(pk=period.pk), narrative="More."
        ),
        "period",
        "is locked",
    )


def test_approval_is_refused_when_the_period_changed_since_submission(period):
    reporter = staff("reporter", "Reporters", reports=list(period.indicator.workstreams.all()))
    reviewer = staff("reviewer", "Reviewers", reviews=list(period.indicator.workstreams.all()))
    update = on_period(reporter, period)
    services.submit_update(update=update, author=reporter)

    IndicatorPeriod.objects.filter(pk=period.pk).update(target=250)

    refused("target-changed", lambda: services.approve_update(update=update, reviewer=reviewer))
    assert actual_of(period) == (None, "exact", "")


def test_nobody_approves_their_own_update_on_a_period(period):
    both = staff(
        "both",
        "Reporters",
        "Reviewers",
        reports=list(period.indicator.workstreams.all()),
        reviews=list(period.indicator.workstreams.all()),
    )
    update = on_period(both, period)
    services.submit_update(update=update, author=both)

    refused("own-update", lambda: services.approve_update(update=update, reviewer=both))
    assert actual_of(period) == (None, "exact", "")


def test_staff_of_other_workstreams_neither_report_nor_review(period):
    fiscal = f.WorkstreamFactory(name="Fiscal Environment", slug="fiscal")
    outsider = staff("outsider", "Reporters", reports=[fiscal])
    outside_reviewer = staff("outside-reviewer", "Reviewers", reviews=[fiscal])
    reporter = staff("reporter", "Reporters", reports=list(period.indicator.workstreams.all()))

    refused(
        "not-a-reporter",
        lambda: services.submit_update(update=on_period(outsider, period), author=outsider),
    )
    update = on_period(reporter, period)
    services.submit_update(update=update, author=reporter)
    refused(
        "not-a-reviewer",
        lambda: services.approve_update(update=update, reviewer=outside_reviewer),
    )
    assert not ProgressUpdate.objects.awaiting_review_by(outside_reviewer).exists()


def test_each_update_is_listed_once_however_many_workstreams_it_is_in(period):
    workstreams = list(period.indicator.workstreams.all())
    reporter = staff("reporter", "Reporters", reports=workstreams)
    reviewer = staff("reviewer", "Reviewers", reviews=workstreams)
    update = on_period(reporter, period)
    services.submit_update(update=update, author=reporter)

    assert list(ProgressUpdate.objects.awaiting_review_by(reviewer)) == [update]
    assert list(ProgressUpdate.objects.visible_to(reviewer)) == [update]


def test_a_new_actual_is_for_a_period_and_comes_with_its_source(period):
    workstream = f.WorkstreamFactory()

    assert_violates(
        "progress_update_actual_for_periods",
        lambda: f.ProgressUpdateFactory(new_actual=Decimal(5), new_actual_source_title="ATAC"),
    )
    assert_clean_message(
        f.ProgressUpdateFactory.build(
            workstream=workstream, new_actual=Decimal(5), new_actual_source_title="ATAC"
        ),
        "new_actual",
        "for an indicator period",
    )
    assert_violates(
        "progress_update_actual_with_its_source",
        lambda: f.ProgressUpdateFactory(workstream=None, period=period, new_actual=Decimal(5)),
    )
    assert_clean_message(
        f.ProgressUpdateFactory.build(workstream=None, period=period, new_actual=Decimal(5)),
        "new_actual_source_title",
        "Name the source",
    )


def test_a_reporter_writes_an_update_on_a_period_in_the_admin(period):
    reporter = staff("reporter", "Reporters", reports=list(period.indicator.workstreams.all()))
    f.IndicatorPeriodFactory(indicator=period.indicator, is_locked=True)
    client = client_for(reporter)
    add = reverse("admin:tracking_progressupdate_add")

    fields = client.get(add).context["adminform"].form.fields
    # Locked periods are not offered.
    assert list(fields["period"].queryset) == [period]

    client.post(
        add,
        {
            "period": period.pk,
            "narrative": "The follow-on programme has passed 150 apprentices.",
            "new_actual_qualifier": "over",
            "new_forecast_precision": "day",
            "new_actual_date_precision": "day",
            "new_actual": "150",
            "new_actual_source_title": "ATAC",
            "_submit_for_review": "on",
        },
    )

    update = ProgressUpdate.objects.get()
    assert (update.period, update.state, update.new_actual) == (period, "submitted", 150)
    assert actual_of(period) == (None, "exact", "")


def test_only_approved_updates_on_a_public_indicator_are_public(period):
    workstreams = list(period.indicator.workstreams.all())
    reporter = staff("reporter", "Reporters", reports=workstreams)
    reviewer = staff("reviewer", "Reviewers", reviews=workstreams)
    hidden = f.IndicatorPeriodFactory(indicator=f.IndicatorFactory(is_published=False))
    hidden.indicator.workstreams.add(*workstreams)
    approved, on_draft = on_period(reporter, period), on_period(reporter, hidden)
    for update in (approved, on_draft):
        services.submit_update(update=update, author=reporter)
        services.approve_update(update=update, reviewer=reviewer)
    submitted = on_period(reporter, f.IndicatorPeriodFactory(indicator=period.indicator))
    services.submit_update(update=submitted, author=reporter)
    on_period(reporter, f.IndicatorPeriodFactory(indicator=period.indicator))

    assert list(ProgressUpdate.objects.public()) == [approved]
    assert [update.pk for update in ProgressUpdate.objects.all() if update.is_public] == [
        approved.pk
    ]
