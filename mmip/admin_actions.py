"""Admin pieces every app's admin shares: the history each change leaves, publishing in
bulk, a year filter, related totals for changelist columns and the log-in lockout page."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model, get_history_model_for_model

BASELINE_REASON = "As it stood before its first recorded change"


def record_history(objs: list, *, user, created: bool = False, reason: str | None = None) -> None:
    """One history entry for each record as it now stands, its many-to-many links included.

    For writes that go around the save signals: update(), and admin saves, which skip them
    so that one entry covers both the record and the links set after it. simple-history's
    bulk helper copies a record's own columns but not its links; an entry without them would
    read, in the list of changes, as every link removed. The queries are a fixed number,
    however many records.
    """
    if not objs:
        return
    for obj in objs:
        obj._history_user = user
    entries = get_history_manager_for_model(type(objs[0])).bulk_history_create(
        objs, update=not created, default_change_reason=reason
    )
    entry_for = {obj.pk: entry for obj, entry in zip(objs, entries, strict=True)}
    for field in entries[0]._history_m2m_fields:
        links = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        own_side = field.m2m_field_name()
        rows = through.objects.filter(**{f"{own_side}__in": list(entry_for)})
        links.objects.bulk_create(
            links(
                history=entry_for[getattr(row, f"{own_side}_id")],
                **{column.attname: getattr(row, column.attname) for column in through._meta.fields},
            )
            for row in rows
        )


def record_baselines(records: QuerySet) -> None:
    """Before a record's first recorded change, an entry of how it stood, if it has none.

    Fixture loads save raw, which history rightly skips, so a demo record's first edit would
    otherwise have nothing to be compared with and show no change at all.
    """
    history = get_history_model_for_model(records.model)
    pk = records.model._meta.pk.attname
    untracked = records.filter(~Exists(history.objects.filter(**{pk: OuterRef("pk")})))
    record_history(list(untracked), user=None, reason=BASELINE_REASON)


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
    # Only rows whose flag really changes are written and logged, so the message and the
    # history say what happened rather than what was selected.
    model = queryset.model
    with transaction.atomic():
        # Locked, so the history copies the rows exactly as they are written.
        to_change = list(
            model._default_manager.select_for_update()
            .filter(pk__in=queryset.exclude(is_published=published).values("pk"))
            .order_by("pk")
        )
        pks = [obj.pk for obj in to_change]
        record_baselines(model._default_manager.filter(pk__in=pks))
        changed = model._default_manager.filter(pk__in=pks).update(is_published=published)
        for obj in to_change:
            obj.is_published = published
        # update() sends no save signals, so the history entries are written here.
        record_history(to_change, user=request.user)
        if to_change:
            # The admin's own log, which the editor's recent actions list reads.
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=to_change,
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": ["published"]}}],
            )
    opts = model._meta
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
