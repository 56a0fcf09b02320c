"""What tracking adds to the pages of records of the apps below it, which may not import
tracking: a workstream's reporters and reviewers, a milestone's and an initiative's status
history, and, on each list of what a reporting round asks about, the filters of what still
needs an update, of my workstreams and of what needs attention. Their admin module is
loaded first (INSTALLED_APPS order), and tracking registers a subclass in its place, keeping
all it already does. Reporting periods, which workstreams keeps only as an inline of their
indicator's page, get their own list here, with those filters."""

from django.contrib import admin
from django.db import models

from mmip.admin_base import HistoryAdmin
from tracking.admin.changes import StatusChangeInline
from tracking.admin.filters import REPORTING_FILTERS, NeedsAttentionFilter
from tracking.admin.roles import WorkstreamRoleInline
from workstreams.models import IndicatorPeriod, Initiative, Milestone, Workstream


def take_over(model: type[models.Model]) -> type[admin.ModelAdmin]:
    """The admin class registered for ``model``, now unregistered, to be subclassed and
    registered again."""
    registered = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    return registered


_RegisteredWorkstreamAdmin = take_over(Workstream)
_RegisteredMilestoneAdmin = take_over(Milestone)
_RegisteredInitiativeAdmin = take_over(Initiative)


@admin.register(Workstream)
class WorkstreamWithRolesAdmin(_RegisteredWorkstreamAdmin):
    inlines = [*_RegisteredWorkstreamAdmin.inlines, WorkstreamRoleInline]
    list_filter = [*_RegisteredWorkstreamAdmin.list_filter, *REPORTING_FILTERS]


@admin.register(Milestone)
class MilestoneWithHistoryAdmin(_RegisteredMilestoneAdmin):
    inlines = [*_RegisteredMilestoneAdmin.inlines, StatusChangeInline]
    list_filter = [
        *_RegisteredMilestoneAdmin.list_filter,
        *REPORTING_FILTERS,
        NeedsAttentionFilter,
    ]


@admin.register(Initiative)
class InitiativeWithHistoryAdmin(_RegisteredInitiativeAdmin):
    inlines = [*_RegisteredInitiativeAdmin.inlines, StatusChangeInline]
    list_filter = [
        *_RegisteredInitiativeAdmin.list_filter,
        *REPORTING_FILTERS,
        NeedsAttentionFilter,
    ]


@admin.register(IndicatorPeriod)
class IndicatorPeriodAdmin(HistoryAdmin):
    """Every indicator's reporting periods in one list, to find what a round still needs.
    Each is kept here or on its indicator's page, where its other periods stand beside it;
    a reporter changes an actual only through an approved update."""

    list_display = ["period", "indicator", "target_shown", "actual_shown", "is_locked"]
    list_filter = ["is_locked", *REPORTING_FILTERS, "indicator__workstreams"]
    search_fields = ["indicator__name"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    fieldsets = [
        (None, {"fields": ["indicator", ("start", "end"), "target"]}),
        (
            "Actual",
            {
                "description": 'As the source gives it: "over 150" is over, 150.',
                "fields": [
                    ("actual_qualifier", "actual"),
                    ("actual_source_title", "actual_source_url"),
                    "is_locked",
                ],
            },
        ),
    ]

    @admin.display(description="period", ordering="start")
    def period(self, obj):
        return obj.period_display

    @admin.display(description="target", ordering="target")
    def target_shown(self, obj):
        return obj.target_display

    @admin.display(description="actual", ordering="actual")
    def actual_shown(self, obj):
        return obj.actual_display
