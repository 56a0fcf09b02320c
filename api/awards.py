"""Awards in the API: the list takes the funding explorer's query string through the
explorer's own FilterSet (funding.filters.AwardFilterSet) and lists the same awards in the
same order as the explorer and /funding/awards.csv; the summary gives the explorer's figures
from the same code (funding.stats.figures). Field names are 360Giving's where the standard
has one, with its shapes (a grant's organisations and programme are lists)."""

import re

from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from api.base import PublicRecords, RecordEndpoint
from api.fields import FundingProgrammeRef, OrganisationRef, PageField, api_link, blank_as_null
from api.paging import PAGING_PARAMETERS
from funding import stats
from funding.exports import CURRENCY, WORKSTREAM_VOCABULARY
from funding.filter_fields import EARLIEST_YEAR, LATEST_YEAR
from funding.filters import AwardFilterSet, public_awards
from funding.models import Award
from workstreams.models import Workstream

FILTER_PARAMETERS = list(AwardFilterSet.base_filters)

# The explorer's messages say what it did with a part it could not use ("so the funder filter
# was left out"). The API uses no part of a bad query, so it says only what is wrong.
_WHAT_THE_EXPLORER_DID = re.compile(r", so (?:the|that|it|they)\b[^.]*\.")


def _api_message(message: str) -> str:
    return _WHAT_THE_EXPLORER_DID.sub(".", str(message))


def _choices_hint(name: str) -> str:
    values = ", ".join(value for value, _ in AwardFilterSet.base_filters[name].extra["choices"])
    return f" Choose from {values}."


# What a parameter with a fixed set of values may be, added to its message.
HINTS = {name: _choices_hint(name) for name in ("sort", "status", "region", "region_not")}


def award_filter(data) -> tuple[AwardFilterSet, list[tuple[str, str]]]:
    """The explorer's filter bound to a query string, and (parameter, message) for each part
    it cannot use: a 400 for the API, as a list without a filter the caller asked for would
    look like an answer."""
    filterset = AwardFilterSet(data)
    form = filterset.form
    if form.is_valid() or not form.errors:
        return filterset, []
    problems = []
    for name, errors in form.errors.items():
        if name in form.fields:
            hint = HINTS.get(name, "")
            problems.extend((name, _api_message(error) + hint) for error in errors)
    # A range the wrong way round is the form's own error: both ends are at fault.
    general = [_api_message(error) for error in form.non_field_errors()]
    if general:
        given = {name for name, _ in problems}
        for name in filterset.left_out:
            if name not in given:
                problems.extend((name, message) for message in general)
    return filterset, problems


class PlannedDates(serializers.Serializer):
    startDate = serializers.DateField(source="planned_start", allow_null=True)
    endDate = serializers.DateField(source="planned_end", allow_null=True)


class Classification(serializers.Serializer):
    vocabulary = serializers.SerializerMethodField()
    code = serializers.SlugField(source="slug")
    title = serializers.CharField(source="name")

    def get_vocabulary(self, workstream) -> str:
        return WORKSTREAM_VOCABULARY


class _OneOrNone(serializers.ListField):
    """360Giving's list of one: the record's one value in a list, or [] when there is none
    (or it is not public)."""

    def get_attribute(self, award):
        value = super().get_attribute(award)
        return [] if value is None else [value]


class AwardSerializer(serializers.Serializer):
    id = serializers.CharField(source="identifier", help_text="360Giving identifier, stable.")
    title = serializers.CharField()
    description = serializers.CharField()
    currency = serializers.SerializerMethodField()
    amountAwarded = serializers.DecimalField(
        source="amount",
        max_digits=14,
        decimal_places=2,
        help_text="Pounds, as a string so no reader turns it into an inexact float.",
    )
    awardDate = serializers.DateField(
        source="award_date", help_text="The first day of the period where the source gives less."
    )
    awardDatePrecision = serializers.CharField(
        source="award_date_precision", help_text="year, month or day: what the source gives."
    )
    plannedDates = _OneOrNone(source="planned_dates", child=PlannedDates())
    fundingOrganization = _OneOrNone(source="funder", child=OrganisationRef())
    recipientOrganization = _OneOrNone(source="recipient", child=OrganisationRef())
    routedThrough = _OneOrNone(
        source="public_routed_through",
        child=OrganisationRef(),
        help_text="Not in 360Giving: the body the money passed through on its way.",
    )
    grantProgramme = _OneOrNone(source="public_programme", child=FundingProgrammeRef())
    classifications = Classification(
        source="public_workstreams", many=True, help_text="The award's workstreams."
    )
    relatedActivity = serializers.ListField(
        source="related_activity",
        child=serializers.CharField(),
        help_text="The earlier award this one follows on from.",
    )
    dataSource = blank_as_null(source="source_url", help_text="Where the record's facts are from.")
    status = serializers.CharField()
    url = PageField()
    apiUrl = api_link("award-detail", lookup_field="identifier")

    def get_currency(self, award) -> str:
        return CURRENCY

    def to_representation(self, award):
        # What the lists above read: only what is public of what the award names.
        award.planned_dates = award if award.planned_start or award.planned_end else None
        routed = award.routed_through
        award.public_routed_through = routed if routed is not None and routed.is_public else None
        programme = award.programme
        award.public_programme = (
            programme if programme is not None and programme.is_public else None
        )
        follows_on_from = award.follows_on_from  # a public award's identifier, or None
        award.related_activity = [follows_on_from] if follows_on_from is not None else []
        return super().to_representation(award)


