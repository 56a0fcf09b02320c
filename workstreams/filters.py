"""The filters of /timeline/ and /outputs/.

Every filter is a drop-down whose choices come from the published record, so a visitor can
never pick something that gives an empty page. A value typed into the address instead
(an unknown slug, letters for a year, 10,000 characters, SQL) is checked against those
choices in Python, never sent to the database, and left out with a plain message in
``filterset.messages`` while the rest of the filter still applies. A FilterView using these
FilterSets must set ``strict = False``, or django-filter shows nothing when any part is bad.
"""

import datetime

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Exists, OuterRef

from mmip.models import Organisation
from workstreams.models import Milestone, Output, Workstream


def shown(value, limit: int = 40) -> str:
    """A visitor's value, cut short and stripped of control characters, to repeat back."""
    value = "".join(character for character in str(value) if character.isprintable())
    return value if len(value) <= limit else value[: limit - 1] + "…"


class RecordChoiceField(django_filters.fields.ChoiceField):
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


class RecordChoiceFilter(django_filters.ChoiceFilter):
    field_class = RecordChoiceField

    def __init__(self, *, thing: str, any_label: str, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": f"There is no {thing} “%(value)s” to choose, so the {thing} filter was left out.",
            },
        )
        super().__init__(empty_label=any_label, **kwargs)


def year_filter(things: str) -> RecordChoiceFilter:
    return RecordChoiceFilter(
        label="Year",
        thing="year",
        any_label="Any year",
        method="filter_year",
        error_messages={
            "invalid_choice": f"There are no {things} in a year “%(value)s”, so the year filter was left out. Choose a year from the list.",
        },
    )


class RecordFilterSet(django_filters.FilterSet):
    """Choices are read once per request from the published rows the page lists (the
    ``queryset`` it is given), and what could not be used is reported in ``messages``."""

    date_field = "date"

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # self.filters is this instance's own copy, so setting choices here before the form
        # is built costs one query per filter and leaks nothing between requests.
        for name, choices in self.published_choices().items():
            self.filters[name].extra["choices"] = choices

    def published_choices(self) -> dict[str, list[tuple[str, str]]]:
        """{filter name: [(value, label)]} for the filters whose choices are read from the
        record; each subclass names its own."""
        return {}

    @property
    def messages(self) -> list[str]:
        if not self.is_bound:
            return []
        messages = []
        for name in [NON_FIELD_ERRORS, *self.form.fields]:
            for message in self.form.errors.get(name, []):
                if message not in messages:
                    messages.append(message)
        return messages

    @property
    def is_filtered(self) -> bool:
        """Whether the address asks for any filter, good or bad: then "clear" makes sense."""
        return self.is_bound and any(self.data.get(name) for name in self.filters)

    def filter_year(self, queryset, name, value):
        # A range rather than __year, so the date index serves it.
        year = int(value)
        return queryset.filter(
            **{
                f"{self.date_field}__gte": datetime.date(year, 1, 1),
                f"{self.date_field}__lt": datetime.date(year + 1, 1, 1),
            }
        )


def years(queryset, field: str = "date") -> list[tuple[str, str]]:
    """The years that have a dated row, newest first. Undated rows have no year to offer."""
    days = queryset.prefetch_related(None).dates(field, "year", order="DESC")
    return [(str(day.year), str(day.year)) for day in days]


class MilestoneFilterSet(RecordFilterSet):
    workstream = RecordChoiceFilter(
        label="Workstream",
        thing="workstream",
        any_label="Any workstream",
        field_name="workstream__slug",
    )
    kind = RecordChoiceFilter(
        label="Kind of milestone",
        thing="kind of milestone",
        any_label="Any kind",
        choices=Milestone.Kind.choices,
    )
    year = year_filter("milestones")

    class Meta:
        model = Milestone
        fields = []

    def published_choices(self):
        milestones = self.queryset
        # Only workstreams with a milestone to show: no choice leads to an empty timeline.
        workstreams = Workstream.objects.published().filter(
            Exists(milestones.filter(workstream=OuterRef("pk")))
        )
        return {
            "workstream": list(workstreams.values_list("slug", "name")),
            "year": years(milestones),
        }


class OutputFilterSet(RecordFilterSet):
    kind = RecordChoiceFilter(
        label="Kind of output",
        thing="kind of output",
        any_label="Any kind",
        choices=Output.Kind.choices,
    )
    workstream = RecordChoiceFilter(
        label="Workstream",
        thing="workstream",
        any_label="Any workstream",
        method="filter_workstream",
    )
    publisher = RecordChoiceFilter(
        label="Publisher", thing="publisher", any_label="Any publisher", method="filter_publisher"
    )
    year = year_filter("outputs")

    class Meta:
        model = Output
        fields = []

    def published_choices(self):
        outputs = self.queryset
        workstreams = Workstream.objects.published().filter(
            Exists(outputs.filter(workstreams=OuterRef("pk")))
        )
        # A draft organisation is never offered, so its slug in the address gets a message.
        publishers = Organisation.objects.published().filter(
            Exists(outputs.filter(publishers=OuterRef("pk")))
        )
        return {
            "workstream": list(workstreams.values_list("slug", "name")),
            "publisher": list(publishers.values_list("slug", "name")),
            "year": years(outputs),
        }

    # Subqueries rather than joins, so an output appears once whatever else is chosen.
    def filter_workstream(self, queryset, name, value):
        tagged = Output.workstreams.through.objects.filter(workstream__slug=value)
        return queryset.filter(pk__in=tagged.values("output_id"))

    def filter_publisher(self, queryset, name, value):
        published_by = Output.publishers.through.objects.filter(organisation__slug=value)
        return queryset.filter(pk__in=published_by.values("output_id"))
