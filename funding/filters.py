"""The funding explorer's filter: one FilterSet for the page and for every download.

Invalid input never raises and never empties the page. Each part of the filter that does not
make sense (letters in an amount, an unknown funder, a year range the wrong way round) is
left out with a plain message in ``filterset.messages``, and the valid parts still apply, as
GrantNav does. ``filterset.qs`` is therefore always a usable queryset.
"""

import re
from decimal import Decimal

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db.models import Exists, Func, IntegerField, OuterRef, Q
from django.db.models.lookups import Exact

from funding.models import Award, FundingProgramme
from mmip.dates import in_years
from mmip.filtering import LenientFilterSet, shown
from mmip.fulltext import CONFIG as SEARCH_CONFIG
from mmip.fulltext import indexed_document
from mmip.models import Organisation
from workstreams.models import Workstream

SEARCH_MAX_LENGTH = 200
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
LARGEST_AMOUNT = Decimal("1000000000000")  # £1 trillion: more than any award could be
PENNY = Decimal("0.01")
# A search word's organisations go into the query as a list up to this many, else as a
# subquery (see filter_text).
NAMES_LISTED = 500

# The explorer's default order, newest first; the identifier breaks ties so that pages of
# results never swap rows between requests.
DEFAULT_ORDERING = ("-award_date", "identifier")

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


def public_awards():
    return Award.objects.public().with_parties().order_by(*DEFAULT_ORDERING)


def organisations_in_role(role: str):
    # Offer only organisations someone can find awards for: a funder with no public
    # awards would always give an empty page.
    return Organisation.objects.public().filter(
        Exists(Award.objects.public().filter(**{role: OuterRef("pk")}))
    )


# django-filter calls these with the request; the choices are the same for everyone.
def funders(request=None):
    return organisations_in_role("funder")


def recipients(request=None):
    return organisations_in_role("recipient")


def _lexemes(word: str) -> str:
    """A visitor's word as a prefix query for to_tsquery: its letters and digits only, so
    nothing they type can break the query's syntax ("fill-finish" asks for both parts)."""
    return " & ".join(f"{token}:*" for token in re.findall(r"[^\W_]+", word))


def _named(word: str) -> Q:
    return Q(name__icontains=word) | Q(short_name__icontains=word)


def _organisations_named(words: list[str]) -> dict[str, list[int]]:
    """For each word, the public organisations whose name or short name contains it, in one
    query: a draft's name finds nothing."""
    matching = Q()
    for word in words:
        matching |= _named(word)
    found = Organisation.objects.public().filter(matching).values_list("pk", "name", "short_name")
    named = {word: [] for word in words}
    for pk, *names in found:
        text = " ".join(names).casefold()
        for word in words:
            if word.casefold() in text:
                named[word].append(pk)
    return named


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


class StatusField(IgnoresEmptyMixin, django_filters.fields.MultipleChoiceField):
    pass


class StatusFilter(django_filters.MultipleChoiceFilter):
    field_class = StatusField


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


class SortFilter(django_filters.OrderingFilter):
    """Sorts as asked, then by identifier so equal dates, amounts or titles keep one order."""

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "identifier")


def _year_field_options(which: str) -> dict:
    message = f"Enter the {which} year as four figures between {EARLIEST_YEAR} and {LATEST_YEAR}, such as 2021."
    return {
        "min_value": EARLIEST_YEAR,
        "max_value": LATEST_YEAR,
        "error_messages": {"invalid": message, "min_value": message, "max_value": message},
    }


def _amount_field_options(which: str) -> dict:
    return {
        "min_value": Decimal("0"),
        "max_value": LARGEST_AMOUNT,
        "error_messages": {
            "invalid": f"Enter the {which} amount as a number of pounds, such as 50000.",
            "min_value": f"The {which} amount cannot be below £0.",
            "max_value": f"The {which} amount cannot be above £1,000,000,000,000.",
        },
    }


def _choice_messages(thing: str) -> dict:
    return {
        "error_messages": {
            "invalid_choice": f"There is no {thing} “%(value)s” in the record, so the {thing} filter was left out.",
            "invalid_list": f"The {thing} filter was not understood, so it was left out.",
        }
    }


class AwardFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        self._drop_reversed("year_from", "year_to", "The “from” year is after the “to” year")
        self._drop_reversed(
            "amount_min", "amount_max", "The smallest amount is larger than the largest amount"
        )
        return cleaned

    def _drop_reversed(self, low_name: str, high_name: str, problem: str):
        # A reversed range has no valid part to keep, so both ends go and one message says why.
        low = self.cleaned_data.get(low_name)
        high = self.cleaned_data.get(high_name)
        if low is not None and high is not None and low > high:
            self.add_error(None, f"{problem}, so that range was left out. Swap them and try again.")
            del self.cleaned_data[low_name], self.cleaned_data[high_name]


