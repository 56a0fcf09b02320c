"""Staff pages for the workstreams and everything they do."""

from django.contrib import admin
from django.db.models import Count, IntegerField

from mmip.admin_base import HistoryAdmin, PublishableAdmin, related_total, year_filter
from mmip.formatting import figure
from workstreams.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

PUBLISHING = ("Publishing", {"fields": ["is_published"]})


class PartnershipInline(admin.TabularInline):
    model = Partnership
    fields = ["organisation", "role", "note"]
    autocomplete_fields = ["organisation"]
    extra = 1


@admin.register(Workstream)
class WorkstreamAdmin(PublishableAdmin):
    list_display = [
        "name",
        "display_order",
        "status",
        "is_overarching",
        "partner_count",
        "initiative_count",
        "is_published",
    ]
    list_editable = ["display_order"]
    list_filter = ["is_published", "status", "is_overarching"]
    search_fields = ["name", "aim", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnershipInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "aim", "description"]}),
        ("Place in the programme", {"fields": [("status", "display_order"), "is_overarching"]}),
        PUBLISHING,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _partner_count=related_total(
                    Partnership.objects,
                    "workstream",
                    Count("organisation", distinct=True),
                    IntegerField(),
                ),
                _initiative_count=related_total(
                    Initiative.objects, "workstream", Count("pk"), IntegerField()
                ),
            )
        )

    @admin.display(description="partners", ordering="_partner_count")
    def partner_count(self, obj):
        return obj._partner_count

    @admin.display(description="initiatives", ordering="_initiative_count")
    def initiative_count(self, obj):
        return obj._initiative_count


@admin.register(Partnership)
class PartnershipAdmin(HistoryAdmin):
    list_display = ["organisation", "role", "workstream", "note"]
    list_filter = ["role", "workstream"]
    search_fields = [
        "organisation__name",
        "organisation__short_name",
        "workstream__name",
        "note",
    ]
    autocomplete_fields = ["workstream", "organisation"]
    list_select_related = ["organisation", "workstream"]


@admin.register(Initiative)
class InitiativeAdmin(PublishableAdmin):
    list_display = ["name", "workstream", "status", "starts", "ends", "part_of", "is_published"]
    list_filter = [
        "is_published",
        "status",
        "workstream",
        year_filter("start_date", "year started"),
    ]
    search_fields = ["name", "summary", "description"]
    autocomplete_fields = ["workstream", "part_of", "organisations"]
    list_select_related = ["workstream", "part_of"]
    prepopulated_fields = {"slug": ["name"]}
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["workstream", "name", "slug", "summary", "description", "status"]}),
        (
            "Dates",
            {
                "description": "Give each date to the precision the source gives: a year "
                "is entered as 1 January, a month as its 1st.",
                "fields": [("start_date", "start_precision"), ("end_date", "end_precision")],
            },
        ),
        ("Who and where", {"fields": ["part_of", "organisations", "url"]}),
        PUBLISHING,
    ]

    @admin.display(description="starts", ordering="start_date")
    def starts(self, obj):
        return obj.start_display

    @admin.display(description="ends", ordering="end_date")
    def ends(self, obj):
        return obj.end_display


@admin.register(Milestone)
class MilestoneAdmin(PublishableAdmin):
    list_display = ["title", "when", "kind", "workstream", "initiative", "is_published"]
    list_filter = ["is_published", "kind", "workstream"]
    search_fields = ["title", "description", "place"]
    autocomplete_fields = ["workstream", "initiative", "output"]
    list_select_related = ["workstream", "initiative"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", ("date", "date_precision"), "place"]}),
        ("About", {"fields": ["description"]}),
        ("Part of", {"fields": ["workstream", "initiative", "output"]}),
        PUBLISHING,
    ]

    @admin.display(description="date", ordering="date")
    def when(self, obj):
        return obj.date_display


@admin.register(Output)
class OutputAdmin(PublishableAdmin):
    list_display = ["title", "kind", "when", "publisher_names", "is_published"]
    list_filter = ["is_published", "kind", "workstreams"]
    search_fields = ["title", "summary", "contact", "publishers__name", "publishers__short_name"]
    autocomplete_fields = ["publishers", "workstreams", "initiative"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", ("date", "date_precision")]}),
        ("About", {"fields": ["summary", "url", "contact"]}),
        ("Who and what", {"fields": ["publishers", "workstreams", "initiative"]}),
        PUBLISHING,
    ]

    def get_queryset(self, request):
        # One query for every row's publishers rather than one per row.
        return super().get_queryset(request).prefetch_related("publishers")

    @admin.display(description="date", ordering="date")
    def when(self, obj):
        return obj.date_display

    @admin.display(description="publishers")
    def publisher_names(self, obj):
        return ", ".join(org.short_name or org.name for org in obj.publishers.all())


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = [
        "value",
        "qualifier",
        "is_projection",
        "date",
        "date_precision",
        "period",
        "source_title",
        "source_url",
    ]
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(PublishableAdmin):
    list_display = ["name", "unit", "target_display", "value_count", "is_published"]
    list_filter = ["is_published", "unit", "workstreams"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["workstreams"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [IndicatorValueInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "unit", "description", "workstreams"]}),
        ("Target", {"fields": [("target", "target_date", "target_date_precision")]}),
        PUBLISHING,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _value_count=related_total(
                    IndicatorValue.objects, "indicator", Count("pk"), IntegerField()
                )
            )
        )

    @admin.display(description="target", ordering="target")
    def target_display(self, obj):
        return figure(obj.target, unit=obj.unit)

    @admin.display(description="values", ordering="_value_count")
    def value_count(self, obj):
        return obj._value_count


@admin.register(IndicatorValue)
class IndicatorValueAdmin(HistoryAdmin):
    list_display = ["indicator", "figure", "when", "is_projection", "period", "source_title"]
    list_filter = ["is_projection", "qualifier", "indicator__unit", "indicator"]
    search_fields = ["indicator__name", "period", "source_title"]
    autocomplete_fields = ["indicator"]
    list_select_related = ["indicator"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["indicator", ("qualifier", "value"), "is_projection"]}),
        ("When", {"fields": [("date", "date_precision"), "period"]}),
        ("Source", {"fields": ["source_title", "source_url"]}),
    ]

    @admin.display(description="figure", ordering="value")
    def figure(self, obj):
        return obj.display

    @admin.display(description="date", ordering="date")
    def when(self, obj):
        return obj.date_display
