"""Sidebar filters the tracking pages share. Each ignores a value in the address that is not
one it offers, and lists what it would without it."""

from django.contrib import admin
from django.db.models import Q

from tracking.models import Commitment, ReportingRound, WorkstreamRole
from tracking.models.rounds import kind_of, of_workstreams
from tracking.models.updates import TRACKED_TARGETS
from workstreams.models import Initiative, Milestone, Workstream
from workstreams.plans import UNDELIVERED

# Record numbers are bigint: a longer run of digits is no record's and PostgreSQL refuses it.
MAX_DIGITS = 18


def record_number(value: str | None) -> int | None:
    """A record's number as the address gives it, or None for anything else."""
    if value and value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value)
    return None


class KindOfRecordFilter(admin.SimpleListFilter):
    """Of a status change: whether a commitment, a milestone or an initiative changed."""

    title = "what changed"
    parameter_name = "record"

    def lookups(self, request, model_admin):
        model = model_admin.model
        return [
            (field, model._meta.get_field(field).related_model._meta.verbose_name_plural)
            for field in TRACKED_TARGETS
        ]

    def queryset(self, request, queryset):
        if self.value() in TRACKED_TARGETS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


class WorkstreamOfRecordFilter(admin.SimpleListFilter):
    """Of a status change: the workstream of the commitment, milestone or initiative."""

    title = "workstream"
    parameter_name = "workstream"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Workstream.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        workstream = record_number(self.value())
        if workstream is None:
            return queryset
        condition = Q()
        for field in TRACKED_TARGETS:
            condition |= Q(**{f"{field}__workstream": workstream})
        return queryset.filter(condition)


class StillToReportFilter(admin.SimpleListFilter):
    """Of a workstream, commitment, milestone, initiative or indicator period: what a round
    asks about that has had no update in it yet, approved or awaiting review
    (ReportingRound.still_to_report). Rounds are offered newest first, the open ones only."""

    title = "still needs an update in"
    parameter_name = "to_report_in"

    def lookups(self, request, model_admin):
        self.rounds = {
            str(round_.pk): round_ for round_ in ReportingRound.objects.filter(is_open=True)
        }
        return [(pk, round_.name) for pk, round_ in self.rounds.items()]

    def queryset(self, request, queryset):
        round_ = self.rounds.get(self.value() or "")
        if round_ is None:
            return queryset
        kind = kind_of(queryset.model)
        return queryset.filter(pk__in=round_.still_to_report(kind).values("pk"))


class MyWorkstreamsFilter(admin.SimpleListFilter):
    """Of a workstream or anything of one: those of the workstreams the member of staff
    reports on or reviews (a period through any of its indicator's)."""

    title = "my workstreams"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "Those I report on or review")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        mine = WorkstreamRole.objects.workstreams_of(
            request.user, WorkstreamRole.Role.REPORTER, WorkstreamRole.Role.REVIEWER
        )
        return queryset.filter(of_workstreams(kind_of(queryset.model), mine))


# On each list of what a reporting round asks about (ROUND_KINDS).
REPORTING_FILTERS = [StillToReportFilter, MyWorkstreamsFilter]


# What a record of each kind can lack that staff should give it, as the parameter value, its
# label and its rule. The staff's front page counts each by the same rule
# (mmip/site/staff.py).
TRACKED_WITHOUT_A_PLAN = Q(delivery_status__in=UNDELIVERED, planned_date__isnull=True)
ATTENTION = {
    Commitment: ("no-owner", "No owner named", Q(owners__isnull=True)),
    Milestone: ("no-planned-date", "Tracked, with no planned date", TRACKED_WITHOUT_A_PLAN),
    Initiative: ("no-planned-date", "Tracked, with no planned date", TRACKED_WITHOUT_A_PLAN),
}


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Of a commitment, a milestone or an initiative: what it lacks that staff should give
    it (ATTENTION)."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        value, label, _ = ATTENTION[model_admin.model]
        return [(value, label)]

    def queryset(self, request, queryset):
        value, _, condition = ATTENTION[queryset.model]
        if self.value() == value:
            return queryset.filter(condition)
        return queryset