class AwardFilterSet(LenientFilterSet):
    """Filters public awards. Bind it to ``request.GET``; read ``qs`` for the rows (funder,
    recipient, routed-through body and programme joined in the same query) and ``messages``
    for anything that was left out. Every multiple-choice filter takes repeated parameters
    (``?funder=a&funder=b``) and matches any of them; different filters must all match."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words in the title or description, or part of the funder's or recipient's name.",
        error_messages={
            "max_length": f"Search text can be at most {SEARCH_MAX_LENGTH} characters, so the search was left out. Try fewer words.",
            "null_characters_not_allowed": "The search text had characters that cannot be searched for, so the search was left out.",
        },
    )
    funder = SlugChoiceFilter(
        label="Funder",
        queryset=funders,
        to_field_name="slug",
        method="filter_in",
        **_choice_messages("funder"),
    )
    recipient = SlugChoiceFilter(
        label="Recipient",
        queryset=recipients,
        to_field_name="slug",
        method="filter_in",
        **_choice_messages("recipient"),
    )
    programme = SlugChoiceFilter(
        label="Programme",
        queryset=FundingProgramme.objects.public(),
        to_field_name="slug",
        method="filter_in",
        **_choice_messages("programme"),
    )
    workstream = SlugChoiceFilter(
        label="Workstream",
        queryset=Workstream.objects.public(),
        to_field_name="slug",
        method="filter_workstream",
        **_choice_messages("workstream"),
    )
    year_from = YearFilter(label="Awarded from (year)", end="first", **_year_field_options("first"))
    year_to = YearFilter(label="Awarded to (year)", end="last", **_year_field_options("last"))
    amount_min = AmountFilter(
        label="Smallest amount (£)",
        field_name="amount",
        lookup_expr="gte",
        **_amount_field_options("smallest"),
    )
    amount_max = AmountFilter(
        label="Largest amount (£)",
        field_name="amount",
        lookup_expr="lte",
        **_amount_field_options("largest"),
    )
    status = StatusFilter(
        label="Status",
        choices=Award.Status.choices,
        distinct=False,
        error_messages={
            "invalid_choice": "That is not an award status, so the status filter was left out.",
        },
    )
    sort = SortFilter(
        label="Sort by",
        fields=(("award_date", "date"), ("amount", "amount"), ("title", "title")),
        choices=[
            ("-date", "Newest first"),
            ("date", "Oldest first"),
            ("-amount", "Largest first"),
            ("amount", "Smallest first"),
            ("title", "Title, A to Z"),
            ("-title", "Title, Z to A"),
        ],
        empty_label=None,
        error_messages={
            "invalid_choice": "The awards cannot be sorted that way, so they are newest first.",
        },
    )

    class Meta:
        model = Award
        fields = []
        form = AwardFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else public_awards(), **kwargs)

    def filter_text(self, queryset, name, value):
        """Every word must match: a word of the award's title or description (or its
        identifier) that starts with it, through the award's full-text index; or part of
        its funder's or recipient's name or short name. A word the index leaves out as too
        common ("of", "the") asks for nothing; one with no letters or digits ("%") can only
        be part of a name."""
        words = list(dict.fromkeys(value.casefold().split()))  # each word once
        named = _organisations_named(words)
        queryset = queryset.alias(document=indexed_document(Award))
        for word in words:
            condition = Q(pk__in=[])  # nothing, until a way of matching is added
            if lexemes := _lexemes(word):
                query = SearchQuery(lexemes, search_type="raw", config=SEARCH_CONFIG)
                too_common = Exact(Func(query, function="numnode", output_field=IntegerField()), 0)
                condition = Q(document=query) | Q(too_common)
            organisations = named[word]
            if len(organisations) > NAMES_LISTED:
                # A word in most names ("a"): a subquery keeps the statement small.
                organisations = Organisation.objects.public().filter(_named(word)).values("pk")
            if organisations:
                # Literal lists where they are short, so PostgreSQL can combine the full-text
                # index with the funder and recipient indexes rather than read every award.
                condition |= Q(funder__in=organisations) | Q(recipient__in=organisations)
            queryset = queryset.filter(condition)
        return queryset

    # A model multiple-choice field gives an empty queryset, not an empty list, when nothing
    # is chosen, and django-filter only skips empty lists; so the methods check for themselves.
    def filter_in(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{name}__in": [record.pk for record in value]})

    def filter_workstream(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery rather than a join, so an award in two chosen workstreams appears once
        # without a DISTINCT over every selected column.
        tagged = Award.workstreams.through.objects.filter(
            workstream__in=[workstream.pk for workstream in value]
        )
        return queryset.filter(pk__in=tagged.values("award_id"))
