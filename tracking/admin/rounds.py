"""Reporting rounds: each round's page shows what it asks about (ReportingRound.reporting():
workstreams, commitments, milestones, initiatives and indicator periods), what has had its
update in it and what still needs one."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from mmip.admin_base import HistoryAdmin, related_total
from tracking.models import REPORTED_STATES, ProgressUpdate, ReportingRound


@admin.register(ReportingRound)
class ReportingRoundAdmin(HistoryAdmin):
    list_display = ["name", "period", "due_date", "is_open", "updates_submitted"]
    list_filter = ["is_open"]
    search_fields = ["name"]
    readonly_fields = ["reporting"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", ("period_start", "period_end"), "due_date", "is_open"]})
        ]
        if obj is not None:
            fieldsets.append(("Reporting in this round", {"fields": ["reporting"]}))
        return fieldsets

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _submitted=related_total(
                    ProgressUpdate.objects.filter(state__in=REPORTED_STATES)
                    .values("round")
                    .annotate(submitted=Count("pk")),
                    "submitted",
                )
            )
        )

    @admin.display(description="period", ordering="period_start")
    def period(self, obj):
        return obj.period_display

    @admin.display(description="updates submitted or approved", ordering="_submitted")
    def updates_submitted(self, obj):
        return obj._submitted

    @admin.display(description="what has had its update, and what still needs one")
    def reporting(self, obj):
        rows = obj.reporting()
        done = [row for row in rows if _has_had_its_update(row["update"])]
        summary = (
            f"{len(done)} of {len(rows)} have had their update (approved or awaiting review); "
            f"{len(rows) - len(done)} still need one."
        )
        body = format_html_join(
            "",
            "<tr><th scope='row'>{}: {}</th><td>{}</td><td>{}</td></tr>",
            (
                (
                    row["target"]._meta.verbose_name.capitalize(),
                    row["target"],
                    ", ".join(str(workstream) for workstream in row["workstreams"]),
                    _update_state(row["update"]),
                )
                for row in rows
            ),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th scope='col'>What</th><th scope='col'>Workstreams"
            "</th><th scope='col'>Its update in this round</th></tr></thead><tbody>{}</tbody>"
            "</table>",
            summary,
            body,
        )


def _has_had_its_update(update: ProgressUpdate | None) -> bool:
    return update is not None and update.state in REPORTED_STATES


def _update_state(update: ProgressUpdate | None) -> str:
    if update is None:
        return "None yet"
    return f"{update.get_state_display()}, by {update.author}"
