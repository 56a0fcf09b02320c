"""No lost update in the admin: a save is refused when somebody else changed the record
since the form was opened, and the form comes back with what was typed and what changed."""

import datetime
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from mmip.records import own_fields, stored_values
from mmip.services import BASELINE_REASON

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


def key_to(parent: type[models.Model], inline) -> models.ForeignKey:
    return next(
        field
        for field in inline.model._meta.concrete_fields
        if field.many_to_one
        and field.related_model is parent
        and inline.fk_name in (None, field.name)
    )
