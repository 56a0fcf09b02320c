"""Staff pages for the datasets awards are imported from: read-mostly, since imports write
them. Staff may correct a dataset's title, publisher, address and licence; what each file
held and did (DatasetImport) and the identifiers organisations are known by are only read.
The upload, preview and apply pages are in imports/admin_views.py."""

from django.contrib import admin
from django.db.models import Count

from imports import admin_views
from imports.models import Dataset, DatasetImport, OrganisationIdentifier, Upload
from mmip.admin_base import HistoryAdmin

IMPORT_COUNTS = [
    "grants_in_file",
    "new",
    "changed",
    "unchanged",
    "skipped",
    "with_problems",
    "no_longer_in_file",
    "organisations_new",
    "organisations_matched",
]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen by whoever may view; written only by the import."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DatasetImportInline(admin.TabularInline):
    model = DatasetImport
    fields = ["imported_at", "imported_by", "file_name", "issued", "new", "changed", "unchanged"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dataset)
class DatasetAdmin(HistoryAdmin):
    list_display = ["title", "publisher_name", "issued", "last_imported_at", "award_count"]
    search_fields = ["title", "publisher_name", "publisher_identifier", "source_url"]
    readonly_fields = ["issued", "last_imported_at"]
    fieldsets = [
        (None, {"fields": ["title", "publisher_name", "publisher_identifier"]}),
        ("Where it is published", {"fields": ["source_url", "licence"]}),
        ("Its newest file", {"fields": ["issued", "last_imported_at"]}),
    ]
    inlines = [DatasetImportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_award_count=Count("award_sources"))

    @admin.display(description="awards", ordering="_award_count")
    def award_count(self, obj):
        return obj._award_count

    def has_add_permission(self, request):
        # A dataset comes with the file that brought it.
        return False

    def has_delete_permission(self, request, obj=None):
        # Its awards and organisations would lose where they came from.
        return False


@admin.register(DatasetImport)
class DatasetImportAdmin(ReadOnlyAdmin):
    list_display = [
        "imported_at",
        "dataset",
        "file_name",
        "imported_by",
        "new",
        "changed",
        "unchanged",
        "with_problems",
    ]
    list_filter = [("dataset", admin.RelatedOnlyFieldListFilter), "file_format"]
    list_select_related = ["dataset", "imported_by"]
    search_fields = ["file_name", "sha256", "dataset__title"]
    date_hierarchy = "imported_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "dataset",
                    "file_name",
                    "file_format",
                    "sha256",
                    "issued",
                    "selection",
                    "imported_at",
                    "imported_by",
                ]
            },
        ),
        ("What it did", {"fields": IMPORT_COUNTS}),
    ]


@admin.register(OrganisationIdentifier)
class OrganisationIdentifierAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "scheme", "organisation", "dataset"]
    list_filter = ["scheme"]
    list_select_related = ["organisation", "dataset"]
    search_fields = ["identifier", "organisation__name"]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Funders' 360Giving files as staff upload them: the add page is the upload form, the
    change page the preview with its buttons (imports/admin_views.py). Nothing here is
    edited as a form, and an upload is discarded rather than deleted."""

    list_display = ["uploaded_at", "file_name", "uploaded_by", "state", "counted"]
    list_filter = ["state"]
    list_select_related = ["uploaded_by"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        # An import adds and changes awards and organisations.
        return super().has_add_permission(request) and request.user.has_perms(
            ["funding.add_award", "funding.change_award", "mmip.add_organisation"]
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return admin_views.upload_page(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_views.preview_page(self, request, object_id)

    @admin.display(description="grants")
    def counted(self, obj):
        counts = (obj.preview or {}).get("counts")
        if not counts:
            return "—"
        return (
            f"{counts['new']:,} new, {counts['changed']:,} changed, "
            f"{counts['unchanged']:,} unchanged, {counts['with_problems']:,} with problems"
        )
