"""Sidebar filters the tracking pages share. Each ignores a value in the address that is not
one it offers, and lists what it would without it."""

from django.contrib import admin
from django.db.models import Q

from tracking.models.updates import TRACKED_TARGETS
from workstreams.models import Workstream

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
