"""Tracking the programme against its plan: who reports on and who reviews each workstream,
what each workstream has undertaken to deliver (commitments), the reporting rounds, and the
progress updates that a second person approves before they change the record or become
public. The writes that move an update through its review are in tracking/services.py."""

from mmip.dates import start_of_period
from mmip.ratings import SAYS_SOMETHING, Rating, rating_has_a_reason, rating_problems
from tracking.models.changes import StatusChange, StatusChangeQuerySet
from tracking.models.commitments import (
    OPEN_STATUSES,
    Commitment,
    CommitmentQuerySet,
    CommitmentStatus,
    late_condition,
)
from tracking.models.reminders import ReminderSent
from tracking.models.roles import (
    StaffOnlyQuerySet,
    WorkstreamRole,
    WorkstreamRoleQuerySet,
    has_role,
)
from tracking.models.rounds import (
    ROUND_KINDS,
    DateRange,
    ReportingRound,
    ReportingRoundQuerySet,
)
from tracking.models.updates import (
    EDITABLE_STATES,
    REPORTED_STATES,
    REVIEWED_STATES,
    UPDATE_TARGETS,
    ProgressUpdate,
    ProgressUpdateQuerySet,
    UpdateState,
    exactly_one_of,
    on_workstreams,
)

__all__ = [
    "EDITABLE_STATES",
    "OPEN_STATUSES",
    "REPORTED_STATES",
    "REVIEWED_STATES",
    "ROUND_KINDS",
    "SAYS_SOMETHING",
    "UPDATE_TARGETS",
    "Commitment",
    "CommitmentQuerySet",
    "CommitmentStatus",
    "DateRange",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "Rating",
    "ReminderSent",
    "ReportingRound",
    "ReportingRoundQuerySet",
    "StaffOnlyQuerySet",
    "StatusChange",
    "StatusChangeQuerySet",
    "UpdateState",
    "WorkstreamRole",
    "WorkstreamRoleQuerySet",
    "exactly_one_of",
    "has_role",
    "late_condition",
    "on_workstreams",
    "rating_has_a_reason",
    "rating_problems",
    "start_of_period",
]
