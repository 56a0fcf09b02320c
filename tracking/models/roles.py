"""Who reports on and who reviews each workstream: staff hold these roles per workstream,
and the review services ask them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from mmip.records import (
    PublicQuerySet,
    RecordHistory,
)
from workstreams.models import Workstream


class StaffOnlyQuerySet(PublicQuerySet):
    """Records of the staff's own work (who reports on what, the reporting timetable): never
    shown to the public, so public() is always empty."""

    def public_condition(self, path: str = "") -> Q:
        return Q(**{f"{path}pk__in": []})


# Who reports and who reviews ------------------------------------------------------------


class WorkstreamRoleQuerySet(StaffOnlyQuerySet):
    def workstreams_of(self, user, *roles: str):
        """The ids of the workstreams in which ``user`` holds any of ``roles``, as a subquery,
        so a filter on it costs no query of its own."""
        return self.filter(user=user, role__in=roles).values("workstream")


class WorkstreamRole(models.Model):
    class Role(models.TextChoices):
        REPORTER = "reporter", "Reporter"
        REVIEWER = "reviewer", "Reviewer"

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="staff_roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workstream_roles",
        limit_choices_to={"is_staff": True},
        verbose_name="member of staff",
    )
    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        help_text="Reporters write the workstream's progress updates; reviewers approve or "
        "return them (never their own).",
    )

    objects = WorkstreamRoleQuerySet.as_manager()
    history = RecordHistory()

    class Meta:
        verbose_name = "reporter or reviewer"
        verbose_name_plural = "reporters and reviewers"
        ordering = ["workstream__display_order", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "user", "role"],
                name="workstream_role_unique",
                violation_error_message="This member of staff already has that role in this workstream.",
            ),
        ]
        indexes = [
            # Every update list in the admin and every check in tracking/services.py asks
            # which workstreams one member of staff reports on or reviews.
            models.Index(fields=["user", "role"], name="workstream_role_user_idx"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.workstream}"

    @property
    def is_public(self) -> bool:
        """The rule of StaffOnlyQuerySet.public_condition(): never."""
        return False

    def clean(self):
        if self.user_id and not self.user.is_staff:
            raise ValidationError(
                {"user": "Only members of staff can report on or review a workstream."}
            )


def has_role(user, workstream_id: int, role: str) -> bool:
    return WorkstreamRole.objects.filter(user=user, workstream_id=workstream_id, role=role).exists()


# Commitments ----------------------------------------------------------------------------
