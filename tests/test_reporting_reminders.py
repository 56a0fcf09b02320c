"""manage.py send_reporting_reminders: each reporter is emailed what still needs an update in
the open rounds on their workstreams, with what is late there; each reviewer, what awaits
their review (never their own). At most one email a person a day, held by the database even
against two runs at once; nobody with nothing to be told, no address or an inactive account
gets one. Sent through Django's in-memory backend here."""

import datetime
import smtplib
import threading
import time
from dataclasses import dataclass
from io import StringIO

import psycopg
import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.test_settings_and_setup import UNUSED_DATABASE_URL, run_manage
from tracking import services
from tracking.models import ReminderSent, ReportingRound
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db

# The round covers the last quarter of 2026; its updates are due by the end of January.
DURING_THE_ROUND = "2026-11-16 09:00:00+00:00"
AFTER_ITS_DUE_DATE = "2027-02-10 09:00:00+00:00"


def person(username: str, *, reports=(), reviews=(), **fields) -> User:
    fields.setdefault("email", f"{username}@example.org")
    user = f.StaffUserFactory(username=username, first_name=username.title(), **fields)
    for workstream in reports:
        f.WorkstreamRoleFactory(workstream=workstream, user=user, role="reporter")
    for workstream in reviews:
        f.WorkstreamRoleFactory(workstream=workstream, user=user, role="reviewer")
    return user


@dataclass
class Programme:
    skills: Workstream
    fiscal: Workstream
    round: ReportingRound
    reporter: User  # reports on Skills
    reviewer: User  # reviews Skills
    fiscal_reporter: User


@pytest.fixture
def programme(db) -> Programme:
    skills = f.WorkstreamFactory(name="Skills")
    fiscal = f.WorkstreamFactory(name="Fiscal Environment")
    round_ = f.ReportingRoundFactory(
        name="2026 Q4",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 12, 31),
        due_date=datetime.date(2027, 1, 31),
    )
    f.CommitmentFactory(
        workstream=skills,
        title="A talent plan",
        status="in-progress",
        due_date=datetime.date(2026, 3, 1),
        due_precision="month",
    )
    f.MilestoneFactory(
        workstream=skills,
        title="Skills summit",
        date=datetime.date(2026, 6, 1),
        date_precision="month",
        delivery_status="on-track",
        planned_date=datetime.date(2026, 6, 1),
        planned_precision="month",
    )
    indicator = f.IndicatorFactory(name="Apprentices")
    indicator.workstreams.set([skills])
    f.IndicatorPeriodFactory(
        indicator=indicator, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    )
    f.CommitmentFactory(workstream=fiscal, title="A tax review")
    return Programme(
        skills=skills,
        fiscal=fiscal,
        round=round_,
        reporter=person("reporter", reports=[skills]),
        reviewer=person("reviewer", reviews=[skills]),
        fiscal_reporter=person("fiscalreporter", reports=[fiscal]),
    )


def run(*args, **options) -> str:
    out = StringIO()
    call_command("send_reporting_reminders", *args, stdout=out, **options)
    return out.getvalue()


def sent_to(address: str) -> EmailMessage:
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return message


def submitted(author: User, **target):
    update = f.ProgressUpdateFactory(author=author, **{"workstream": None, **target})
    return services.submit_update(update=update, author=author)


# What each person is told --------------------------------------------------------------


def test_a_reporter_is_told_what_their_workstreams_still_need_and_what_is_late(programme, settings):
    settings.SITE_URL = "https://mmip.example.org"
    f.ProgressUpdateFactory(
        author=programme.reporter,
        workstream=None,
        commitment=programme.skills.commitments.get(),
        round=programme.round,
    )
    returned = submitted(
        programme.reporter, milestone=programme.skills.milestones.get(), round=programme.round
    )
    services.return_update(update=returned, reviewer=programme.reviewer, note="Say when.")

    with time_machine.travel(DURING_THE_ROUND, tick=False):
        run()

    message = sent_to("reporter@example.org")
    assert message.subject == "MMIP reporting: 4 to update, 2 late"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    body = message.body
    assert "Dear Reporter," in body
    assert "for 16 November 2026" in body
    assert "Still needs an update in 2026 Q4 (updates due 31 January 2027):" in body
    assert "- Workstream: Skills\n" in body
    assert "- Commitment: A talent plan (Skills) — your draft is not yet submitted\n" in body
    assert (
        "- Milestone: June 2026: Skills summit (Skills) — your update was returned to you "
        "with a note\n" in body
    )
    assert "- Reporting period: Apprentices, 1 January 2026 to 31 December 2026\n" in body
    assert "Late on the workstreams you report on:" in body
    assert "- Commitment: A talent plan (Skills), due March 2026\n" in body
    assert "- Milestone: June 2026: Skills summit (Skills), planned June 2026\n" in body
    assert "https://mmip.example.org/admin/tracking/progressupdate/add/" in body
    # Nothing of a workstream they do not report on.
    assert "Fiscal" not in body and "tax review" not in body
    # Autoescaping is off: the email is plain text.
    assert "&amp;" not in body and "&#x27;" not in body


