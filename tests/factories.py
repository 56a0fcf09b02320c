"""factory_boy factories for every record. Published by default: tests of drafts say so."""

import datetime
from decimal import Decimal
from pathlib import Path

import factory
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from tracking.models import (
    Commitment,
    ProgressUpdate,
    ReportingRound,
    StatusChange,
    WorkstreamRole,
)
from workstreams.models import (
    Indicator,
    IndicatorPeriod,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.COMPANY
    is_published = True


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    name = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.Sequence(lambda n: f"workstream-{n}")
    aim = "To make the UK a better place to make medicines."
    display_order = factory.Sequence(lambda n: n)
    is_published = True


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    workstream = factory.SubFactory(WorkstreamFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Partnership.Role.PARTNER


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    workstream = factory.SubFactory(WorkstreamFactory)
    name = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    start_date = datetime.date(2020, 1, 1)
    start_precision = "year"
    is_published = True


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Output

    title = factory.Sequence(lambda n: f"Output {n}")
    slug = factory.Sequence(lambda n: f"output-{n}")
    kind = Output.Kind.REPORT
    date = datetime.date(2021, 10, 14)
    date_precision = "day"
    is_published = True


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"Milestone {n}")
    slug = factory.Sequence(lambda n: f"milestone-{n}")
    kind = Milestone.Kind.EVENT
    date = datetime.date(2018, 1, 1)
    date_precision = "year"
    workstream = factory.SubFactory(WorkstreamFactory)
    is_published = True


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    name = factory.Sequence(lambda n: f"Indicator {n}")
    slug = factory.Sequence(lambda n: f"indicator-{n}")
    unit = Indicator.Unit.PEOPLE
    is_published = True


class IndicatorPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorPeriod

    indicator = factory.SubFactory(IndicatorFactory)
    start = factory.Sequence(lambda n: datetime.date(2000 + n, 1, 1))
    end = factory.LazyAttribute(lambda period: period.start.replace(month=12, day=31))
    target = 100


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("150")
    qualifier = IndicatorValue.Qualifier.OVER
    date = factory.Sequence(lambda n: datetime.date(2000 + n % 100, 1, 1))
    date_precision = "year"


class FundingProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingProgramme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUNDER)
    is_published = True


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    identifier = factory.Sequence(lambda n: f"360G-MMIP-TEST-{n}")
    title = factory.Sequence(lambda n: f"Award {n}")
    description = "Money to grow medicines manufacturing."
    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUNDER)
    recipient = factory.SubFactory(OrganisationFactory)
    amount = Decimal("100000.00")
    award_date = datetime.date(2020, 1, 1)
    award_date_precision = "year"
    is_published = True


class ApprenticeshipProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprenticeshipProgramme

    name = factory.Sequence(lambda n: f"Apprenticeship programme {n}")
    slug = factory.Sequence(lambda n: f"apprenticeship-programme-{n}")
    lead = factory.SubFactory(OrganisationFactory)
    workstream = factory.SubFactory(WorkstreamFactory)
    is_published = True


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ApprenticeshipProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    start_date = datetime.date(2019, 9, 1)
    start_precision = "month"
    apprentices_started = 10
    is_published = True


class CohortEmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortEmployer

    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    apprentices = 1


class TrainingCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCentre

    name = factory.Sequence(lambda n: f"Training centre {n}")
    slug = factory.Sequence(lambda n: f"training-centre-{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    is_published = True


class LearningResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningResource

    title = factory.Sequence(lambda n: f"Resource {n}")
    slug = factory.Sequence(lambda n: f"resource-{n}")
    kind = LearningResource.Kind.VIDEO
    provider = factory.SubFactory(OrganisationFactory)
    url = "https://example.org/resource"
    is_published = True


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff-{n}")
    is_staff = True


class WorkstreamRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkstreamRole

    workstream = factory.SubFactory(WorkstreamFactory)
    user = factory.SubFactory(StaffUserFactory)
    role = WorkstreamRole.Role.REPORTER


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"Commitment {n}")
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    source = factory.SubFactory(OutputFactory, kind=Output.Kind.ACTION_PLAN)
    status = Commitment.Status.PLANNED
    is_published = True


class ReportingRoundFactory(factory.django.DjangoModelFactory):
    """A year's first quarter, a year apart, so that no two rounds overlap."""

    class Meta:
        model = ReportingRound

    name = factory.Sequence(lambda n: f"{2000 + n} Q1")
    period_start = factory.Sequence(lambda n: datetime.date(2000 + n, 1, 1))
    period_end = factory.LazyAttribute(lambda r: r.period_start.replace(month=3, day=31))
    due_date = factory.LazyAttribute(lambda r: r.period_end + datetime.timedelta(days=30))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """A draft on a workstream. Its author is not made a reporter: tests of the review name
    their roles."""

    class Meta:
        model = ProgressUpdate

    workstream = factory.SubFactory(WorkstreamFactory)
    author = factory.SubFactory(StaffUserFactory)
    narrative = "Work goes on as planned."


