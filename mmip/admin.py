"""The staff back office: the site's titles, the shared directory of organisations and the
import and export of records as files."""

from django.contrib import admin, messages
from django.db.models import Count, IntegerField
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from funding.models import Award
from mmip.admin_actions import PublishableAdmin, related_total
from mmip.models import Organisation
from mmip.resources import OrganisationResource
from workstreams.models import Partnership

admin.site.site_header = "MMIP programme tracker — staff"
admin.site.site_title = "MMIP programme tracker staff"
admin.site.index_title = "Keep the MMIP record"


class RecordImportExportMixin(ImportExportMixin):
    """Import and Export buttons on a changelist, for CSV and Excel files (the resources in
    mmip/resources.py say what a file holds).

    Whoever may see the records may export them, drafts included: Viewers too. Importing
    adds and changes records, so it takes both permissions: Editors. Every import is
    previewed in full before anything is saved, and is all or nothing, at the confirm step
    too (should the record have changed since the preview).
    """

    formats = [CSV, XLSX]
    import_template_name = "admin/record_import.html"
    # Whole records, every column: a file that lacks some cannot be a faithful copy, and the
    # package's column picker relies on inline script, which the site's CSP forbids.
    export_form_class = ExportForm
    # With a byte-order mark, Excel reads £ and accented names in a CSV correctly.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = result.problems()
            shown = " ".join(problems[:5]) + (
                f" And {len(problems) - 5} more." if len(problems) > 5 else ""
            )
            self.message_user(request, f"Nothing was imported. {shown}", messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    def get_export_filename(self, request, queryset, file_format):
        plural = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        return f"mmip-{plural}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


@admin.register(Organisation)
class OrganisationAdmin(RecordImportExportMixin, PublishableAdmin):
    resource_classes = [OrganisationResource]
    list_display = [
        "name",
        "short_name",
        "kind",
        "nation_region",
        "parent",
        "award_count",
        "workstream_count",
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
        ("Publishing", {"fields": ["is_published"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _award_count=related_total(Award.objects, "recipient", Count("pk"), IntegerField()),
                _workstream_count=related_total(
                    Partnership.objects,
                    "organisation",
                    Count("workstream", distinct=True),
                    IntegerField(),
                ),
            )
        )

    @admin.display(description="awards received", ordering="_award_count")
    def award_count(self, obj):
        return obj._award_count

    @admin.display(description="workstreams", ordering="_workstream_count")
    def workstream_count(self, obj):
        return obj._workstream_count
