"""Admin pieces every app's admin shares: the history each change leaves, the refusal of a
save that would undo somebody else's (mmip/edit_conflicts.py), publishing in bulk and the
Publishing section, a year filter, changelist columns of dates and of related totals, and
the log-in lockout page. Import and export of records as files: mmip/admin_import.py."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from mmip import services
from mmip.dates import in_years, years_of
from mmip.edit_conflicts import ListEditForm, RecordCheck, RecordVersionForm, key_to
from mmip.services import record_baselines, record_history


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record's admin: its History page lists each change, who made it, when and what
    changed; a save is refused if somebody else changed the record since the form was
    opened (mmip/edit_conflicts.py)."""

    object_history_list_template = "admin/record_history_list.html"
    change_form_template = "admin/record_change_form.html"

    def get_queryset(self, request):
        # Each figure_column of the list brings its own figure: a subquery, never a query a row.
        figures = {
            f"_{shown.__name__}": shown.figure
            for shown in self.list_display
            if hasattr(shown, "figure")
        }
        return super().get_queryset(request).annotate(**figures)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not change or obj is None or not self.has_change_permission(request, obj):
            return form
        check = RecordCheck(
            record=obj,
            inlines=[
                (inline.model, key_to(self.model, inline))
                for inline in self.get_inline_instances(request, obj)
            ],
            user=request.user,
        )
        request.record_check = check
        return type(form.__name__, (RecordVersionForm, form), {"record_check": check})

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return type(form.__name__, (ListEditForm, form), {})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        check = getattr(request, "record_check", None)
        if check is not None and "data" in kwargs:
            check.formsets.append((inline.get_formset(request, obj), prefix, kwargs["data"]))
        return kwargs

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
    if published:
        hidden = queryset.model._default_manager.filter(pk__in=queryset.values("pk")).exclude(
            pk__in=queryset.model._default_manager.public().values("pk")
        )
        if count := hidden.count():
            modeladmin.message_user(
                request,
                f"{count} of them will not appear on the public site until the records they "
                "belong to or name are published too (open each to see which).",
                messages.WARNING,
            )


def unpublished_dependencies(record) -> list[str]:
    """What keeps a published record off the public site: each record it points at that is
    not public, as "funder “Example Fund”". Its model's public() states the rule; this
    names the parts staff can act on."""
    found = []
    for field in record._meta.concrete_fields:
        if not field.many_to_one:
            continue
        target = getattr(record, field.name)
        if target is not None and not getattr(target, "is_public", True):
            found.append(f"{field.verbose_name} “{target}”")
    return found


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=True)


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=False)


# The last section of every publishable record's change form.
PUBLISHING = ("Publishing", {"fields": ["is_published"]})


class PublishableAdmin(HistoryAdmin):
    """For records with a published flag: the bulk publishing actions beside delete.

    The actions take no part in the check of edits made meanwhile (mmip/edit_conflicts.py): each
    sets one flag to the value chosen, whatever anybody did since the list was shown, and
    writes only the rows whose flag changes, so there is nothing of anyone's to undo. A
    change form opened before a publish and saved after it is refused like any other.
    """

    actions = [publish_selected, unpublish_selected]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record = form.instance
        if record.is_published and not record.is_public:
            names = unpublished_dependencies(record)
            self.message_user(
                request,
                f"“{record}” is published but will not appear on the public site until "
                + (
                    f"these are published too: {', '.join(names)}."
                    if names
                    else "the records it belongs to are published too."
                ),
                messages.WARNING,
            )


def organisation_names(*relations: str) -> list[str]:
    """Search fields that find a row by the name or the abbreviation (MHRA, CPI) of each
    organisation it points at through relations, as staff know them by either."""
    return [f"{relation}__{field}" for relation in relations for field in ("name", "short_name")]


def year_filter(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A sidebar filter offering the years that occur in a date field (a date known only
    to the year is stored as 1 January, so its year is always right)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_year"

        def lookups(self, request, model_admin):
            years = years_of(model_admin.model._default_manager.all(), field)
            return [(str(year), str(year)) for year in years]

        def queryset(self, request, queryset):
            value = self.value()
            # A year a date can hold (1 to 9999): anything else in the address is ignored.
            if value and value.isascii() and value.isdigit() and len(value) <= 4 and int(value):
                return queryset.filter(in_years(field, int(value), int(value)))
            return queryset

    YearFilter.title = title
    YearFilter.__name__ = f"{field.title().replace('_', '')}YearFilter"
    return YearFilter


class LateFilter(admin.SimpleListFilter):
    """Late or not on today's date, for a model whose QuerySet has late(today) and
    not_late(today): late is derived, so it is filtered by the rule and not by a column."""

    title = "late"
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", "Late"), ("no", "Not late")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.late(today)
        if self.value() == "no":
            return queryset.not_late(today)
        return queryset


def related_total(totals: QuerySet, column: str) -> Coalesce:
    """One figure of each changelist row's related rows, 0 where it has none: the row's value
    of column in totals, related rows grouped by the field that points at the row (such as
    Award.objects.totals_by("programme"), which the pages add up with too, or
    rows.values(field).annotate(...)), as a correlated subquery.

    A plain annotate(Count(...)) would GROUP BY the admin's queryset, which drops the
    model's default ordering (autocomplete then pages an unordered list) and multiplies
    rows when two relations are counted at once.
    """
    (pointer,) = totals.query.values_select
    figure = Subquery(totals.filter(**{pointer: OuterRef("pk")}).order_by().values(column))
    return Coalesce(figure, Value(0), output_field=figure.output_field)


def column(name: str, attribute: str, *, description: str, ordering: str, show=None):
    """A sortable changelist column of each row's attribute (a date at its precision such as
    date_display, or a figure_column's figure), through show where given (money)."""

    @admin.display(description=description, ordering=ordering)
    def value(obj):
        found = getattr(obj, attribute)
        return found if show is None else show(found)

    # The admin names the column's CSS class and cells after it.
    value.__name__ = name
    return value


def figure_column(name: str, totals: QuerySet, column_name: str, *, description: str, show=None):
    """A sortable changelist column of a figure of each row's related rows: column_name of
    totals, by related_total(). HistoryAdmin's queryset annotates every figure column of
    list_display as _<name>."""
    shown = column(name, f"_{name}", description=description, ordering=f"_{name}", show=show)
    shown.figure = related_total(totals, column_name)
    return shown


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes serves, in place of the admin's, to a name and address locked
    out after too many wrong passwords."""
    context = {**admin.site.each_context(request), "title": "Log-in refused"}
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
