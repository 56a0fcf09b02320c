"""Commitments: what each workstream has undertaken to deliver, with their status history."""

from django.contrib import admin

from mmip.admin_base import PUBLISHING, LateFilter, PublishableAdmin
from tracking.admin.changes import StatusChangeInline
from tracking.admin.filters import REPORTING_FILTERS, NeedsAttentionFilter
from tracking.models import Commitment
from tracking.services import EVIDENCE_FIELDS


@admin.register(Commitment)
class CommitmentAdmin(PublishableAdmin):
    list_display = ["title", "workstream", "status", "rating", "due", "late", "is_published"]
    list_filter = [
        "is_published",
        "workstream",
        "status",
        "rating",
        LateFilter,
        *REPORTING_FILTERS,
        NeedsAttentionFilter,
    ]
    search_fields = ["title", "description", "source_reference"]
    autocomplete_fields = ["workstream", "source", "owners", *EVIDENCE_FIELDS]
    list_select_related = ["workstream"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatusChangeInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["workstream", "title", "slug", "description"]}),
        ("Source", {"fields": ["source", "source_reference"]}),
        (
            "Delivery",
            {
                "description": "Give the due date to the precision the source gives: a year "
                "is entered as 1 January, a month as its 1st. Once the commitment is saved, "
                "its status and rating change only through approved progress updates.",
                "fields": [
                    "owners",
                    ("due_date", "due_precision"),
                    "status",
                    ("rating", "rating_reason"),
                ],
            },
        ),
        ("Evidence", {"fields": EVIDENCE_FIELDS}),
        PUBLISHING,
    ]

    def get_readonly_fields(self, request, obj=None):
        # Four eyes: after it is first saved, status and rating move only by an approved update.
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "status", "rating", "rating_reason"]

    @admin.display(description="due", ordering="due_date")
    def due(self, obj):
        return obj.due_display

    @admin.display(description="late", boolean=True)
    def late(self, obj):
        return obj.is_late
