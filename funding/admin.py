"""Staff pages for funding programmes and the awards made under them, which staff can also
import and export as files."""

from django.contrib import admin

from funding.models import Award, FundingProgramme
from funding.resources import AwardResource
from mmip.admin_base import (
    PUBLISHING,
    PublishableAdmin,
    column,
    figure_column,
    organisation_names,
)
from mmip.admin_import import RecordImportExportMixin
from mmip.formatting import money

# Every award of each programme, drafts too, counted and added up as the programmes page does.
PROGRAMME_AWARDS = Award.objects.totals_by("programme")


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(PublishableAdmin):
    list_display = [
        "name",
        "funder",
        column(
            "established_on",
            "established_display",
            description="established",
            ordering="established",
        ),
        figure_column("award_count", PROGRAMME_AWARDS, "count", description="awards"),
        figure_column(
            "award_total", PROGRAMME_AWARDS, "total", description="total awarded", show=money
        ),
        "is_published",
    ]
    list_filter = ["is_published", ("funder", admin.RelatedOnlyFieldListFilter), "workstreams"]
    search_fields = ["name", "description", *organisation_names("funder")]
    autocomplete_fields = ["funder", "workstreams"]
    list_select_related = ["funder"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "funder", "description"]}),
        ("Established", {"fields": [("established", "established_precision")]}),
        ("Links", {"fields": ["workstreams", "url", "source_url"]}),
        PUBLISHING,
    ]


class RecipientOrgIdFilter(admin.EmptyFieldListFilter):
    """Whether the recipient has an organisation identifier: without one, an award cannot be
    matched to its recipient in 360Giving tools (the staff's front page counts them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "recipient's organisation identifier"


@admin.register(Award)
class AwardAdmin(RecordImportExportMixin, PublishableAdmin):
    resource_classes = [AwardResource]
    list_display = [
        "identifier",
        "title",
        "funder_name",
        "recipient_name",
        "amount_gbp",
        column("awarded", "award_date_display", description="award date", ordering="award_date"),
        "status",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "status",
        ("funder", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
        "workstreams",
        ("recipient__org_id", RecipientOrgIdFilter),
    ]
    search_fields = ["identifier", "title", *organisation_names("funder", "recipient")]
    autocomplete_fields = [
        "funder",
        "recipient",
        "routed_through",
        "programme",
        "follow_on_of",
        "workstreams",
        "milestones",
        "outputs",
    ]
    list_select_related = ["funder", "recipient"]
    date_hierarchy = "award_date"
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["identifier", "title", "description", "status"]}),
        (
            "Money",
            {
                "fields": [
                    "amount",
                    ("funder", "routed_through"),
                    "recipient",
                    "programme",
                    "beneficiary_region",
                ]
            },
        ),
        (
            "Dates",
            {
                "description": "Give the award date to the precision the source gives: a "
                "year is entered as 1 January, a month as its 1st.",
                "fields": [
                    ("award_date", "award_date_precision"),
                    ("planned_start", "planned_end"),
                ],
            },
        ),
        (
            "Related records",
            {"fields": ["follow_on_of", "workstreams", "milestones", "outputs", "source_url"]},
        ),
        PUBLISHING,
    ]

    def get_readonly_fields(self, request, obj=None):
        # Identifiers are published in 360Giving files and must never change once saved.
        if obj is not None:
            return ["identifier", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description="funder", ordering="funder__name")
    def funder_name(self, obj):
        return obj.funder.short_name or obj.funder.name

    @admin.display(description="recipient", ordering="recipient__name")
    def recipient_name(self, obj):
        return obj.recipient.short_name or obj.recipient.name

    @admin.display(description="amount", ordering="amount")
    def amount_gbp(self, obj):
        return money(obj.amount)