def approved_update(*, narrative: str = "Work goes on as planned.", when=None, **target):
    """An update as tracking/services.py leaves it once approved, on the target given (a
    workstream= or a commitment=)."""
    when = when or timezone.now()
    return ProgressUpdateFactory(
        narrative=narrative,
        state=ProgressUpdate.State.APPROVED,
        submitted_at=when,
        started_from={},
        reviewer=StaffUserFactory(),
        reviewed_at=when,
        **({"workstream": None} | target),
    )


def unapproved_update(state: str, *, narrative: str, **target):
    """An update still a draft, awaiting review or returned to its author."""
    extra = {}
    if state != ProgressUpdate.State.DRAFT:
        extra = {"submitted_at": timezone.now(), "started_from": {}}
    if state == ProgressUpdate.State.RETURNED:
        extra |= {
            "reviewer": StaffUserFactory(),
            "reviewed_at": timezone.now(),
            "review_note": "Say more.",
        }
    return ProgressUpdateFactory(
        narrative=narrative, state=state, **({"workstream": None} | target), **extra
    )


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    commitment = factory.SubFactory(CommitmentFactory)
    changed_by = factory.SubFactory(StaffUserFactory)
    from_status = Commitment.Status.PLANNED
    to_status = Commitment.Status.IN_PROGRESS
    reason = "The work has begun."


def indicator_with_periods(**fields) -> Indicator:
    """An indicator with a baseline and a reporting period in each state a page draws: an
    exact actual short of its target (settled), one "over" its target, an approximate one,
    one not reported yet and one without a target. The demo record has none, as the seeds
    give no target or period."""
    indicator = IndicatorFactory(
        baseline=Decimal("40"),
        baseline_date=datetime.date(2017, 9, 1),
        baseline_precision="month",
        is_cumulative=True,
        **fields,
    )
    rows = [
        {"target": 100, "actual": 80, "is_locked": True},
        {"target": 150, "actual": 150, "actual_qualifier": "over"},
        {"target": 200, "actual": 190, "actual_qualifier": "about"},
        {"target": 250},
        {"target": None, "actual": 260},
    ]
    for index, row in enumerate(rows):
        if "actual" in row:
            row |= {
                "actual_source_title": "Annual report",
                "actual_source_url": "https://example.org/annual-report",
            }
        IndicatorPeriodFactory(
            indicator=indicator,
            start=datetime.date(2019 + index, 4, 1),
            end=datetime.date(2020 + index, 3, 31),
            **row,
        )
    return indicator


DEMO_FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").glob("*.json"))


def load_demo_record_with_wide_rows() -> None:
    """The demo record, plus what it does not have yet (a cohort with employers and a
    learning resource), so the browser checks see the widest tables too."""
    call_command("loaddata", *[str(path) for path in DEMO_FIXTURES], verbosity=0)
    cohort = CohortFactory(
        programme=ApprenticeshipProgramme.objects.get(
            slug="advanced-therapy-manufacturing-apprenticeships"
        ),
        name="2019 intake",
        start_date=datetime.date(2019, 9, 1),
        start_precision="month",
        apprentices_started=24,
        apprentices_completed=18,
        apprentices_withdrawn=2,
        level=4,
        standard="Technician scientist (bioprocessing and advanced therapies)",
        training_provider=OrganisationFactory(name="Example Training Provider Limited"),
    )
    CohortEmployerFactory(
        cohort=cohort,
        organisation=OrganisationFactory(name="Example Biologics Manufacturing Limited"),
        apprentices=9,
    )
    LearningResourceFactory(
        title="Good manufacturing practice for advanced therapies",
        kind="e-learning",
        url="https://example.org/gmp",
    )


def work_in_each_progress_list(workstream, *, done_in=None) -> None:
    """A milestone in /progress/'s "late or at risk" (slipped past its planned month, rated
    amber), a milestone done a week ago (of ``done_in``: None for the whole programme) and
    an initiative due next month, so that a page check finds every list of /progress/ full."""
    today = datetime.date.today()
    MilestoneFactory(
        workstream=workstream,
        title="An event that slipped",
        delivery_status="on-track",
        planned_date=datetime.date(2020, 6, 1),
        planned_precision="month",
        forecast_date=today + datetime.timedelta(days=60),
        rating="amber",
        rating_reason="The venue was lost.",
    )
    MilestoneFactory(
        workstream=done_in,
        title="A milestone done lately",
        delivery_status="done",
        actual_date=today - datetime.timedelta(days=7),
    )
    InitiativeFactory(
        workstream=workstream,
        name="An initiative due soon",
        delivery_status="planned",
        planned_date=today + datetime.timedelta(days=30),
    )
