"""The explorer's filter as a form: how each value is shown and chosen, and the choices of
each facet with the number of awards beside it ("Innovate UK (42)"). Only how the form reads
and shows values is decided here; what they mean is the filter's (funding/filters.py).
"""

import re

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from funding.facets import facet_counts
from funding.filter_fields import REGION_CHOICES
from funding.filters import AwardFilterSet
from mmip import pagecache
from mmip.formatting import figure
from mmip.regions import NationRegion
from mmip.widgets import QuickSelectMixin

# A filter's drop-down lists every choice up to this many; past it (thousands of recipients
# at scale) only the chosen ones, as a longer list is too heavy to send and too long to use.
CHOICES_LISTED = 200
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class OneOrSeveral(QuickSelectMixin, forms.SelectMultiple):
    """A drop-down of one choice, as most people want; a list box when the address already
    chooses several (?funder=a&funder=b), so none is dropped when the form is sent again."""

    def get_context(self, name, value, attrs):
        self.allow_multiple_selected = len(value or []) > 1
        return super().get_context(name, value, attrs)


# (facet, what a choice is, what the choices are, the page that lists them all, order of the
# drop-down); each has a twin, <facet>_not, that leaves its choices out.
CHOICE_FIELDS = (
    ("funder", "funder", "funders", "funder-list", ("name",)),
    ("recipient", "recipient", "recipients", "recipient-list", ("name",)),
    ("programme", "programme", "programmes", "funding-programme-list", ("name",)),
    ("workstream", "workstream", "workstreams", "workstream-list", ("display_order", "name")),
)
REGION = "region"
ENGLISH_REGIONS = {
    NationRegion.NORTH_EAST, NationRegion.NORTH_WEST, NationRegion.YORKSHIRE,
    NationRegion.EAST_MIDLANDS, NationRegion.WEST_MIDLANDS, NationRegion.EAST,
    NationRegion.LONDON, NationRegion.SOUTH_EAST, NationRegion.SOUTH_WEST,
}  # fmt: skip
CHOOSING = [name for name, *_ in CHOICE_FIELDS] + [REGION]
LEAVING_OUT = [f"{name}_not" for name in CHOOSING]


def award_filter(data) -> AwardFilterSet:
    """The explorer's filter, bound to a query string; the downloads read it the same way."""
    filterset = AwardFilterSet(data)
    fields = filterset.form.fields
    # The help texts describe the parameters for the API's schema; the form says it its own
    # way beside the fields that need it.
    for name, field in fields.items():
        if name != "q":
            field.help_text = ""
    for name in CHOOSING + LEAVING_OUT:
        fields[name].widget = OneOrSeveral()
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    # Text boxes, not number boxes, so "£50,000" and "2019-20" can be typed as the filter
    # reads them.
    for name in ("year_from", "year_to"):
        fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 6})
    for name in ("fy_from", "fy_to"):
        fields[name].widget = forms.TextInput(attrs={"size": 7})
    for name in ("amount_min", "amount_max"):
        fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 12})
    return filterset


def listed_choices(
    queryset, ordering, chosen: list[str]
) -> tuple[list[tuple[int, str, str]], bool]:
    """(id, slug, name) for a drop-down in its order, and whether there were too many to
    list, in which case only the chosen ones come back. One query: the first rows in order
    (found by an index, not by ranking every row) together with the chosen ones. More rows
    than can be listed means the list was cut short; fewer means the first rows were all
    of them, the chosen ones included."""
    first = queryset.order_by(*ordering).values("pk")[: CHOICES_LISTED + 1]
    rows = list(
        queryset.filter(Q(pk__in=first) | Q(slug__in=chosen))
        .order_by(*ordering)
        .values_list("pk", "slug", "name")
    )
    too_many = len(rows) > CHOICES_LISTED
    return [row for row in rows if row[1] in chosen] if too_many else rows, too_many


def _counted(label: str, count: int) -> str:
    return f"{label} ({figure(count)})"


def facet_fields(filterset: AwardFilterSet, data) -> list[dict]:
    """The facets' drop-downs, each choice with its count, for the template: one a facet,
    with its field choosing and its field leaving out. Past CHOICES_LISTED a drop-down
    offers only what the address chooses or leaves out, with a pointer to the page that
    lists them all. The choices are the same for every visitor who chooses the same values,
    so all four lists are made together (a query each) and kept until the record changes;
    the counts are the filter's own (funding/facets.py)."""
    chosen = {
        name: sorted(
            value
            for value in {*data.getlist(name), *data.getlist(f"{name}_not")}
            if SLUG.fullmatch(value)
        )
        for name, *_ in CHOICE_FIELDS
    }
    form = filterset.form
    fields = form.fields
    lists = pagecache.remembered(
        "explorer-facet-choices",
        sorted(chosen.items()),
        lambda: {
            name: listed_choices(fields[name].queryset, ordering, chosen[name])
            for name, *_, ordering in CHOICE_FIELDS
        },
        seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
    )
    # Only what a drop-down cut short lists is counted (the regions and statuses are few).
    listed = {
        name: [pk for pk, *_ in rows] if too_many else None
        for name, (rows, too_many) in lists.items()
    }
    counts = facet_counts(filterset, listed)
    facets = []
    for name, thing, things, list_page, _ in CHOICE_FIELDS:
        rows, too_many = lists[name]
        offered = [(slug, _counted(label, counts[name].get(pk, 0))) for pk, slug, label in rows]
        facet = _facet(form, name, f"Any {thing}", offered)
        facets.append(
            {**facet, "things": things, "too_many": too_many, "list_url": reverse(list_page)}
        )
    facets.append(_facet(form, REGION, "Anywhere", _regions(counts[REGION])))
    fields["status"].widget.choices = [
        (value, _counted(label, counts["status"].get(value, 0)))
        for value, label in fields["status"].choices
    ]
    return facets


def _regions(counts: dict[str, int]) -> list:
    """The nations and regions with their counts, England's regions together under England."""
    england, rest = [], []
    for value, label in REGION_CHOICES:
        in_england = value in ENGLISH_REGIONS
        shown = label.removesuffix(" (England)") if in_england else label
        (england if in_england else rest).append((value, _counted(shown, counts.get(value, 0))))
    return [("England", england), *rest]


def _facet(form, name: str, any_label: str, offered: list[tuple[str, str]]) -> dict:
    form.fields[name].widget.choices = [("", any_label), *offered]
    form.fields[f"{name}_not"].widget.choices = [("", "None"), *offered]
    return {"field": form[name], "leave_out": form[f"{name}_not"]}


def leaves_out(data) -> bool:
    """Whether the address leaves anything out, with good values or bad: the form then shows
    its leaving-out part open."""
    return any(value for name in LEAVING_OUT for value in data.getlist(name))
