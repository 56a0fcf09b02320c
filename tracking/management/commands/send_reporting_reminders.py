import smtplib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mmip.dates import DatePrecision, format_date
from tracking import reminders


class Command(BaseCommand):
    help = (
        "Email each reporter what still needs an update in the open reporting rounds on their "
        "workstreams, with what is late there, and each reviewer the updates awaiting their "
        "review. Safe to run from cron as often as you like: nobody gets more than one email "
        "a day, and nobody with nothing to be told gets one. Staff without an email address, "
        "and inactive accounts, are left out and counted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show who would get which email, in full, and send and record nothing.",
        )

    def handle(self, *args, dry_run, verbosity, **options):
        today = timezone.localdate()
        counts = {"sent": 0, "already": 0, "quiet": 0, "no_address": [], "inactive": []}
        failed = []
        for user in reminders.staff_with_roles():
            # Each person in a transaction of their own (reminders.send), so that one refused
            # by the mail server leaves the others sent and recorded.
            reminder = reminders.reminder_for(user, today)
            if not reminder.says_something:
                counts["quiet"] += 1
            elif not (user.is_active and user.is_staff):
                counts["inactive"].append(user.get_username())
            elif not user.email:
                counts["no_address"].append(user.get_username())
            elif reminders.already_reminded(user, today):
                counts["already"] += 1
            elif dry_run:
                counts["sent"] += 1
                if verbosity >= 1:
                    self._show(reminder)
            else:
                try:
                    sent = reminders.send(reminder)
                except (smtplib.SMTPException, OSError) as refusal:
                    failed.append(f"{user.get_username()} ({refusal})")
                    continue
                if sent:
                    counts["sent"] += 1
                    if verbosity >= 2:
                        self.stdout.write(f"Sent to {user.email}: {reminder.subject}")
                else:
                    counts["already"] += 1
        if verbosity >= 1:
            self.stdout.write(self._summary(today, counts, dry_run=dry_run))
        if failed:
            raise CommandError(
                f"Not sent, as the mail server refused them: {', '.join(failed)}. Nothing is "
                "recorded for them, so the next run tries again."
            )

    def _show(self, reminder):
        self.stdout.write(
            f"To: {reminder.user.email}\nSubject: {reminder.subject}\n\n{reminder.body}\n"
        )

    def _summary(self, today, counts, *, dry_run: bool) -> str:
        day = format_date(today, DatePrecision.DAY)
        sent = counts["sent"]
        lines = [
            f"Reporting reminders for {day}: "
            + (
                f"{sent} would be sent (a dry run: nothing sent or recorded)"
                if dry_run
                else f"{sent} sent"
            )
            + f"; {counts['already']} already reminded today; {counts['quiet']} with nothing "
            "to be told."
        ]
        if counts["no_address"]:
            lines.append(
                f"Not sent to {len(counts['no_address'])} without an email address: "
                f"{', '.join(counts['no_address'])}."
            )
        if counts["inactive"]:
            lines.append(
                f"Not sent to {len(counts['inactive'])} whose account is inactive or no longer "
                f"staff: {', '.join(counts['inactive'])}."
            )
        return "\n".join(lines)