def test_after_the_due_date_it_says_the_updates_are_overdue(programme):
    with time_machine.travel(AFTER_ITS_DUE_DATE, tick=False):
        run()

    assert "(updates were due 31 January 2027: overdue)" in sent_to("reporter@example.org").body


def test_a_reviewer_is_told_what_awaits_their_review_but_never_their_own(programme, settings):
    settings.SITE_URL = "https://mmip.example.org"
    both = person("both", reports=[programme.skills], reviews=[programme.skills])
    theirs = submitted(programme.reporter, workstream=programme.skills)
    own = submitted(both, commitment=programme.skills.commitments.get())
    submitted(programme.fiscal_reporter, workstream=programme.fiscal)

    with time_machine.travel(DURING_THE_ROUND, tick=False):
        run()

    reviewer = sent_to("reviewer@example.org")
    assert reviewer.subject == "MMIP reporting: 2 to review"
    assert f"- {theirs}, by reporter: https://mmip.example.org/admin/tracking/progressupdate/" in (
        reviewer.body
    )
    assert "Fiscal" not in reviewer.body
    assert "Still needs an update" not in reviewer.body
    # Who reports and reviews is told both, in one email, and not of their own update.
    both_email = sent_to("both@example.org")
    assert "1 to review" in both_email.subject
    assert str(theirs) in both_email.body and str(own) not in both_email.body


def test_what_has_had_its_update_is_not_asked_for_again(programme):
    submitted(programme.reporter, workstream=programme.skills, round=programme.round)

    with time_machine.travel(DURING_THE_ROUND, tick=False):
        run()

    body = sent_to("reporter@example.org").body
    assert "Workstream: Skills" not in body
    assert "Commitment: A talent plan (Skills)\n" in body


def test_nothing_to_be_told_sends_nothing(programme):
    ReportingRound.objects.update(is_open=False)

    # Late work alone is no reminder: it is told while a round asks for updates.
    with time_machine.travel(DURING_THE_ROUND, tick=False):
        output = run()

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "0 sent; 0 already reminded today; 3 with nothing to be told." in output


# At most one a day ---------------------------------------------------------------------


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(programme):
    with time_machine.travel(DURING_THE_ROUND, tick=False) as clock:
        first = run()
        assert len(mail.outbox) == 2  # the Skills and Fiscal reporters
        assert "2 sent; 0 already reminded today; 1 with nothing to be told." in first

        clock.shift(datetime.timedelta(hours=12))
        second = run()
        assert len(mail.outbox) == 2
        assert "0 sent; 2 already reminded today" in second

        clock.shift(datetime.timedelta(hours=12))
        run()

    assert len(mail.outbox) == 4
    assert sorted(ReminderSent.objects.values_list("user__username", "day")) == [
        ("fiscalreporter", datetime.date(2026, 11, 16)),
        ("fiscalreporter", datetime.date(2026, 11, 17)),
        ("reporter", datetime.date(2026, 11, 16)),
        ("reporter", datetime.date(2026, 11, 17)),
    ]


def test_the_database_holds_one_reminder_a_person_a_day(programme):
    day = datetime.date(2026, 11, 16)
    ReminderSent.objects.create(user=programme.reporter, day=day, subject="First")

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        ReminderSent.objects.create(user=programme.reporter, day=day, subject="Second")
    assert "reminder_one_per_person_per_day" in str(refused.value)
    with pytest.raises(ValidationError) as caught:
        ReminderSent(user=programme.reporter, day=day, subject="Second").validate_constraints()
    assert caught.value.messages == ["This member of staff has had today's reminder."]


