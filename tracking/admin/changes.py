"""The kept history of status and rating: read-only, as every change is written by the
approval that made it. An inline on the page of the commitment, milestone or initiative that
changed (a milestone's and an initiative's: extending.py), and a list of them all."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from mmip.admin_base import HistoryAdmin
from tracking.admin.filters import KindOfRecordFilter, WorkstreamOfRecordFilter
from tracking.models import StatusChange
from tracking.models.updates import TRACKED_TARGETS


def update_link(update_id: int | None):
    """A link to an update's page by its number alone, so a list of them costs no query."""
    if update_id is None:
        return "—"
    url = reverse("admin:tracking_progressupdate_change", args=[update_id])
    return format_html('<a href="{}">Update {}</a>', url, update_id)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["changed_at", "summary", "reason", "changed_by", "approved_update"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Changes of status and rating (made by approved updates)"

    def get_queryset(self, request):
        # Each row is titled with its record (StatusChange.__str__), which the formset does
        # not fill in from the page's own: joined here, or it would cost a query a row.
        return super().get_queryset(request).select_related(*TRACKED_TARGETS, "changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="change")
    def summary(self, obj):
        return obj.summary

    @admin.display(description="update")
    def approved_update(self, obj):
        return update_link(obj.update_id)


@admin.register(StatusChange)
class StatusChangeAdmin(HistoryAdmin):
    """Read-only: every change is written by the approval that made it."""

    list_display = ["record_changed", "changed_at", "summary", "changed_by", "approved_update"]
    list_filter = [KindOfRecordFilter, WorkstreamOfRecordFilter]
    search_fields = ["commitment__title", "milestone__title", "initiative__name", "reason"]
    list_select_related = [*TRACKED_TARGETS, "changed_by"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="what changed")
    def record_changed(self, obj):
        record = obj.record
        return f"{record._meta.verbose_name.capitalize()}: {record}"

    @admin.display(description="change")
    def summary(self, obj):
        return obj.summary

    @admin.display(description="update")
    def approved_update(self, obj):
        return update_link(obj.update_id)
