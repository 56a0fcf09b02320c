"""Admin pieces every app's admin shares: the history each change leaves, the refusal of a
save that would undo somebody else's, publishing in bulk, import and export of records as
files, a year filter, related totals for changelist columns and the log-in lockout page."""

import datetime
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm
from simple_history.admin import SimpleHistoryAdmin

from mmip import services
from mmip.records import own_fields, stored_values
from mmip.resources import ImportResult
from mmip.services import BASELINE_REASON, record_baselines, record_history

# Two members of staff who open the same record and both save must not have the second
# save quietly undo the first. Each change form carries, in a hidden field, the record as
# it was stored when the form was made: its own columns, its many-to-many links and the
# rows of its inlines, signed with the site's key so that it cannot be altered unnoticed.
# On saving, inside the admin's transaction, the record and its inline rows are locked and
# read again; if they differ from what the form started from, nothing is saved and the
# form comes back with what was typed, a table of what changed, and a new version, so that
# saving again (having seen the changes) succeeds. This needs no column in any table:
# django-concurrency, the maintained library for this, wants a version column on every
# model (and so on every history table of django-simple-history) with a migration in each
# app, counts nothing that bypasses save(), and says only that the record changed, not
# what changed. The import's confirm step makes the same comparison for every record its
# file names (RecordImportExportMixin).
RECORD_VERSION = "record_version"
_VERSION_SALT = "mmip.admin.record-version"


class _VersionField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self):
        super().__init__(required=False)

    def has_changed(self, initial, data):
        return False  # not an edit of the record, so never in its log of changed fields


@dataclass
class Change:
    """One line of the table shown when somebody else changed the record meanwhile."""

    what: str
    started_from: str
    now: str


