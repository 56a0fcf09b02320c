"""The reporting reminders sent: one row for each member of staff emailed on a day. Not the
record (no history, nothing public): it is how the database holds that nobody gets two
reminders in a day, whatever runs at once (tracking/reminders.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReminderSent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reporting_reminders",
        verbose_name="member of staff",
    )
    day = models.DateField(help_text="The day it was sent, in the site's time zone.")
    sent_at = models.DateTimeField("sent", default=timezone.now)
    subject = models.CharField(max_length=200)

    class Meta:
        verbose_name = "reporting reminder sent"
        ordering = ["-sent_at"]
        constraints = [
            # The claim a run takes before it sends: a second run the same day, even one
            # under way at the same moment, finds it (or waits for it) and sends nothing.
            models.UniqueConstraint(
                fields=["user", "day"],
                name="reminder_one_per_person_per_day",
                violation_error_message="This member of staff has had today's reminder.",
            ),
        ]

    def __str__(self):
        return f"{self.user}, {self.day:%Y-%m-%d}: {self.subject}"
