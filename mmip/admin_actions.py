"""Admin pieces every app's admin shares: publishing in bulk, a year filter and related
totals for changelist columns."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear


def _set_published(modeladmin, request, queryset, *, published: bool) -> None:
    # Only rows whose flag really changes are written and logged, so the message and the
    # history say what happened rather than what was selected.
    to_change = list(queryset.exclude(is_published=published))
    changed = queryset.model._default_manager.filter(pk__in=[obj.pk for obj in to_change]).update(
        is_published=published
    )
    if to_change:
        # The admin's history is where staff see who published what; update() skips it.
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=to_change,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["published"]}}],
        )
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


class PublishableAdmin(admin.ModelAdmin):
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