def with_what_awards_name(awards):
    """The awards with what their representation names: their public workstreams, one query
    for a whole page, and the identifier of the award each follows on from if public, read
    in the list's own query. (A prefetch of that award would be one query more on pages that
    hold a follow-on and none on pages that do not: a page's queries would depend on what it
    shows.) The figures are the filter's own query's, unannotated, so the explorer and the
    API share them."""
    follows_on_from = Award.objects.public().filter(pk=OuterRef("follow_on_of_id"))
    return awards.annotate(
        follows_on_from=Subquery(follows_on_from.values("identifier")[:1])
    ).prefetch_related(
        Prefetch(
            "workstreams",
            queryset=Workstream.objects.public().order_by("slug"),
            to_attr="public_workstreams",
        ),
    )


# The parameters that take several values, each repeated (?funder=a&funder=b).
_CHOOSING = ("funder", "recipient", "programme", "workstream", "region")
_REPEATED = {*_CHOOSING, *(f"{name}_not" for name in _CHOOSING), "status"}
# A financial year as the filter reads it: 2019, 2019-20, 2019/20 or 2019-2020.
_FINANCIAL_YEAR = r"^[0-9]{4}([-/][0-9]{2}([0-9]{2})?)?$"


def _filter_parameter(name: str) -> OpenApiParameter:
    """A parameter of the explorer's filter as the schema describes it."""
    filter_ = AwardFilterSet.base_filters[name]
    description = str(filter_.label)
    if help_text := filter_.extra.get("help_text"):
        description += f": {help_text.rstrip('.')}"
    choices = [value for value, _ in filter_.extra.get("choices", [])]
    if name in _REPEATED:
        if name in _CHOOSING or name == "status":
            description += ". Repeat it to choose several; an award matches any of them"
        else:
            description += (
                ". Repeat it to leave out several; a value both chosen and left out is left out"
            )
        item = {"type": "string", **({"enum": choices} if choices else {})}
        schema = {"type": "array", "items": item}
    elif name in ("year_from", "year_to"):
        schema = {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR}
    elif name in ("fy_from", "fy_to"):
        schema = {"type": "string", "pattern": _FINANCIAL_YEAR}
    elif name in ("amount_min", "amount_max"):
        description += ", in pounds: 50000 or £50,000"
        schema = {"type": "string"}
    else:
        schema = {"type": "string", **({"enum": choices} if choices else {})}
    return OpenApiParameter(
        name, type=schema, location=OpenApiParameter.QUERY, description=description + "."
    )


FILTER_SCHEMA = [_filter_parameter(name) for name in FILTER_PARAMETERS]

FILTER_DESCRIPTION = (
    "Takes the funding explorer's query string (/funding/), filter and sort, and lists the "
    "same awards in the same order as /funding/awards.csv with it. A parameter that cannot "
    "be used is a 400 naming it."
)


@extend_schema_view(
    list=extend_schema(summary="Awards", description=FILTER_DESCRIPTION, parameters=FILTER_SCHEMA),
    retrieve=extend_schema(summary="An award, by its 360Giving identifier"),
)
class AwardViewSet(PublicRecords):
    serializer_class = AwardSerializer
    lookup_field = "identifier"
    lookup_value_regex = r"360G-[A-Za-z0-9][A-Za-z0-9-]*"
    thing = "award"
    things = "awards"
    filterset = None

    def public_records(self):
        return with_what_awards_name(public_awards())

    def parameters(self):
        if self.action == "list":
            return [*FILTER_PARAMETERS, *PAGING_PARAMETERS]
        return []

    def value_problems(self, request):
        if self.action != "list":
            return []
        self.filterset, problems = award_filter(request.query_params)
        return problems + super().value_problems(request)

    def filter_queryset(self, queryset):
        if self.filterset is None:
            return queryset
        return with_what_awards_name(self.filterset.qs)

    def count(self, queryset) -> int:
        # The explorer's figures of the same filter, from the same cache: one number, counted
        # once for the explorer, the list and the summary alike.
        return stats.figures(self.filterset.qs).summary.count


class YearFigures(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class FunderFigures(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    apiUrl = api_link("organisation-detail")


class SummarySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many awards match.")
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    smallest = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    largest = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    median = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    byYear = YearFigures(many=True, help_text="Every year from the first award to the last.")
    byFunder = FunderFigures(many=True, help_text="Largest total first.")


class AwardSummary(RecordEndpoint):
    """The explorer's figures of a filter: count, total, smallest, largest and median, by
    year and by funder."""

    filterset = None

    def parameters(self):
        return FILTER_PARAMETERS

    def value_problems(self, request):
        self.filterset, problems = award_filter(request.query_params)
        return problems

    @extend_schema(
        summary="The figures of a filter of awards",
        description="Takes the same query string as the awards list. "
        + FILTER_DESCRIPTION.split(". ", 1)[1],
        parameters=FILTER_SCHEMA,
        responses=SummarySerializer,
    )
    def get(self, request, *args, **kwargs):
        def make():
            summary, years, funders, _ = stats.figures(self.filterset.qs)
            data = {**summary._asdict(), "currency": CURRENCY, "byYear": years, "byFunder": funders}
            return Response(SummarySerializer(data, context={"request": request}).data)

        return self.answer(request, make)
