"""The funding explorer's filter: one FilterSet for the page and for every download.

Invalid input never raises and never empties the page. Each part of the filter that does not
make sense (letters in an amount, an unknown funder, a year range the wrong way round) is
left out with a plain message in ``filterset.messages``, and the valid parts still apply, as
GrantNav does. ``filterset.qs`` is therefore always a usable queryset. What each kind of
value accepts, and the message when it cannot be used, is in funding/filter_fields.py.
"""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, Func, IntegerField, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact

from funding.filter_fields import (
    REGION_CHOICES,
    UNKNOWN_REGION,
    AmountFilter,
    ChoicesFilter,
    FinancialYearFilter,
    SlugChoiceFilter,
    SortFilter,
    YearFilter,
    amount_field_options,
    choice_messages,
    financial_year_field_options,
    year_field_options,
)
from funding.models import Award, FundingProgramme
from mmip.filtering import LenientFilterSet
from mmip.fulltext import CONFIG as SEARCH_CONFIG
from mmip.fulltext import indexed_document
from mmip.models import Organisation
from workstreams.models import Workstream

SEARCH_MAX_LENGTH = 200
# A search word's organisations go into the query as a list up to this many, else as a
# subquery (see filter_text).
NAMES_LISTED = 500

# The explorer's default order, newest first; the identifier breaks ties so that pages of
# results never swap rows between requests.
DEFAULT_ORDERING = ("-award_date", "identifier")


def public_awards():
    return Award.objects.public().with_parties().order_by(*DEFAULT_ORDERING)


def organisations_in_role(role: str):
    """Public organisations with a public award in ``role``. Only those are offered: a funder
    with no public awards would always give an empty page."""
    if role == "funder":
        return Organisation.objects.public().filter(pk__in=_each_with_a_public_award(role))
    return Organisation.objects.public().filter(
        Exists(Award.objects.public().filter(**{role: OuterRef("pk")}))
    )


