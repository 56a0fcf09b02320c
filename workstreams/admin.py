"""Staff pages for the workstreams and everything they do."""

from django.contrib import admin
from django.db.models import Count

from mmip.admin_base import (
    PUBLISHING,
    HistoryAdmin,
    LateFilter,
    PublishableAdmin,
    column,
    figure_column,
    organisation_names,
    year_filter,
)
from mmip.formatting import figure
from workstreams.models import (
    Indicator,
    IndicatorPeriod,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

# Milestones and initiatives are tracked against their plan with the same fields.
PLAN_AND_DELIVERY = (
    "Plan and delivery",
    {
        "description": "Each date to the precision the source gives. Late is worked out "
        "from the planned and forecast dates, never chosen. A rating needs its reason.",
        "fields": [
            ("planned_date", "planned_precision"),
            ("forecast_date", "forecast_precision"),
            ("actual_date", "actual_precision"),
            "delivery_status",
            ("rating", "rating_reason"),
        ],
    },
)


class PlannedWorkAdmin(PublishableAdmin):
    """Four eyes, as for commitments: once a milestone or an initiative is saved, its status,
    rating and forecast and actual dates change only through approved progress updates,
    each change of status or rating kept as a status change."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        return [*readonly, *TRACKED_FIELDS]


TRACKED_FIELDS = [
    "delivery_status",
    "rating",
    "rating_reason",
    "forecast_date",
    "forecast_precision",
    "actual_date",
    "actual_precision",
]


@admin.display(description="late", boolean=True)
def late(obj):
    return obj.is_late


# Milestones, outputs and indicator values each have one date, at its precision.
WHEN = column("when", "date_display", description="date", ordering="date")


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
        figure_column(
            "partner_count",
            Partnership.objects.values("workstream").annotate(
                count=Count("organisation", distinct=True)
            ),
            "count",
            description="partners",
        ),
        figure_column(
            "initiative_count",
            Initiative.objects.values("workstream").annotate(count=Count("pk")),
            "count",
            description="initiatives",
        ),
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


@admin.register(Partnership)
class PartnershipAdmin(HistoryAdmin):
    list_display = ["organisation", "role", "workstream", "note"]
    list_filter = ["role", "workstream"]
    search_fields = [*organisation_names("organisation"), "workstream__name", "note"]
    autocomplete_fields = ["workstream", "organisation"]
    list_select_related = ["organisation", "workstream"]


@admin.register(Initiative)
class InitiativeAdmin(PlannedWorkAdmin):
    list_display = [
        "name",
        "workstream",
        "status",
        "delivery_status",
        "rating",
        late,
        column("starts", "start_display", description="starts", ordering="start_date"),
        column("ends", "end_display", description="ends", ordering="end_date"),
        "part_of",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "status",
        "delivery_status",
        "rating",
        LateFilter,
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
        PLAN_AND_DELIVERY,
        ("Who and where", {"fields": ["part_of", "organisations", "url"]}),
        PUBLISHING,
    ]


@admin.register(Milestone)
class MilestoneAdmin(PlannedWorkAdmin):
    list_display = [
        "title",
        WHEN,
        "kind",
        "workstream",
        "initiative",
        "delivery_status",
        "rating",
        late,
        "is_published",
    ]
    list_filter = ["is_published", "kind", "delivery_status", "rating", LateFilter, "workstream"]
    search_fields = ["title", "description", "place"]
    autocomplete_fields = ["workstream", "initiative", "output"]
    list_select_related = ["workstream", "initiative"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", ("date", "date_precision"), "place"]}),
        ("About", {"fields": ["description"]}),
        PLAN_AND_DELIVERY,
        ("Part of", {"fields": ["workstream", "initiative", "output"]}),
        PUBLISHING,
    ]


@admin.register(Output)
class OutputAdmin(PublishableAdmin):
    list_display = ["title", "kind", WHEN, "publisher_names", "is_published"]
    list_filter = [
        "is_published",
        "kind",
        "workstreams",
        # With neither, a reader has nowhere to find the output (the staff's front page).
        ("url", admin.EmptyFieldListFilter),
        ("source_url", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "summary", "contact", *organisation_names("publishers")]
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


class IndicatorPeriodInline(admin.TabularInline):
    model = IndicatorPeriod
    fields = [
        "start",
        "end",
        "target",
        "actual_qualifier",
        "actual",
        "actual_source_title",
        "actual_source_url",
        "is_locked",
        "share",
    ]
    readonly_fields = ["share"]
    extra = 0

    @admin.display(description="share of target")
    def share(self, obj):
        share = obj.share_of_target if obj.pk else None
        return "" if share is None else f"{share:.0%}"


@admin.register(Indicator)
class IndicatorAdmin(PublishableAdmin):
    list_display = [
        "name",
        "unit",
        "target_display",
        figure_column(
            "value_count",
            IndicatorValue.objects.values("indicator").annotate(count=Count("pk")),
            "count",
            description="values",
        ),
        "is_published",
    ]
    list_filter = ["is_published", "unit", "workstreams"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["workstreams"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [IndicatorPeriodInline, IndicatorValueInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "unit", "description", "workstreams"]}),
        ("Target", {"fields": [("target", "target_date", "target_date_precision")]}),
        (
            "Plan and delivery",
            {
                "description": "The baseline is the figure before the work began, with the "
                "date it was true. Each reporting period, below, has its target and actual.",
                "fields": [
                    ("baseline", "baseline_date", "baseline_precision"),
                    ("direction", "is_cumulative"),
                ],
            },
        ),
        PUBLISHING,
    ]

    @admin.display(description="target", ordering="target")
    def target_display(self, obj):
        return figure(obj.target, unit=obj.unit)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(HistoryAdmin):
    list_display = ["indicator", "figure", WHEN, "is_projection", "period", "source_title"]
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