@pytest.mark.django_db(transaction=True)
def test_a_run_waits_for_another_runs_claim_and_then_sends_nothing():
    """Another run has claimed today's reminder and is still sending it. This run must wait
    for it to finish and then send nothing: read without waiting, it would find no claim and
    send a second email."""
    workstream = f.WorkstreamFactory()
    f.ReportingRoundFactory(
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 12, 31),
        due_date=datetime.date(2027, 1, 31),
    )
    reporter = person("reporter", reports=[workstream])

    with (
        time_machine.travel(DURING_THE_ROUND, tick=False),
        psycopg.connect(**connection.get_connection_params()) as other,
    ):
        other.execute(
            f"INSERT INTO {ReminderSent._meta.db_table} (user_id, day, sent_at, subject) "
            "VALUES (%s, %s, now(), 'Sent by the other run')",
            [reporter.pk, datetime.date(2026, 11, 16)],
        )
        committing = threading.Timer(0.5, other.commit)
        committing.start()
        try:
            output = run()
        finally:
            committing.join()

    assert mail.outbox == []
    assert "0 sent; 1 already reminded today" in output
    assert ReminderSent.objects.get().subject == "Sent by the other run"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_person_one_email(monkeypatch):
    workstream = f.WorkstreamFactory()
    f.ReportingRoundFactory(
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 12, 31),
        due_date=datetime.date(2027, 1, 31),
    )
    person("first", reports=[workstream])
    person("second", reports=[workstream])
    outputs = []

    def other_run():
        try:
            outputs.append(run())
        finally:
            connection.close()

    other = threading.Thread(target=other_run)
    send = EmailMessage.send

    def send_while_the_other_run_starts(message, *args, **kwargs):
        # The first email of this run is sent while the other run runs into its claim.
        if not other.is_alive() and not outputs:
            other.start()
            wait_for_a_run_held_by_a_claim()
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_while_the_other_run_starts)
    with time_machine.travel(DURING_THE_ROUND, tick=False):
        outputs.append(run())
        other.join(timeout=30)

    assert sorted(address for message in mail.outbox for address in message.to) == [
        "first@example.org",
        "second@example.org",
    ]
    assert ReminderSent.objects.count() == 2
    sent = sum(int(output.split(": ")[1].split(" sent")[0]) for output in outputs)
    assert sent == 2


