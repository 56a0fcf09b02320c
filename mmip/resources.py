"""Staff import and export of the record as CSV or Excel files (django-import-export).

A file names every record by the key people use, never by a database id: an award by its
identifier; an organisation, programme, workstream, milestone or output by its slug. A
file exported here and imported again changes nothing: every row comes back unchanged, so
it is skipped, and nothing is written, not even a history entry.

An import is all or nothing. It is checked in full first (the preview); a row that breaks
one of the record's rules is reported in the model's own words with its row number, and
while any row is wrong nothing is written. Each row is saved on its own (no bulk writes),
so each change leaves one history entry naming who imported it and from which file. The
confirm step applies the file only if no record it names changed since the preview
(RecordResource.import_data).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, resources, widgets
from import_export.results import Error, Result

from mmip.models import Organisation
from mmip.records import digest, stored_values
from mmip.regions import NationRegion
from mmip.services import record_baselines, record_history

# A spreadsheet runs a cell that starts with = + - @, a tab or a carriage return as a
# formula (OWASP). Leading apostrophes count, so that the guard below can be undone exactly.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


class TextWidget(widgets.CharWidget):
    """Free text. Text a spreadsheet would run as a formula is written with an apostrophe
    in front, and reading takes that apostrophe off again: the file opens safely in Excel
    and imports back unchanged."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text and text.startswith("'") and _FORMULA_START.match(text):
            return text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        text = "" if value is None else str(value)
        return "'" + text if _FORMULA_START.match(text) else text


class ChoiceWidget(widgets.CharWidget):
    """A coded value such as a status or a kind, written as its code ("active"). Its label
    ("Active") is understood too, in any case."""

    def __init__(self, choices):
        super().__init__()
        self.codes = {}
        for code, label in choices:
            self.codes[str(label).lower()] = code
            self.codes[code.lower()] = code

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs).strip()
        return self.codes.get(text.lower(), text)


class KeyWidget(widgets.ForeignKeyWidget):
    """A related record named by its key: a slug, or an award's identifier."""

    def __init__(self, model, field: str = "slug", *, noun: str, required: bool = False):
        super().__init__(model, field)
        self.noun = noun
        self.required = required

    def clean(self, value, row=None, **kwargs):
        key = "" if value is None else str(value).strip()
        if not key:
            if self.required:
                raise ValueError(f"Give the {self.field} of the {self.noun}.")
            return None
        try:
            return self.model._default_manager.get(**{self.field: key})
        except self.model.DoesNotExist:
            raise ValueError(f"There is no {self.noun} with the {self.field} “{key}”.") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class KeysWidget(widgets.ManyToManyWidget):
    """Related records named by their slugs, separated by commas. A slug that names nothing
    is an error rather than being dropped without a word."""

    def __init__(self, model, *, noun: str):
        super().__init__(model, separator=",", field="slug")
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        keys = [key.strip() for key in str(value or "").split(",") if key.strip()]
        found = self.model._default_manager.filter(slug__in=keys)
        missing = sorted(set(keys) - {record.slug for record in found})
        if missing:
            listed = ", ".join(f"“{key}”" for key in missing)
            raise ValueError(f"There is no {self.noun} with the slug {listed}.")
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ", ".join(sorted(record.slug for record in value.all()))


class DateWidget(widgets.Widget):
    """A date as ISO 8601: 2021-10-14. The precision column beside it says how much of it
    the source gave. A date known to the year or the month may be written 2016 or 2021-07;
    a spreadsheet's own dates, and 14/10/2021 as Excel saves them in the UK, are understood."""

    FORMATS = [
        (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("year", "month", "day")),
        (re.compile(r"(\d{4})-(\d{1,2})"), ("year", "month")),
        (re.compile(r"(\d{4})"), ("year",)),
        (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("day", "month", "year")),
    ]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a year typed into a spreadsheet cell
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        for pattern, parts in self.FORMATS:
            match = pattern.fullmatch(text)
            if match:
                given = {"month": 1, "day": 1} | dict(
                    zip(parts, map(int, match.groups()), strict=True)
                )
                try:
                    return datetime.date(**given)
                except ValueError:
                    raise ValueError(f"“{text}” is not a date in the calendar.") from None
        raise ValueError(f"Write the date as year-month-day, such as 2021-10-14, not “{text}”.")

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value  # a real date cell in Excel
        return "" if value is None else value.isoformat()


