"""Who reports on and who reviews each workstream: the inline the workstream's page gains
(extending.py), and the list of every role."""

from django.contrib import admin

from mmip.admin_base import HistoryAdmin
from tracking.models import WorkstreamRole


class WorkstreamRoleInline(admin.TabularInline):
    model = WorkstreamRole
    fields = ["user", "role"]
    extra = 0
    verbose_name = "reporter or reviewer"
    verbose_name_plural = "Reporters and reviewers"


@admin.register(WorkstreamRole)
class WorkstreamRoleAdmin(HistoryAdmin):
    list_display = ["user", "role", "workstream"]
    list_filter = ["role", "workstream"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "workstream__name"]
    list_select_related = ["user", "workstream"]
    autocomplete_fields = ["workstream"]
