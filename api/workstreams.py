"""Workstreams and what they do in the API: workstreams with their partners, initiatives,
milestones, outputs, and indicators with their values and reporting periods."""

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api.base import PublicRecords
from api.fields import (
    OrganisationRef,
    PageField,
    PlanFields,
    PrecisionOf,
    PublicInitiative,
    PublicOutput,
    PublicWorkstream,
    WorkstreamRef,
    api_link,
    blank_as_null,
)
from mmip.models import Organisation
from workstreams.models import (
    Indicator,
    IndicatorPeriod,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Workstream,
)

FIGURE = {"max_digits": 16, "decimal_places": 2}


def public_workstreams(relation: str = "workstreams") -> Prefetch:
    return Prefetch(
        relation,
        queryset=Workstream.objects.public().order_by("display_order", "name"),
        to_attr="public_workstreams",
    )


def public_organisations(relation: str) -> Prefetch:
    return Prefetch(
        relation,
        queryset=Organisation.objects.public().order_by("name"),
        to_attr="public_organisations",
    )


# ---------- Workstreams ----------


class PartnerSerializer(serializers.Serializer):
    organisation = OrganisationRef()
    role = serializers.CharField(help_text="lead, partner, delivery-partner or funder.")
    note = blank_as_null()


class WorkstreamSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    aim = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    displayOrder = serializers.IntegerField(source="display_order")
    overarching = serializers.BooleanField(source="is_overarching")
    partners = PartnerSerializer(source="partnerships", many=True)
    url = PageField()
    apiUrl = api_link("workstream-detail")


@extend_schema_view(
    list=extend_schema(summary="Workstreams", description="In the programme's own order."),
    retrieve=extend_schema(summary="A workstream, by its slug"),
)
class WorkstreamViewSet(PublicRecords):
    serializer_class = WorkstreamSerializer
    thing = "workstream"
    things = "workstreams"

    def public_records(self):
        # with_partners(): the public partnerships, each with its organisation, by role.
        return Workstream.objects.public().with_partners().order_by("display_order", "name")


# ---------- Initiatives ----------


class InitiativeSerializer(PlanFields):
    slug = serializers.SlugField()
    name = serializers.CharField()
    summary = blank_as_null()
    description = serializers.CharField()
    status = serializers.CharField()
    workstream = WorkstreamRef()
    partOf = PublicInitiative(source="part_of", help_text="The larger initiative it belongs to.")
    organisations = OrganisationRef(source="public_organisations", many=True)
    startDate = serializers.DateField(source="start_date", allow_null=True)
    startPrecision = PrecisionOf("start_date", "start_precision")
    endDate = serializers.DateField(source="end_date", allow_null=True)
    endPrecision = PrecisionOf("end_date", "end_precision")
    webPage = blank_as_null(source="url")
    url = PageField()
    apiUrl = api_link("initiative-detail")


@extend_schema_view(
    list=extend_schema(summary="Initiatives", description="By workstream, then start."),
    retrieve=extend_schema(summary="An initiative, by its slug"),
)
class InitiativeViewSet(PublicRecords):
    serializer_class = InitiativeSerializer
    thing = "initiative"
    things = "initiatives"

    def public_records(self):
        return (
            Initiative.objects.public()
            .select_related("workstream", "part_of__workstream")
            .prefetch_related(public_organisations("organisations"))
            .order_by("workstream__display_order", "start_date", "name")
        )


# ---------- Milestones ----------


class MilestoneSerializer(PlanFields):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.DateField()
    datePrecision = PrecisionOf("date", "date_precision")
    description = serializers.CharField()
    place = blank_as_null()
    workstream = PublicWorkstream(help_text="Null for a milestone of the whole programme.")
    initiative = PublicInitiative()
    output = PublicOutput()
    url = PageField()
    apiUrl = api_link("milestone-detail")


@extend_schema_view(
    list=extend_schema(summary="Milestones", description="In date order."),
    retrieve=extend_schema(summary="A milestone, by its slug"),
)
class MilestoneViewSet(PublicRecords):
    serializer_class = MilestoneSerializer
    thing = "milestone"
    things = "milestones"

    def public_records(self):
        return (
            Milestone.objects.public()
            .select_related("workstream", "initiative__workstream", "output")
            .order_by("date", "title", "slug")
        )