class PoundsWidget(widgets.Widget):
    """An amount in pounds sterling, exact to the penny: 1500000.00. A £ sign, commas and
    spaces are allowed on the way in."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            value = repr(value)  # the shortest text that reads back as the same number
        text = "" if value is None else re.sub(r"[£,\s]", "", str(value))
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValueError(f"Write the amount in pounds, such as 150000.00, not “{value}”.")
        return amount

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else f"{value:f}"


class YesNoWidget(widgets.Widget):
    """Yes or no. A blank is refused rather than guessed, so that a cell left empty can
    neither publish a draft nor take a published record off the site."""

    ANSWERS = {
        **dict.fromkeys(("yes", "y", "true", "1"), True),
        **dict.fromkeys(("no", "n", "false", "0"), False),
    }

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = "" if value is None else str(value).strip().lower()
        if not text:
            raise ValueError("Write yes or no: a blank is taken for neither.")
        if text not in self.ANSWERS:
            raise ValueError(f"Write yes or no, not “{value}”.")
        return self.ANSWERS[text]

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


def text(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=TextWidget())


def choice(name: str, choices) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ChoiceWidget(choices))


def parents_first(records: list, parent: str) -> list:
    """The records in their order, except that each comes after the record its ``parent``
    field points at when that one is in the list too: the file then imports into an empty
    database, every row finding the row it names already saved."""
    parent_id = f"{parent}_id"
    listed = {record.pk: record for record in records}
    placed, ordered = set(), []
    for record in records:
        chain = []
        while record is not None and record.pk not in placed:
            placed.add(record.pk)
            chain.append(record)
            record = listed.get(getattr(record, parent_id))
        ordered.extend(reversed(chain))
    return ordered


class ImportRefused(Exception):
    """The whole file was refused before any row was read: the reason is for staff."""


class ImportResult(Result):
    """django-import-export's result, with every problem in one plain sentence."""

    column_names: dict[str, str] = {}
    # How each record the file names was stored when it was read (RecordResource.stored_states).
    states: dict[str, str] = {}

    @classmethod
    def refused(cls, reason: str) -> "ImportResult":
        result = cls()
        result.append_base_error(Error(ImportRefused(reason)))
        return result

    def problems(self) -> list[str]:
        """Why the file cannot be imported: each row's problems in the record's own words,
        the row numbered as a spreadsheet numbers it (the column titles are row 1)."""
        found = [(0, str(error.error)) for error in self.base_errors]
        for row in self.invalid_rows:
            number = row.number + 1
            for name, messages in row.field_specific_errors.items():
                column = self.column_names.get(name, name)
                found += [(number, f"Row {number}, {column}: {message}") for message in messages]
            found += [
                (number, f"Row {number}: {message}") for message in row.non_field_specific_errors
            ]
        for row in self.error_rows:
            found += [
                (row.number + 1, f"Row {row.number + 1}: {error.error}") for error in row.errors
            ]
        return [message for _, message in sorted(found, key=lambda item: item[0])]


