"""What every public filter shares: a value typed into the address that cannot be used is
left out with a plain message in ``filterset.messages``, and the rest of the filter still
applies. Pages show them through LenientFilterView, which is not strict (django-filter's
strict mode shows nothing when any part is bad).
"""

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django_filters.constants import EMPTY_VALUES
from django_filters.views import FilterView

from mmip.dates import in_years, years_of


def shown(value, limit: int = 40) -> str:
    """A visitor's value, cut short and stripped of control characters, to repeat back."""
    value = "".join(character for character in str(value) if character.isprintable())
    return value if len(value) <= limit else value[: limit - 1] + "…"


class ShortWrongChoiceMixin:
    """For a choice field: names a wrong value back shortened, so a 10,000-character value
    does not become a 10,000-character message."""

    def validate(self, value):
        try:
            super().validate(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": shown(error.params["value"])},
            ) from None


class LenientChoiceField(ShortWrongChoiceMixin, django_filters.fields.ChoiceField):
    pass


class LenientChoiceFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField

    def __init__(self, *, thing: str, any_label: str, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": f"There is no {thing} “%(value)s” to choose, so the {thing} filter was left out.",
            },
        )
        super().__init__(empty_label=any_label, **kwargs)


class YearChoiceFilter(LenientChoiceFilter):
    """A year in which the rows the page lists have a date: the FilterSet offers those years,
    newest first, read from the record, so no choice gives an empty page."""

    def __init__(self, *, things: str, field_name: str = "date", **kwargs):
        super().__init__(
            label="Year",
            thing="year",
            any_label="Any year",
            field_name=field_name,
            error_messages={
                "invalid_choice": f"There are no {things} in a year “%(value)s”, so the year filter was left out. Choose a year from the list.",
            },
            **kwargs,
        )

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        year = int(value)
        return qs.filter(in_years(self.field_name, year, year))


class LenientFilterSet(django_filters.FilterSet):
    """The base of every public filter. A part that cannot be used is left out, named in
    ``left_out`` and explained in ``messages``, while the rest still applies; show it with
    LenientFilterView. Filters whose choices come from the record get them once per request:
    a YearChoiceFilter its years, the others from public_choices()."""

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        choices = self.public_choices()
        for name, filter_ in self.filters.items():
            if isinstance(filter_, YearChoiceFilter):
                years = years_of(self.queryset, filter_.field_name)
                choices[name] = [(str(year), str(year)) for year in years]
        # self.filters is this instance's own copy, so setting choices here before the form
        # is built costs one query per filter and leaks nothing between requests.
        for name, offered in choices.items():
            self.filters[name].extra["choices"] = offered

    def public_choices(self) -> dict[str, list[tuple[str, str]]]:
        """{filter name: [(value, label)]} for the filters whose choices are read from the
        rows the page lists (self.queryset); each FilterSet names its own."""
        return {}

    @property
    def messages(self) -> list[str]:
        """What of a bound filter could not be used, each message once: the form's own first,
        then each field's in the form's order. Nothing for an unbound filter."""
        if not self.is_bound:
            return []
        errors = self.form.errors
        messages = []
        for name in [NON_FIELD_ERRORS, *self.form.fields]:
            for message in errors.get(name, []):
                if message not in messages:
                    messages.append(message)
        return messages

    @property
    def left_out(self) -> list[str]:
        """The parameters given that the filter could not use."""
        form = self.form
        form.is_valid()
        return [
            name for name in form.fields if name not in form.cleaned_data and form.data.get(name)
        ]

    @property
    def is_filtered(self) -> bool:
        """Whether the address asks for some of the rows, with good values or bad, read as the
        form reads them: then "clear" makes sense. Asking for an order is not filtering."""
        if not self.is_bound:
            return False
        form = self.form
        for name, field in form.fields.items():
            if isinstance(self.filters[name], django_filters.OrderingFilter):
                continue
            value = field.widget.value_from_datadict(self.data, form.files, form.add_prefix(name))
            if any(value if isinstance(value, list | tuple) else [value]):
                return True
        return False


class LenientFilterView(FilterView):
    """A list page filtered by a LenientFilterSet. Not strict: django-filter's strict mode
    would show nothing at all when any part of the filter is bad."""

    strict = False
