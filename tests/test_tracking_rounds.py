"""What a reporting round asks about: every active workstream, every commitment, milestone and
initiative still to be delivered, and every indicator period not locked that ends within
the round; what has had its update in it (approved or awaiting review) and what still needs
one, on the round's page and as a filter of each list, narrowed to my workstreams if asked;
at a cost that does not grow with the record."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.test_admin import admin_url
from tests.test_tracking_review import client_for, staff, submitted_by
from tracking import services
from tracking.models import ROUND_KINDS, Commitment, ReportingRound, UpdateState, WorkstreamRole
from tracking.models.rounds import of_workstreams
from workstreams.models import IndicatorPeriod, Initiative, Milestone, Workstream

pytestmark = pytest.mark.django_db

MODELS = {
    "workstream": Workstream,
    "commitment": Commitment,
    "milestone": Milestone,
    "initiative": Initiative,
    "period": IndicatorPeriod,
}
Q4 = {"period_start": datetime.date(2026, 10, 1), "period_end": datetime.date(2026, 12, 31)}


@pytest.fixture
def round_():
    return f.ReportingRoundFactory(name="2026 Q4", due_date=datetime.date(2027, 1, 31), **Q4)


def undelivered(factory, **fields):
    return factory(delivery_status="on-track", planned_date=datetime.date(2027, 6, 1), **fields)


def period_of(workstreams, *, start, end, **fields):
    indicator = f.IndicatorFactory()
    indicator.workstreams.set(workstreams)
    return f.IndicatorPeriodFactory(indicator=indicator, start=start, end=end, **fields)


def asked(round_) -> dict[str, set]:
    return {kind: set(round_.asked_about(kind)) for kind in ROUND_KINDS}


def test_a_round_asks_about_what_is_still_to_be_delivered_and_periods_ending_in_it(round_):
    skills = f.WorkstreamFactory(name="Skills")
    f.WorkstreamFactory(name="Paused", status=Workstream.Status.PAUSED)
    open_commitment = f.CommitmentFactory(workstream=skills, status="in-progress")
    f.CommitmentFactory(workstream=skills, status="delivered")
    milestone = undelivered(f.MilestoneFactory, workstream=skills)
    undelivered(f.MilestoneFactory, workstream=None)  # the whole programme's: nobody reports
    f.MilestoneFactory(workstream=skills)  # not tracked against a plan
    f.MilestoneFactory(
        workstream=skills,
        delivery_status="done",
        actual_date=datetime.date(2026, 1, 1),
        actual_precision="day",
    )
    initiative = undelivered(f.InitiativeFactory, workstream=skills)
    f.InitiativeFactory(workstream=skills, delivery_status="dropped")
    in_round = period_of(
        [skills], start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 31)
    )
    ends_in_round = period_of(
        [skills], start=datetime.date(2026, 1, 1), end=datetime.date(2026, 10, 1)
    )
    period_of([skills], start=datetime.date(2026, 11, 1), end=datetime.date(2027, 1, 31))
    period_of([skills], start=datetime.date(2026, 1, 1), end=datetime.date(2026, 9, 30))
    period_of(
        [skills], start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 1), is_locked=True
    )
    period_of([], start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 31))

    assert asked(round_) == {
        "workstream": {skills},
        "commitment": {open_commitment},
        "milestone": {milestone},
        "initiative": {initiative},
        "period": {in_round, ends_in_round},
    }


def test_only_an_approved_or_submitted_update_in_the_round_counts_as_its_update(round_):
    skills = f.WorkstreamFactory(name="Skills")
    reporter = staff("reporter", "Reporters", reports=[skills])
    reviewer = staff("reviewer", "Reviewers", reviews=[skills])
    submitted = f.CommitmentFactory(workstream=skills)
    approved = f.CommitmentFactory(workstream=skills)
    drafted = f.CommitmentFactory(workstream=skills)
    returned = f.CommitmentFactory(workstream=skills)
    elsewhere = f.CommitmentFactory(workstream=skills)
    submitted_by(reporter, submitted, round=round_)

    services.approve_update(
        update=submitted_by(reporter, approved, round=round_), reviewer=reviewer
    )
    f.ProgressUpdateFactory(author=reporter, workstream=None, commitment=drafted, round=round_)
    services.return_update(
        update=submitted_by(reporter, returned, round=round_), reviewer=reviewer, note="More."
    )
    submitted_by(reporter, elsewhere, round=f.ReportingRoundFactory())

    assert set(round_.still_to_report("commitment")) == {drafted, returned, elsewhere}
    states = {row["target"]: row["update"] for row in round_.reporting()}
    assert states[submitted].state == UpdateState.SUBMITTED
    assert states[approved].state == UpdateState.APPROVED
    assert states[drafted].state == UpdateState.DRAFT
    assert states[returned].state == UpdateState.RETURNED
    assert states[elsewhere] is None


def test_the_round_page_lists_every_kind_with_its_workstreams(editor_client, round_):
    skills = f.WorkstreamFactory(name="Skills")
    fiscal = f.WorkstreamFactory(name="Fiscal Environment")
    reporter = staff("reporter", "Reporters", reports=[skills])
    milestone = undelivered(f.MilestoneFactory, workstream=skills, title="Skills summit")
    undelivered(f.InitiativeFactory, workstream=fiscal, name="Tax review")
    period = period_of(
        [skills, fiscal], start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 31)
    )
    submitted_by(reporter, skills, round=round_)
    update = f.ProgressUpdateFactory(
        author=reporter, workstream=None, milestone=milestone, round=round_
    )

    page = editor_client.get(admin_url(ReportingRound, "change", round_.pk)).content.decode()

    assert "1 of 5 have had their update (approved or awaiting review); 4 still need one." in page
    assert f"Milestone: {milestone}" in page
    assert "Initiative: Tax review" in page
    assert f"Reporting period: {period}" in page
    assert "Fiscal Environment, Skills" in page or "Skills, Fiscal Environment" in page
    assert f"Draft, by {update.author}" in page
    assert f"Awaiting review, by {reporter}" in page


def test_the_round_page_costs_the_same_with_3_and_30_of_each_kind(editor_client, round_):
    url = admin_url(ReportingRound, "change", round_.pk)
    reporter = f.StaffUserFactory()

    def add(count):
        for _ in range(count):
            workstream = f.WorkstreamFactory()
            f.WorkstreamRoleFactory(workstream=workstream, user=reporter)
            f.CommitmentFactory(workstream=workstream)
            undelivered(f.MilestoneFactory, workstream=workstream)
            undelivered(f.InitiativeFactory, workstream=workstream)
            period = period_of(
                [workstream, f.WorkstreamFactory()],
                start=datetime.date(2026, 10, 1),
                end=datetime.date(2026, 12, 31),
            )
            f.ProgressUpdateFactory(author=reporter, workstream=None, period=period, round=round_)

    add(3)
    editor_client.get(url)
    # The session, the user, the group permissions, the round, and its reporting: the
    # round's updates with their authors, then the workstreams, commitments, milestones,
    # initiatives and periods it asks about (each with its workstream, or an indicator's
    # workstreams in one more query). None per row.
    with CaptureQueriesContext(connection) as three:
        editor_client.get(url)
    add(27)
    with CaptureQueriesContext(connection) as thirty:
        response = editor_client.get(url)

    assert "have had their update" in response.content.decode()
    assert len(thirty) == len(three), "\n".join(query["sql"] for query in thirty)


# The filter of what still needs an update, on each list --------------------------------


@pytest.fixture
def record(round_):
    """Of each kind, on Skills and on Fiscal Environment: one still to report in the round,
    and one that has had its update."""
    skills = f.WorkstreamFactory(name="Skills")
    fiscal = f.WorkstreamFactory(name="Fiscal Environment")
    for workstream in (skills, fiscal):
        reporter = staff(f"reporter-{workstream.pk}", "Reporters", reports=[workstream])
        reported = [
            workstream,
            f.CommitmentFactory(workstream=workstream),
            undelivered(f.MilestoneFactory, workstream=workstream),
            undelivered(f.InitiativeFactory, workstream=workstream),
            period_of(
                [workstream], start=datetime.date(2026, 10, 1), end=datetime.date(2026, 11, 30)
            ),
        ]
        for target in reported:
            kind = target._meta.model_name.replace("indicatorperiod", "period")
            f.ProgressUpdateFactory(
                author=reporter,
                round=round_,
                state="submitted",
                submitted_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
                started_from={},
                **{"workstream": None, kind: target},
            )
        # Still to report: another of each kind but the workstream itself.
        f.CommitmentFactory(workstream=workstream)
        undelivered(f.MilestoneFactory, workstream=workstream)
        undelivered(f.InitiativeFactory, workstream=workstream)
        period_of([workstream], start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 31))
    # And a workstream with nobody's update yet.
    f.WorkstreamFactory(name="Communications")
    return skills, fiscal


def listed(client, kind, query) -> list:
    response = client.get(admin_url(MODELS[kind], "changelist"), query)
    assert response.status_code == 200
    changelist = response.context["cl"]
    rows = list(changelist.result_list)
    assert changelist.result_count == len(rows)
    return rows


@pytest.mark.parametrize("kind", ROUND_KINDS)
def test_each_list_filters_to_exactly_what_still_needs_an_update(
    editor_client, round_, record, kind
):
    rows = listed(editor_client, kind, {"to_report_in": round_.pk})

    assert set(rows) == set(round_.still_to_report(kind))
    assert len(rows) == (1 if kind == "workstream" else 2)


@pytest.mark.parametrize("kind", ROUND_KINDS)
def test_a_reporter_lists_only_what_their_workstreams_still_need(round_, record, kind):
    skills, _ = record
    reporter = staff("skills-reporter", "Reporters", reports=[skills])

    rows = listed(client_for(reporter), kind, {"to_report_in": round_.pk, "mine": "yes"})

    workstreams = {
        workstream
        for row in rows
        for workstream in (
            [row]
            if kind == "workstream"
            else row.indicator.workstreams.all()
            if kind == "period"
            else [row.workstream]
        )
    }
    assert workstreams <= {skills}
    assert len(rows) == (0 if kind == "workstream" else 1)


@pytest.mark.parametrize("value", ["x", "", "-1", "9" * 40, "1; DROP"])
def test_a_bad_round_in_the_address_leaves_the_list_unfiltered(editor_client, record, value):
    everything = listed(editor_client, "commitment", {})

    assert listed(editor_client, "commitment", {"to_report_in": value}) == everything
    assert listed(editor_client, "commitment", {"mine": value}) == everything


def test_a_closed_round_is_not_offered_and_leaves_the_list_unfiltered(
    editor_client, round_, record
):
    round_.is_open = False
    round_.save()
    everything = listed(editor_client, "commitment", {})

    assert listed(editor_client, "commitment", {"to_report_in": round_.pk}) == everything
    page = editor_client.get(admin_url(Commitment, "changelist")).content.decode()
    assert "to_report_in=" not in page


def test_rounds_count_what_still_needs_an_update_in_one_query(round_, record):
    skills, _ = record
    later = f.ReportingRoundFactory(
        name="2027 Q1",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 3, 31),
        due_date=datetime.date(2027, 4, 30),
    )
    reporter = staff("skills-reporter", "Reporters", reports=[skills])
    mine = WorkstreamRole.objects.workstreams_of(reporter, WorkstreamRole.Role.REPORTER)
    with CaptureQueriesContext(connection) as queries:
        counted = {
            round_counted.pk: round_counted
            for round_counted in ReportingRound.objects.with_still_to_report()
        }
        narrowed = {
            round_counted.pk: round_counted
            for round_counted in ReportingRound.objects.with_still_to_report(
                **{kind: of_workstreams(kind, mine) for kind in ROUND_KINDS}
            )
        }

    assert len(queries) == 2
    for each in (round_, later):
        for kind in ROUND_KINDS:
            assert getattr(counted[each.pk], f"to_report_{kind}") == (
                each.still_to_report(kind).count()
            )
            assert getattr(narrowed[each.pk], f"to_report_{kind}") == (
                each.still_to_report(kind).filter(of_workstreams(kind, mine)).count()
            )
    assert counted[later.pk].to_report_period == 0
    assert counted[later.pk].to_report_commitment == 4


@pytest.mark.parametrize("kind", ROUND_KINDS)
def test_filtered_lists_cost_the_same_with_3_and_30_rows(editor, round_, kind):
    client = client_for(editor)
    url = admin_url(MODELS[kind], "changelist")
    query = {"to_report_in": round_.pk, "mine": "yes"}

    def add(count):
        for _ in range(count):
            workstream = f.WorkstreamFactory()
            f.WorkstreamRoleFactory(workstream=workstream, user=editor, role="reviewer")
            if kind == "commitment":
                f.CommitmentFactory(workstream=workstream)
            elif kind in ("milestone", "initiative"):
                factory = f.MilestoneFactory if kind == "milestone" else f.InitiativeFactory
                undelivered(factory, workstream=workstream)
            elif kind == "period":
                period_of(
                    [workstream],
                    start=datetime.date(2026, 10, 1),
                    end=datetime.date(2026, 12, 31),
                )

    def cost(rows):
        # The queries of the unfiltered list, and the open rounds the filter offers: the
        # filters themselves are subqueries of the list's own queries.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        assert response.context["cl"].result_count == rows
        return len(queries)

    add(3)
    client.get(url, query)
    three = cost(3)
    add(27)
    assert cost(30) == three


def test_reporters_read_the_lists_of_workstreams_and_periods_but_do_not_change_them(record):
    skills, _ = record
    reporter = staff("skills-reporter", "Reporters", reports=[skills])
    client = client_for(reporter)
    period = IndicatorPeriod.objects.filter(indicator__workstreams=skills).first()

    for model in (Workstream, IndicatorPeriod):
        assert client.get(admin_url(model, "changelist")).status_code == 200
        assert client.get(admin_url(model, "add")).status_code == 403
    page = client.get(admin_url(IndicatorPeriod, "change", period.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(admin_url(IndicatorPeriod, "change", period.pk), {}).status_code == 403