# ---------- Outputs ----------


class OutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    datePrecision = PrecisionOf("date", "date_precision")
    summary = serializers.CharField()
    publishers = OrganisationRef(source="public_organisations", many=True)
    workstreams = WorkstreamRef(source="public_workstreams", many=True)
    initiative = PublicInitiative()
    webAddress = blank_as_null(source="url")
    contact = blank_as_null()
    source = blank_as_null(source="source_url")
    apiUrl = api_link("output-detail")


@extend_schema_view(
    list=extend_schema(summary="Outputs", description="Latest first; undated ones last."),
    retrieve=extend_schema(summary="An output, by its slug"),
)
class OutputViewSet(PublicRecords):
    serializer_class = OutputSerializer
    thing = "output"
    things = "outputs"

    def public_records(self):
        return (
            Output.objects.public()
            .select_related("initiative__workstream")
            .prefetch_related(public_organisations("publishers"), public_workstreams())
            .order_by(F("date").desc(nulls_last=True), "title", "slug")
        )


# ---------- Indicators ----------


class IndicatorValueSerializer(serializers.Serializer):
    value = serializers.DecimalField(**FIGURE)
    qualifier = serializers.CharField(help_text="exact, over or about: as the source says it.")
    projected = serializers.BooleanField(source="is_projection")
    date = serializers.DateField()
    datePrecision = PrecisionOf("date", "date_precision")
    period = blank_as_null(help_text="The span the figure covers, as the source says it.")
    sourceTitle = blank_as_null(source="source_title")
    sourceUrl = blank_as_null(source="source_url")


class IndicatorPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The period's first day.")
    end = serializers.DateField(help_text="The period's last day.")
    target = serializers.DecimalField(**FIGURE, allow_null=True)
    actual = serializers.DecimalField(**FIGURE, allow_null=True, help_text="Null until known.")
    actualQualifier = serializers.SerializerMethodField()
    actualSourceTitle = blank_as_null(source="actual_source_title")
    actualSourceUrl = blank_as_null(source="actual_source_url")
    locked = serializers.BooleanField(source="is_locked", help_text="Settled: it will not change.")

    def get_actualQualifier(self, period) -> str | None:
        return period.actual_qualifier if period.actual is not None else None


class IndicatorSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="people, organisations, jobs or gbp.")
    description = serializers.CharField()
    direction = serializers.CharField(help_text="higher or lower: which is better.")
    cumulative = serializers.BooleanField(source="is_cumulative")
    target = serializers.DecimalField(**FIGURE, allow_null=True)
    targetDate = serializers.DateField(source="target_date", allow_null=True)
    targetDatePrecision = PrecisionOf("target_date", "target_date_precision")
    baseline = serializers.DecimalField(**FIGURE, allow_null=True)
    baselineDate = serializers.DateField(source="baseline_date", allow_null=True)
    baselinePrecision = PrecisionOf("baseline_date", "baseline_precision")
    workstreams = WorkstreamRef(source="public_workstreams", many=True)
    values = IndicatorValueSerializer(many=True, help_text="Recorded figures in date order.")
    periods = IndicatorPeriodSerializer(many=True, help_text="Reporting periods in order.")
    url = PageField()
    apiUrl = api_link("indicator-detail")


@extend_schema_view(
    list=extend_schema(
        summary="Indicators", description="By name, each with its values and periods."
    ),
    retrieve=extend_schema(summary="An indicator, by its slug"),
)
class IndicatorViewSet(PublicRecords):
    serializer_class = IndicatorSerializer
    thing = "indicator"
    things = "indicators"

    def public_records(self):
        # The values in the order the indicator's chart draws them (with_values()): a count
        # and a projection can share a date, and the count comes first.
        values = IndicatorValue.objects.public().order_by("date", "is_projection")
        return (
            Indicator.objects.public()
            .prefetch_related(
                public_workstreams(),
                Prefetch("values", queryset=values),
                Prefetch("periods", queryset=IndicatorPeriod.objects.public().order_by("start")),
            )
            .order_by("name")
        )
