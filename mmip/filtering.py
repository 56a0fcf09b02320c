"""What the list pages' filters share: a value typed into the address that is not a choice
is left out with a plain message in ``filterset.messages``, and the rest of the filter still
applies. A FilterView using a LenientFilterSet must set ``strict = False``, or django-filter
shows nothing when any part is bad.
"""

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def shown(value, limit: int = 40) -> str:
    """A visitor's value, cut short and stripped of control characters, to repeat back."""
    value = "".join(character for character in str(value) if character.isprintable())
    return value if len(value) <= limit else value[: limit - 1] + "…"


class LenientChoiceField(django_filters.fields.ChoiceField):
    """A choice field that names a wrong value back shortened, so a 10,000-character value
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
                params={"value": shown(value)},
            ) from None


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


def left_out(filterset: django_filters.FilterSet) -> list[str]:
    """What of a bound filter could not be used, each message once: the form's own first,
    then each field's in the form's order. Nothing for an unbound filter."""
    if not filterset.is_bound:
        return []
    errors = filterset.form.errors
    messages = []
    for name in [NON_FIELD_ERRORS, *filterset.form.fields]:
        for message in errors.get(name, []):
            if message not in messages:
                messages.append(message)
    return messages


class LenientFilterSet(django_filters.FilterSet):
    @property
    def messages(self) -> list[str]:
        return left_out(self)

    @property
    def is_filtered(self) -> bool:
        """Whether the address asks for any filter, good or bad: then "clear" makes sense."""
        return self.is_bound and any(self.data.get(name) for name in self.filters)
