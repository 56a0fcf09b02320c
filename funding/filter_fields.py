"""The kinds of value the funding explorer's filter reads from the address, each turned into
what it means or refused with a plain message (funding/filters.py puts them together).

A value that cannot be used raises a ValidationError whose message says what to type
instead; the lenient FilterSet then leaves that part out and shows the message.
"""

import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from mmip.dates import in_financial_years, in_years
from mmip.filtering import ShortWrongChoiceMixin, shown
from mmip.regions import NationRegion

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
LARGEST_AMOUNT = Decimal("1000000000000")  # £1 trillion: more than any award could be
PENNY = Decimal("0.01")

# A recipient whose nation or region the record does not hold: a choice of its own, so those
# awards can be chosen or left out like any other region's.
UNKNOWN_REGION = "unknown"
REGION_CHOICES = [*NationRegion.choices, (UNKNOWN_REGION, "Not recorded")]

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
# "2019", "2019-20", "2019/20", "2019-2020": the financial year that starts in April 2019
# (an en dash, as printed, too).
_FINANCIAL_YEAR = re.compile(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})")


class IgnoresEmptyMixin:
    """A plain GET form sends "funder=" for "any funder": an empty value chooses nothing, so
    it is dropped rather than taken for a choice that does not exist."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [item for item in value if item != ""]
        return super().clean(value)


class SlugChoiceField(IgnoresEmptyMixin, django_filters.fields.ModelMultipleChoiceField):
    """Chooses records by slug. Values that cannot be slugs are turned away before any
    query, so a 10,000-character or NUL-laden value costs nothing and cannot upset the
    database; unknown slugs are named back, shortened, in the message."""

    def _check_values(self, value):
        for slug in value:
            if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
                raise self._unknown(slug)
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code == "invalid_choice":
                raise self._unknown(error.params["value"]) from None
            raise

    def _unknown(self, value) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": shown(value, limit=60)},
        )


class SlugChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugChoiceField


class ChoicesField(
    IgnoresEmptyMixin, ShortWrongChoiceMixin, django_filters.fields.MultipleChoiceField
):
    """Several of a fixed list of choices; a value not on the list is named back shortened."""


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    field_class = ChoicesField


class PoundsField(forms.DecimalField):
    """An amount in pounds as people type it: '£50,000' and '50000' are the same amount.
    Rounded to the penny, which also keeps absurd exponents away from the database."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[£,\s]", "", value)
        return super().to_python(value)

    def clean(self, value):
        value = super().clean(value)
        return None if value is None else value.quantize(PENNY)


class AmountFilter(django_filters.NumberFilter):
    field_class = PoundsField

    def get_max_validator(self):
        return None  # the field's own max_value gives the message


class YearFilter(django_filters.NumberFilter):
    """One end of a range of years typed into the address: awards from the first year on
    (end="first") or up to the last (end="last")."""

    field_class = forms.IntegerField

    def __init__(self, *, end: str, **kwargs):
        super().__init__(field_name="award_date", **kwargs)
        self.end = end

    def get_max_validator(self):
        return None  # the field's own range gives the message

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(in_years(self.field_name, **{self.end: value}))


class FinancialYearField(forms.IntegerField):
    """A UK financial year (April to March), named by the year it starts in, as people write
    it: "2019", "2019-20", "2019/20" and "2019-2020" are all 2019. A pair of years that are
    not one after the other ("2019-21") is not a financial year."""

    def to_python(self, value):
        if isinstance(value, str) and (match := _FINANCIAL_YEAR.fullmatch(value.strip())):
            first, second = match.groups()
            following = str(int(first) + 1)
            if second != following[-len(second) :]:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = first
        return super().to_python(value)


class FinancialYearFilter(YearFilter):
    """One end of a range of UK financial years; see mmip.dates.in_financial_years for what a
    date known only to its year does."""

    field_class = FinancialYearField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(
            in_financial_years(self.field_name, f"{self.field_name}_precision", **{self.end: value})
        )


class SortFilter(django_filters.OrderingFilter):
    """Sorts as asked, then by identifier so equal dates, amounts or titles keep one order."""

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "identifier")


def _range(message: str) -> dict:
    return {
        "min_value": EARLIEST_YEAR,
        "max_value": LATEST_YEAR,
        "error_messages": {"invalid": message, "min_value": message, "max_value": message},
    }


def year_field_options(which: str) -> dict:
    return _range(
        f"Enter the {which} year as four figures between {EARLIEST_YEAR} and {LATEST_YEAR}, such as 2021."
    )


def financial_year_field_options(which: str) -> dict:
    return _range(
        f"Enter the {which} financial year as the year it starts, between {EARLIEST_YEAR} and "
        f"{LATEST_YEAR}: 2021 or 2021-22 for April 2021 to March 2022."
    )


def amount_field_options(which: str) -> dict:
    return {
        "min_value": Decimal("0"),
        "max_value": LARGEST_AMOUNT,
        "error_messages": {
            "invalid": f"Enter the {which} amount as a number of pounds, such as 50000.",
            "min_value": f"The {which} amount cannot be below £0.",
            "max_value": f"The {which} amount cannot be above £1,000,000,000,000.",
        },
    }


def choice_messages(thing: str, *, excluding: bool = False, choices: str = "in the record") -> dict:
    """The messages of a filter that chooses things (or, excluding, leaves them out)."""
    if excluding:
        unknown = f"There is no {thing} “%(value)s” {choices} to leave out, so that part of the filter was left out."
        not_understood = f"The {thing}s to leave out were not understood, so that part of the filter was left out."
    else:
        unknown = f"There is no {thing} “%(value)s” {choices}, so the {thing} filter was left out."
        not_understood = f"The {thing} filter was not understood, so it was left out."
    return {"error_messages": {"invalid_choice": unknown, "invalid_list": not_understood}}