def _shown(field: models.Field, value, names: dict) -> str:
    """A stored value as staff would recognise it."""
    if field.many_to_many:
        return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value or [])) or "none"
    if value is None or value == "":
        return "(blank)"
    if field.many_to_one:
        return names.get(value, f"#{value} (since deleted)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _related_names(model, pairs) -> dict:
    """The names of the records that foreign keys and links among ``pairs`` (field name,
    value) point at: one query for each related model."""
    wanted: dict = {}
    for name, value in pairs:
        field = model._meta.get_field(name)
        if value is None:
            continue
        if field.many_to_many:
            wanted.setdefault(field.related_model, set()).update(value)
        elif field.many_to_one:
            wanted.setdefault(field.related_model, set()).add(value)
    return {
        related: {obj.pk: str(obj) for obj in related._base_manager.filter(pk__in=pks)}
        for related, pks in wanted.items()
    }


def _field_changes(model, before: dict, after: dict, prefix: str = "") -> list[Change]:
    changed = [name for name in after if before.get(name) != after[name]]
    names = _related_names(model, [(n, v) for n in changed for v in (before.get(n), after[n])])
    lines = []
    for name in changed:
        field = model._meta.get_field(name)
        known = names.get(field.related_model, {})
        lines.append(
            Change(
                f"{prefix}{capfirst(field.verbose_name)}",
                _shown(field, before.get(name), known),
                _shown(field, after[name], known),
            )
        )
    return lines


def _row_summary(model, values: dict) -> str:
    names = _related_names(model, values.items())
    return "; ".join(
        f"{field.verbose_name}: {_shown(field, values[field.name], names.get(field.related_model, {}))}"
        for field in own_fields(model)
        if field.name in values
    )


@dataclass
class RecordCheck:
    """The record a change form edits and the rows of its inlines, read as stored, and the
    comparison of that reading with the one the form started from."""

    record: models.Model
    # Each inline's model with its foreign key to the record.
    inlines: list[tuple[type[models.Model], models.ForeignKey]]
    user: object
    # The inline formsets' posted data, (formset class, prefix, data), as the admin makes
    # them (HistoryAdmin.get_formset_kwargs).
    formsets: list = dataclass_field(default_factory=list)

    def read(self, *, lock: bool = False) -> dict:
        model = type(self.record)
        values = stored_values(model._base_manager.filter(pk=self.record.pk), lock=lock)
        return {
            "values": values.get(str(self.record.pk)),
            "rows": {
                child._meta.label_lower: stored_values(
                    child._base_manager.filter(**{key.name: self.record.pk}),
                    lock=lock,
                    leave_out=[key.name],
                )
                for child, key in self.inlines
            },
        }

    def token(self, state: dict) -> str:
        return signing.dumps(
            {
                "record": [type(self.record)._meta.label_lower, str(self.record.pk)],
                "at": timezone.now().isoformat(),
                "state": state,
            },
            salt=_VERSION_SALT,
            compress=True,
        )

    def started(self, token) -> dict | None:
        """What the form started from, or None when the field is missing, altered or made
        for another record."""
        try:
            started = signing.loads(token or "", salt=_VERSION_SALT)
        except signing.BadSignature:
            return None
        if started.get("record") != [type(self.record)._meta.label_lower, str(self.record.pk)]:
            return None
        return started

    def changes(self, before: dict, after: dict) -> list[Change]:
        lines = _field_changes(type(self.record), before["values"], after["values"])
        for child, _key in self.inlines:
            label = child._meta.label_lower
            old, new = before["rows"].get(label, {}), after["rows"][label]
            noun = capfirst(child._meta.verbose_name)
            current = {
                str(obj.pk): obj
                for obj in child._base_manager.filter(
                    pk__in=[pk for pk in new if old.get(pk) != new[pk]]
                )
            }
            for pk in sorted(old.keys() | new.keys(), key=int):
                if pk not in new:
                    lines.append(Change(noun, _row_summary(child, old[pk]), "removed"))
                elif pk not in old:
                    lines.append(
                        Change(f"{noun} “{current[pk]}”", "not there", _row_summary(child, new[pk]))
                    )
                elif old[pk] != new[pk]:
                    lines += _field_changes(child, old[pk], new[pk], f"{noun} “{current[pk]}”: ")
        return lines

    def changed_by(self, since: datetime.datetime) -> str:
        """Who saved the record or its inline rows after ``since``, and when, as far as the
        history knows."""
        model = type(self.record)
        histories = [model.history.filter(**{model._meta.pk.attname: self.record.pk})] + [
            child.history.filter(**{key.attname: self.record.pk}) for child, key in self.inlines
        ]
        entries = [
            entry
            for history in histories
            for entry in history.filter(history_date__gt=since)
            .exclude(history_change_reason=BASELINE_REASON)
            .select_related("history_user")
        ]
        latest: dict = {}
        for entry in sorted(entries, key=lambda entry: entry.history_date):
            latest[entry.history_user] = entry.history_date
        return "; ".join(
            f"{_staff_name(user, self.user)}, {date_format(timezone.localtime(when), 'j F Y, H:i')}"
            for user, when in latest.items()
        )

    def check(self, form) -> None:
        """Refuse the form's save if the record changed since the form was made: a form
        error, a table of the changes, and the form and its inlines brought up to date
        wherever their user changed nothing, with the version now stored, so that saving
        again keeps both people's changes."""
        now = self.read(lock=True)
        noun = type(self.record)._meta.verbose_name
        if now["values"] is None:
            form.add_error(None, f"This {noun} was deleted while you were editing it.")
            return
        started = self.started(form.data.get(RECORD_VERSION))
        form.data = form.data.copy()
        if started is None:
            form.add_error(
                None,
                f"This page's record of the {noun} as you opened it was missing or altered, "
                "so whether somebody else has changed it since cannot be told. Nothing has "
                "been saved. Your entries are kept below: check them against the "
                f"{noun}'s History, then save again.",
            )
        else:
            form.edit_conflict = self.changes(started["state"], now)
            if not form.edit_conflict:
                return
            who = self.changed_by(datetime.datetime.fromisoformat(started["at"]))
            form.add_error(
                None,
                f"Somebody else changed this {noun} after you opened it"
                + (f" ({who})" if who else "")
                + ". Nothing has been saved. The table shows what they changed. Below, what "
                "you changed is kept as you typed it and the rest shows what is now stored: "
                "check it, then save again.",
            )
            self._bring_up_to_date(form, started["state"], now)
        form.data[RECORD_VERSION] = self.token(now)

    def _bring_up_to_date(self, form, before: dict, after: dict) -> None:
        model = type(self.record)
        _merge_row(form.data, "", form.fields, model, before["values"], after["values"])
        for formset, prefix, data in self.formsets:
            label = formset.model._meta.label_lower
            old, new = before["rows"].get(label, {}), after["rows"][label]
            pk_name = formset.model._meta.pk.name
            initial_forms = data.get(f"{prefix}-INITIAL_FORMS", "")
            for index in range(int(initial_forms) if initial_forms.isdigit() else 0):
                row = f"{prefix}-{index}-"
                pk = data.get(f"{row}{pk_name}")
                if pk not in old:
                    continue
                if pk not in new:
                    # Removed meanwhile: it cannot be saved, so it is marked for removal.
                    if formset.can_delete:
                        data[f"{row}DELETE"] = "on"
                    continue
                _merge_row(data, row, formset.form.base_fields, formset.model, old[pk], new[pk])


def _merge_row(data, prefix: str, fields: dict, model, before: dict, after: dict) -> None:
    """Put the stored value into posted ``data`` for each field that changed in the database
    but that the person posting left as it was."""
    for name, field in fields.items():
        if name not in after or before.get(name) == after[name]:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            continue  # no such field in the record; its parts would need writing one by one
        key = prefix + name
        model_field = model._meta.get_field(name)
        started = before.get(name)
        if not model_field.is_relation:
            started = model_field.to_python(started)
        if field.has_changed(started, field.widget.value_from_datadict(data, {}, key)):
            continue
        value = after[name]
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        elif isinstance(value, list):
            data.setlist(key, [str(item) for item in value])
        else:
            data[key] = "" if value is None else str(value)


def _staff_name(user, current_user) -> str:
    if user is None:
        return "not recorded"
    if user == current_user:
        return f"{user.get_username()} (you, in another window)"
    return user.get_username()


class RecordVersionForm:
    """Mixed into each change form by HistoryAdmin.get_form: the hidden version field, and
    its check when the form is validated. The admin validates and saves in one transaction,
    so the record stays locked from the check to the save."""

    record_check: RecordCheck

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[RECORD_VERSION] = _VersionField()
        self.edit_conflict: list[Change] = []
        if not self.is_bound:
            self.initial[RECORD_VERSION] = self.record_check.token(self.record_check.read())

    def clean(self):
        cleaned_data = super().clean()
        self.record_check.check(self)
        return cleaned_data


class ListEditForm:
    """Mixed into the rows a changelist edits in place (list_editable, the workstreams'
    display order). Each row posts the value it was shown with beside the value typed
    (show_hidden_initial), so only rows the person changed are saved, not every row on the
    page as it was when the list was shown; and a row they changed that somebody else
    changed since is refused with the value now stored, which saving again replaces.

    The changelist validates its rows before it opens its transaction, so this check holds
    no lock: two saves of the same row in the same instant could still both pass it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True

    def clean(self):
        cleaned_data = super().clean()
        for name in self.changed_data:
            bound, field = self[name], self.fields[name]
            shown_with = self._widget_data_value(field.hidden_widget(), bound.html_initial_name)
            stored = self.initial.get(name)  # read from the database with this request
            if not field.has_changed(stored, shown_with):
                continue
            model_field = self._meta.model._meta.get_field(name)
            now = (
                str(getattr(self.instance, name))
                if model_field.is_relation
                else _shown(model_field, stored, {})
            )
            self.add_error(
                name,
                f"Somebody else changed this to {now} after the list was shown. Nothing on "
                "this page has been saved; save again to keep yours.",
            )
            self.data = self.data.copy()
            self.data[bound.html_initial_name] = "" if stored is None else str(stored)
        return cleaned_data


def _key_to(parent: type[models.Model], inline) -> models.ForeignKey:
    return next(
        field
        for field in inline.model._meta.concrete_fields
        if field.many_to_one
        and field.related_model is parent
        and inline.fk_name in (None, field.name)
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record's admin: its History page lists each change, who made it, when and what
    changed; a save is refused if somebody else changed the record since the form was
    opened (RECORD_VERSION above)."""

    object_history_list_template = "admin/record_history_list.html"
    change_form_template = "admin/record_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not change or obj is None or not self.has_change_permission(request, obj):
            return form
        check = RecordCheck(
            record=obj,
            inlines=[
                (inline.model, _key_to(self.model, inline))
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


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=True)


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish_selected(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=False)


class PublishableAdmin(HistoryAdmin):
    """For records with a published flag: the bulk publishing actions beside delete.

    The actions take no part in the check of edits made meanwhile (RECORD_VERSION): each
    sets one flag to the value chosen, whatever anybody did since the list was shown, and
    writes only the rows whose flag changes, so there is nothing of anyone's to undo. A
    change form opened before a publish and saved after it is refused like any other.
    """

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


_PREVIEW_SALT = "mmip.admin.import-preview"


class PreviewedImportForm(ConfirmImportForm):
    """The import's confirm step, carrying how each record the file names was stored when
    the preview was made (RecordResource.stored_states), signed and tied to the file."""

    preview_states = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def signed(file_name: str, states: dict[str, str]) -> str:
        return signing.dumps([file_name, states], salt=_PREVIEW_SALT, compress=True)

    def clean(self):
        cleaned_data = super().clean()
        try:
            file_name, states = signing.loads(cleaned_data["preview_states"], salt=_PREVIEW_SALT)
        except (signing.BadSignature, KeyError, ValueError):
            file_name, states = None, None
        # None: missing, altered or made for another file, so there is nothing to check by.
        cleaned_data["preview_states"] = (
            states if file_name == cleaned_data.get("import_file_name") else None
        )
        return cleaned_data


class RecordImportExportMixin(ImportExportMixin):
    """Import and Export buttons on a changelist, for CSV and Excel files (the resources in
    mmip/resources.py say what a file holds).

    Whoever may see the records may export them, drafts included: Viewers too. Importing
    adds and changes records, so it takes both permissions: Editors. Every import is
    previewed in full before anything is saved, and is all or nothing, at the confirm step
    too (should the record have changed since the preview).

    The confirm step reads the stored file again and imports it for real. Like a change
    form (RECORD_VERSION), it carries how each record the file names was stored at the
    preview; the records are locked and compared with that before any row is written, and
    if any changed meanwhile nothing is imported and the message names them, so that
    nobody's edit is undone by a preview that did not show it.
    """

    formats = [CSV, XLSX]
    import_template_name = "admin/record_import.html"
    confirm_form_class = PreviewedImportForm
    # Whole records, every column: a file that lacks some cannot be a faithful copy, and the
    # package's column picker relies on inline script, which the site's CSP forbids.
    export_form_class = ExportForm
    # With a byte-order mark, Excel reads £ and accented names in a CSV correctly.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        confirm_form = context.get("confirm_form")
        if confirm_form is not None:
            confirm_form.initial["preview_states"] = PreviewedImportForm.signed(
                confirm_form.initial["import_file_name"], context["result"].states
            )
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        if isinstance(form, PreviewedImportForm) and form.cleaned_data["preview_states"] is None:
            return ImportResult.refused(
                "This confirmation does not match the preview it came from. Upload the file "
                "again for a new preview."
            )
        return super().process_dataset(dataset, form, request, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        data_kwargs = {
            **super().get_import_data_kwargs(**kwargs),
            "rollback_on_validation_errors": True,
        }
        if isinstance(form, PreviewedImportForm):
            data_kwargs["states_at_preview"] = form.cleaned_data["preview_states"]
        return data_kwargs

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
