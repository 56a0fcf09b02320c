"""Admin pieces every app's admin shares: the history each change leaves, publishing in
bulk, import and export of records as files, a year filter, related totals for changelist
columns and the log-in lockout page."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin

from mmip import services
from mmip.services import record_baselines, record_history


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record's admin: its History page lists each change, who made it, when and what
    changed."""

    object_history_list_template = "admin/record_history_list.html"

    def save_model(self, request, obj, form, change):
        if change:
            record_baselines(type(obj)._default_manager.filter(pk=obj.pk))
        # One entry per save, written in save_related once the links are set: left to the
        # signals, a save that also changed links would leave up to three entries, two of them
        # half-way states.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del form.instance.skip_history_when_saving
        record_history([form.instance], user=request.user, created=not change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting is switched off in settings, but the package's view would still save a
        # form posted to it by anyone who may read the history, viewers included.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def _set_published(modeladmin, request, queryset, *, published: bool) -> None:
    changed = services.set_published(queryset, published=published, user=request.user)
    opts = queryset.model._meta
    noun = opts.verbose_name if changed == 1 else opts.verbose_name_plural
    verb = "published" if published else "unpublished"
    message = f"{changed} {noun} {verb}."
    unchanged = queryset.count() - changed
    if unchanged:
        message += (
            f" {unchanged} already {verb}, left as {'it was' if unchanged == 1 else 'they were'}."
        )
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=True)


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=False)


class PublishableAdmin(HistoryAdmin):
    """For records with a published flag: the bulk publishing actions beside delete."""

    actions = [publish_selected, unpublish_selected]


def year_filter(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A sidebar filter offering the years that occur in a date field (a date known only
    to the year is stored as 1 January, so its year is always right)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_year"

        def lookups(self, request, model_admin):
            years = (
                model_admin.model._default_manager.filter(**{f"{field}__isnull": False})
                .annotate(year=ExtractYear(field))
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            )
            return [(str(year), str(year)) for year in years]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{f"{field}__year": int(value)})
            return queryset

    YearFilter.title = title
    YearFilter.__name__ = f"{field.title().replace('_', '')}YearFilter"
    return YearFilter


def related_total(rows, outer_field: str, aggregate, output_field) -> Coalesce:
    """An aggregate over related rows as a correlated subquery, for a changelist column.

    A plain annotate(Count(...)) would GROUP BY the admin's queryset, which drops the
    model's default ordering (autocomplete then pages an unordered list) and multiplies
    rows when two relations are counted at once.
    """
    totals = (
        rows.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(total=aggregate)
        .values("total")
    )
    return Coalesce(
        Subquery(totals, output_field=output_field), Value(0), output_field=output_field
    )


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes serves, in place of the admin's, to a name and address locked
    out after too many wrong passwords."""
    context = {**admin.site.each_context(request), "title": "Log-in refused"}
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


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