def wait_for_a_run_held_by_a_claim(timeout: float = 10) -> None:
    """Until another connection waits on a lock to claim a reminder."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            (waiting,) = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query ILIKE %s",
                [f"%INSERT INTO%{ReminderSent._meta.db_table}%"],
            ).fetchone()
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("The other run never reached the claim.")


# Who cannot be told ------------------------------------------------------------------


def test_staff_without_an_address_or_active_account_are_left_out_and_named(programme):
    programme.reporter.email = ""
    programme.reporter.save()
    programme.fiscal_reporter.is_active = False
    programme.fiscal_reporter.save()
    person("formerstaff", reports=[programme.skills], is_staff=False)

    with time_machine.travel(DURING_THE_ROUND, tick=False):
        output = run()

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "Not sent to 1 without an email address: reporter." in output
    assert (
        "Not sent to 2 whose account is inactive or no longer staff: fiscalreporter, formerstaff."
        in output
    )


def test_a_refusal_by_the_mail_server_is_reported_and_tried_again_next_run(programme, monkeypatch):
    send = EmailMessage.send

    def refuse_the_reporter(message, *args, **kwargs):
        if message.to == ["reporter@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"reporter@example.org": (550, b"No such user")})
        return send(message, *args, **kwargs)

    with time_machine.travel(DURING_THE_ROUND, tick=False):
        monkeypatch.setattr(EmailMessage, "send", refuse_the_reporter)
        with pytest.raises(CommandError) as failed:
            run()
        assert "Not sent, as the mail server refused them: reporter (" in str(failed.value)
        assert [message.to for message in mail.outbox] == [["fiscalreporter@example.org"]]
        assert list(ReminderSent.objects.values_list("user__username", flat=True)) == [
            "fiscalreporter"
        ]

        monkeypatch.setattr(EmailMessage, "send", send)
        run()

    assert [message.to for message in mail.outbox][-1] == ["reporter@example.org"]


# The dry run and bad input -----------------------------------------------------------


def test_a_dry_run_shows_who_would_get_what_and_sends_and_records_nothing(programme):
    with time_machine.travel(DURING_THE_ROUND, tick=False):
        output = run("--dry-run")

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "To: reporter@example.org\nSubject: MMIP reporting: 4 to update, 2 late" in output
    assert "- Workstream: Skills" in output
    assert "To: fiscalreporter@example.org" in output
    assert "2 would be sent (a dry run: nothing sent or recorded)" in output


def test_quiet_at_verbosity_0(programme):
    with time_machine.travel(DURING_THE_ROUND, tick=False):
        assert run(verbosity=0) == ""
    assert len(mail.outbox) == 2


def test_an_unknown_argument_is_refused_and_sends_nothing(programme):
    with pytest.raises(CommandError, match="unrecognized arguments: everyone"):
        run("everyone")
    assert mail.outbox == []


# Settings ----------------------------------------------------------------------------

SHOW_EMAIL_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, "
    "s.DEFAULT_FROM_EMAIL, s.SITE_URL, sep='|')"
)


def test_mail_goes_through_the_smtp_server_the_environment_names():
    result = run_manage(
        "shell",
        "-c",
        SHOW_EMAIL_SETTINGS,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        DATABASE_URL=UNUSED_DATABASE_URL,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="mmip",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="MMIP <reporting@mmip.example.org>",
        SITE_URL="https://mmip.example.org/",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "django.core.mail.backends.smtp.EmailBackend|smtp.example.org|2525|mmip|False|"
        "MMIP <reporting@mmip.example.org>|https://mmip.example.org"
    )


def test_development_prints_mail_to_the_console_without_a_server():
    result = run_manage(
        "shell", "-c", SHOW_EMAIL_SETTINGS, DEBUG="true", EMAIL_HOST=None, SITE_URL=None
    )

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        .splitlines()[-1]
        .startswith("django.core.mail.backends.console.EmailBackend|")
    )
    assert result.stdout.strip().endswith("|http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be a whole number, not 'smtp'."),
        ("EMAIL_USE_TLS", "perhaps", "EMAIL_USE_TLS must be true or false, not 'perhaps'."),
        ("SITE_URL", "mmip.example.org", "SITE_URL must start with https:// or http://"),
    ],
)
def test_a_bad_email_setting_is_refused_with_its_name(variable, value, message):
    result = run_manage("check", DEBUG="true", EMAIL_HOST="smtp.example.org", **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr


# What a run costs ----------------------------------------------------------------------


def test_a_run_costs_the_same_with_3_and_30_things_to_tell(programme):
    def add(count):
        for _ in range(count):
            f.CommitmentFactory(workstream=programme.skills, status="in-progress")
            f.MilestoneFactory(
                workstream=programme.skills,
                delivery_status="at-risk",
                planned_date=datetime.date(2026, 1, 1),
            )
            indicator = f.IndicatorFactory()
            indicator.workstreams.set([programme.skills])
            f.IndicatorPeriodFactory(
                indicator=indicator,
                start=datetime.date(2026, 10, 1),
                end=datetime.date(2026, 12, 31),
            )
            submitted(programme.reporter, commitment=programme.skills.commitments.last())

    def cost(day):
        ReminderSent.objects.all().delete()
        with time_machine.travel(day, tick=False), CaptureQueriesContext(connection) as queries:
            run()
        return len(queries)

    add(3)
    three = cost(DURING_THE_ROUND)
    add(27)
    # For each person: the open rounds, their unfinished updates in each, what each kind
    # still needs, late commitments and milestones, what awaits their review (with the
    # workstreams of any indicator), whether they had today's reminder, and its claim.
    assert cost(DURING_THE_ROUND) == three
    reviewer = [message for message in mail.outbox if message.to == ["reviewer@example.org"]]
    assert [message.subject for message in reviewer] == [
        "MMIP reporting: 3 to review",
        "MMIP reporting: 30 to review",
    ]
