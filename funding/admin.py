"""Staff pages for funding programmes and the awards made under them, which staff can also
import and export as files."""

from django.contrib import admin
from django.db.models import Count, DecimalField, IntegerField, Sum

from funding.models import Award, FundingProgramme
from funding.resources import AwardResource
from mmip.admin_base import PublishableAdmin, related_total
from mmip.admin_import import RecordImportExportMixin
from mmip.formatting import money

PUBLISHING = ("Publishing", {"fields": ["is_published"]})


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(PublishableAdmin):
    list_display = [
        "name",
        "funder",
        "established_on",
        "award_count",
        "award_total",
        "is_published",
    ]
    list_filter = ["is_published", ("funder", admin.RelatedOnlyFieldListFilter), "workstreams"]
    search_fields = ["name", "description", "funder__name", "funder__short_name"]
    autocomplete_fields = ["funder", "workstreams"]
    list_select_related = ["funder"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "funder", "description"]}),
        ("Established", {"fields": [("established", "established_precision")]}),
        ("Links", {"fields": ["workstreams", "url", "source_url"]}),
        PUBLISHING,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _award_count=related_total(Award.objects, "programme", Count("pk"), IntegerField()),
                _award_total=related_total(
                    Award.objects, "programme", Sum("amount"), DecimalField()
                ),
            )
        )

    @admin.display(description="established", ordering="established")
    def established_on(self, obj):
        return obj.established_display

    @admin.display(description="awards", ordering="_award_count")
    def award_count(self, obj):
        return obj._award_count

    @admin.display(description="total awarded", ordering="_award_total")
    def award_total(self, obj):
        return money(obj._award_total)


@admin.register(Award)
class AwardAdmin(RecordImportExportMixin, PublishableAdmin):
    resource_classes = [AwardResource]
    list_display = [
        "identifier",
        "title",
        "funder_name",
        "recipient_name",
        "amount_gbp",
        "awarded",
        "status",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "status",
        ("funder", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
        "workstreams",
    ]
    search_fields = [
        "identifier",
        "title",
        "funder__name",
        "funder__short_name",
        "recipient__name",
        "recipient__short_name",
    ]
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
            {"fields": ["amount", ("funder", "routed_through"), "recipient", "programme"]},
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

    @admin.display(description="award date", ordering="award_date")
    def awarded(self, obj):
        return obj.award_date_display