class RecordResource(resources.ModelResource):
    """What every staff import and export shares. Subclasses declare their fields, name in
    ``listed_after`` the field pointing at a record of the same kind (an export lists that
    record first), and the relations an export reads in ``export_select_related`` and
    ``export_prefetch_related``, so that it costs a few queries however many rows."""

    listed_after: str | None = None
    export_select_related: tuple[str, ...] = ()
    export_prefetch_related: tuple[str, ...] = ()

    class Meta:
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_result_class(self):
        return ImportResult

    def stored_states(self, dataset, *, lock: bool = False) -> dict[str, str]:
        """For each record the file names, by its key, a digest of how it is now stored (its
        columns and links), or "" where no record has that key. With ``lock`` the records
        stay locked until the transaction ends. Two queries and one per many-to-many
        field, however many rows."""
        (key_name,) = self.get_import_id_fields()  # every file is keyed by one column
        key = self.fields[key_name]
        if key.column_name not in dataset.headers:
            return {}  # the import itself says that the column is missing
        keys = set()
        for values in dataset:
            try:
                value = key.clean(dict(zip(dataset.headers, values, strict=True)))
            except (ValueError, ValidationError):
                continue  # the preview reports the row; it matches no record
            if value not in (None, ""):
                keys.add(str(value))
        records = self._meta.model._base_manager.filter(**{f"{key.attribute}__in": keys})
        states = dict.fromkeys(keys, "")
        for stored in stored_values(records, lock=lock).values():
            states[str(stored[key.attribute])] = digest(stored)
        return states

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        states_at_preview: dict[str, str] | None = None,
        **kwargs,
    ):
        """The package's import, with the stored state of every record the file names kept
        in the result (read before any row, so a change made while the preview runs shows
        up later as a change). Given ``states_at_preview``, the records are locked first,
        and if any of them changed since the preview (or a record was added or deleted
        under one of the file's keys) nothing is imported and the result says which."""
        with transaction.atomic():
            states = self.stored_states(dataset, lock=states_at_preview is not None)
            if states_at_preview is not None:
                changed = sorted(
                    key
                    for key in states.keys() | states_at_preview.keys()
                    if states.get(key) != states_at_preview.get(key)
                )
                if changed:
                    return self.get_result_class().refused(self._changed_since_preview(changed))
            result = super().import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=raise_errors,
                use_transactions=use_transactions,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=rollback_on_validation_errors,
                **kwargs,
            )
            result.states = states
            return result

    def _changed_since_preview(self, keys: list[str]) -> str:
        opts = self._meta.model._meta
        noun = opts.verbose_name if len(keys) == 1 else opts.verbose_name_plural
        listed = ", ".join(keys[:10]) + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
        return (
            f"Since the preview, somebody else changed {len(keys)} {noun} this file names: "
            f"{listed}. Upload the file again to preview it against the record as it now "
            "stands."
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*self.export_select_related).prefetch_related(
            *self.export_prefetch_related
        )

    def iter_queryset(self, queryset):
        records = list(super().iter_queryset(queryset))
        return parents_first(records, self.listed_after) if self.listed_after else records

    def import_instance(self, instance, row, **kwargs):
        text_fields = [f for f in self.get_import_fields() if isinstance(f.widget, TextWidget)]
        before = {f.attribute: getattr(instance, f.attribute) for f in text_fields}
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Links are set only after the record is saved, so the package checks them late and
        # reports an unknown slug as a crash. Checking them now makes it a row's problem.
        for field in self.get_import_fields():
            if isinstance(field.widget, KeysWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        if instance.pk is not None:
            # Files read on Windows or through a form can turn line breaks from \r\n into \n:
            # that alone is no change to the text.
            for name, old in before.items():
                new = getattr(instance, name)
                if isinstance(new, str) and _same_lines(new, old):
                    setattr(instance, name, old)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        self._saving_new = is_create
        super().save_instance(instance, is_create, row, **kwargs)

    def do_instance_save(self, instance, is_create):
        if not is_create:
            record_baselines(type(instance)._default_manager.filter(pk=instance.pk))
        # One history entry per row, written once the links are set (as the admin does):
        # left to the signals, a row that also changes links would leave two or three.
        instance.skip_history_when_saving = True
        super().do_instance_save(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        try:
            super().save_m2m(instance, row, **kwargs)
        finally:
            instance.__dict__.pop("skip_history_when_saving", None)
        file_name = kwargs.get("file_name")
        record_history(
            [instance],
            user=kwargs.get("user"),
            created=self._saving_new,
            reason=f"Imported from {file_name}" if file_name else "Imported from a file",
        )

    def after_import(self, dataset, result, **kwargs):
        result.column_names = {
            field.attribute: field.column_name for field in self.get_import_fields()
        }
        super().after_import(dataset, result, **kwargs)


def _same_lines(first: str, second) -> bool:
    return isinstance(second, str) and first.replace("\r\n", "\n") == second.replace("\r\n", "\n")


ORGANISATION_COLUMNS = [
    "slug", "name", "short_name", "kind", "parent", "nation_region", "org_id", "website",
    "description", "source_url", "is_published",
]  # fmt: skip


class OrganisationResource(RecordResource):
    slug = fields.Field(attribute="slug", column_name="slug", widget=widgets.CharWidget())
    name = text("name")
    short_name = text("short_name")
    kind = choice("kind", Organisation.Kind.choices)
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=KeyWidget(Organisation, noun="organisation"),
    )
    nation_region = choice("nation_region", NationRegion.choices)
    org_id = fields.Field(attribute="org_id", column_name="org_id", widget=widgets.CharWidget())
    website = text("website")
    description = text("description")
    source_url = text("source_url")
    is_published = fields.Field(
        attribute="is_published", column_name="is_published", widget=YesNoWidget()
    )

    listed_after = "parent"
    export_select_related = ("parent",)

    class Meta(RecordResource.Meta):
        model = Organisation
        import_id_fields = ["slug"]
        fields = ORGANISATION_COLUMNS
        export_order = ORGANISATION_COLUMNS
