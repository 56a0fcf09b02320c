"""The staff back office's titles, and the admin of the shared directory of organisations,
whose columns count the awards and workstreams of other apps."""

from django.contrib import admin
from django.db.models import Count

from funding.models import Award
from mmip.admin_base import PUBLISHING, PublishableAdmin, figure_column
from mmip.admin_import import RecordImportExportMixin
from mmip.models import Organisation
from mmip.resources import OrganisationResource
from workstreams.models import Partnership

admin.site.site_header = "MMIP programme tracker — staff"
admin.site.site_title = "MMIP programme tracker staff"
admin.site.index_title = "Keep the MMIP record"


@admin.register(Organisation)
class OrganisationAdmin(RecordImportExportMixin, PublishableAdmin):
    resource_classes = [OrganisationResource]
    list_display = [
        "name",
        "short_name",
        "kind",
        "nation_region",
        "parent",
        figure_column(
            "award_count",
            Award.objects.totals_by("recipient"),
            "count",
            description="awards received",
        ),
        figure_column(
            "workstream_count",
            Partnership.objects.values("organisation").annotate(
                count=Count("workstream", distinct=True)
            ),
            "count",
            description="workstreams",
        ),
        "is_published",
    ]
    list_filter = ["is_published", "kind", "nation_region", "partnerships__role"]
    search_fields = ["name", "short_name", "org_id", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent"]}),
        ("Where and how to find it", {"fields": ["nation_region", "org_id", "website"]}),
        ("About", {"fields": ["description", "source_url"]}),
        PUBLISHING,
    ]