def _each_with_a_public_award(role: str) -> RawSQL:
    """The ids in ``role`` of public awards, each once, found by skipping from one to the
    next through the index that leads with it, as PostgreSQL has no skip scan of its own:
    a few dozen funders among 100,000 awards cost as many index lookups (about 3 ms), where
    an EXISTS for each organisation was planned as a pass over every award (about 60 ms).
    The public rule is Award.objects.public()'s own, compiled into each step."""
    public = Award.objects.public().order_by(role).values(role)
    first, first_params = public[:1].query.sql_with_params()
    after, after_params = public.filter(**{f"{role}__gt": RawSQL("found.id", [])})[
        :1
    ].query.sql_with_params()
    return RawSQL(
        f"WITH RECURSIVE found(id) AS (({first}) UNION ALL SELECT ({after}) FROM found "
        "WHERE found.id IS NOT NULL) SELECT id FROM found WHERE id IS NOT NULL",
        (*first_params, *after_params),
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


class AwardFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        self._drop_reversed("year_from", "year_to", "The “from” year is after the “to” year")
        self._drop_reversed(
            "fy_from", "fy_to", "The “from” financial year is after the “to” financial year"
        )
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


def _chooser(thing: str, queryset, method: str, **kwargs) -> SlugChoiceFilter:
    return SlugChoiceFilter(
        queryset=queryset, to_field_name="slug", method=method, **choice_messages(thing), **kwargs
    )


def _leaver(thing: str, queryset, method: str, *, field_name: str) -> SlugChoiceFilter:
    return SlugChoiceFilter(
        label=f"Leave out {thing}s",
        help_text=f"Awards of any of these {thing}s are left out; the rest stay.",
        queryset=queryset,
        to_field_name="slug",
        field_name=field_name,
        method=method,
        **choice_messages(thing, excluding=True),
    )


class AwardFilterSet(LenientFilterSet):
    """Filters public awards. Bind it to ``request.GET``; read ``qs`` for the rows (funder,
    recipient, routed-through body and programme joined in the same query) and ``messages``
    for anything that was left out.

    Every multiple-choice filter takes repeated parameters (``?funder=a&funder=b``) and
    matches any of them; different filters must all match. Funder, recipient, programme,
    workstream and region each have a twin ending ``_not`` that leaves its choices out
    (``?funder_not=innovate-uk``: every funder but Innovate UK). Leaving out keeps the awards
    that have no value at all: those outside any programme or workstream, and those whose
    recipient's region is not recorded (choose or leave out ``region=unknown`` for them). A
    value both chosen and left out is left out."""

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
    funder = _chooser("funder", funders, "filter_in", label="Funder")
    recipient = _chooser("recipient", recipients, "filter_in", label="Recipient")
    programme = _chooser(
        "programme", FundingProgramme.objects.public(), "filter_in", label="Programme"
    )
    workstream = _chooser(
        "workstream", Workstream.objects.public(), "filter_workstream", label="Workstream"
    )
    region = ChoicesFilter(
        label="Recipient's nation or region",
        help_text=f"Where the recipient is, as the record gives it; {UNKNOWN_REGION} for a recipient whose nation or region is not recorded.",
        choices=REGION_CHOICES,
        method="filter_region",
        **choice_messages("nation or region", choices="to choose"),
    )
    funder_not = _leaver("funder", funders, "exclude_in", field_name="funder")
    recipient_not = _leaver("recipient", recipients, "exclude_in", field_name="recipient")
    programme_not = _leaver(
        "programme", FundingProgramme.objects.public(), "exclude_in", field_name="programme"
    )
    workstream_not = _leaver(
        "workstream", Workstream.objects.public(), "exclude_workstream", field_name="workstream"
    )
    region_not = ChoicesFilter(
        label="Leave out nations or regions",
        help_text="Awards to recipients in any of these are left out; those whose recipient's nation or region is not recorded stay unless unknown is among them.",
        choices=REGION_CHOICES,
        field_name="region",
        method="exclude_region",
        **choice_messages("nation or region", excluding=True, choices="to choose"),
    )
    year_from = YearFilter(label="Awarded from (year)", end="first", **year_field_options("first"))
    year_to = YearFilter(label="Awarded to (year)", end="last", **year_field_options("last"))
    fy_from = FinancialYearFilter(
        label="Awarded from (financial year)",
        help_text="A UK financial year, April to March, by the year it starts: 2019 or 2019-20. An award known only to its year is matched only when both financial years it may be in are in the range.",
        end="first",
        **financial_year_field_options("first"),
    )
    fy_to = FinancialYearFilter(
        label="Awarded to (financial year)",
        help_text="The last financial year, inclusive: 2021 or 2021-22 runs to 31 March 2022.",
        end="last",
        **financial_year_field_options("last"),
    )
    amount_min = AmountFilter(
        label="Smallest amount (£)",
        field_name="amount",
        lookup_expr="gte",
        **amount_field_options("smallest"),
    )
    amount_max = AmountFilter(
        label="Largest amount (£)",
        field_name="amount",
        lookup_expr="lte",
        **amount_field_options("largest"),
    )
    status = ChoicesFilter(
        label="Status",
        choices=Award.Status.choices,
        method="filter_values",
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
        self._names = {}

    def without(self, *names: str):
        """The awards the filter finds with the named parameters left out of it, unordered:
        the counts beside a facet's choices are those of the rest of the filter
        (funding/facets.py)."""
        queryset = self.queryset.order_by()
        if not self.is_bound:
            return queryset
        self.form.is_valid()  # cleaned_data then holds every part that can be used
        for name, value in self.form.cleaned_data.items():
            if name not in names and not isinstance(self.filters[name], SortFilter):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_text(self, queryset, name, value):
        """Every word must match: a word of the award's title or description (or its
        identifier) that starts with it, through the award's full-text index; or part of
        its funder's or recipient's name or short name. A word the index leaves out as too
        common ("of", "the") asks for nothing; one with no letters or digits ("%") can only
        be part of a name."""
        words = list(dict.fromkeys(value.casefold().split()))  # each word once
        # Looked up once however often the filter is applied (see without()).
        key = tuple(words)
        if key not in self._names:
            self._names[key] = _organisations_named(words)
        named = self._names[key]
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
    # Each list is sorted, so the same choices always make the same SQL (the key of the
    # figures and counts kept in the cache).
    def filter_in(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{name}__in": sorted(record.pk for record in value)})

    def filter_values(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{name}__in": sorted(value)})

    def exclude_in(self, queryset, name, value):
        if not value:
            return queryset
        # Django keeps the rows whose value is empty (no programme) out of NOT IN's way.
        return queryset.exclude(**{f"{name}__in": sorted(record.pk for record in value)})

    def filter_workstream(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery rather than a join, so an award in two chosen workstreams appears once
        # without a DISTINCT over every selected column.
        return queryset.filter(pk__in=_tagged(value))

    def exclude_workstream(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(pk__in=_tagged(value))

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(recipient__nation_region__in=_regions(value))

    def exclude_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(recipient__nation_region__in=_regions(value))


def _tagged(workstreams):
    """The ids of the awards in any of the workstreams, as a subquery."""
    return Award.workstreams.through.objects.filter(
        workstream__in=sorted(workstream.pk for workstream in workstreams)
    ).values("award_id")


def _regions(chosen: list[str]) -> list[str]:
    """The values of Organisation.nation_region the choices mean: unknown is blank."""
    return sorted("" if region == UNKNOWN_REGION else region for region in chosen)
