"""Funding programmes in the API."""

from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api.base import PublicRecords
from api.fields import (
    AwardFiguresField,
    PageField,
    PrecisionOf,
    PublicOrganisation,
    WorkstreamRef,
    api_link,
    blank_as_null,
)
from funding.models import Award, FundingProgramme
from workstreams.models import Workstream

NO_AWARDS = (0, Decimal("0"))


class FundingProgrammeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    funder = PublicOrganisation()
    established = serializers.DateField(allow_null=True)
    establishedPrecision = PrecisionOf("established", "established_precision")
    workstreams = WorkstreamRef(source="public_workstreams", many=True)
    webPage = blank_as_null(source="url")
    source = blank_as_null(source="source_url")
    awards = AwardFiguresField("award_figures", "programme")
    url = PageField()
    apiUrl = api_link("funding-programme-detail")


@extend_schema_view(
    list=extend_schema(summary="Funding programmes", description="By name."),
    retrieve=extend_schema(summary="A funding programme, by its slug"),
)
class FundingProgrammeViewSet(PublicRecords):
    serializer_class = FundingProgrammeSerializer
    thing = "funding programme"
    things = "funding programmes"

    def public_records(self):
        return (
            FundingProgramme.objects.public()
            .select_related("funder")
            .prefetch_related(
                Prefetch(
                    "workstreams",
                    queryset=Workstream.objects.public().order_by("display_order", "name"),
                    to_attr="public_workstreams",
                )
            )
            .order_by("name")
        )

    def decorate(self, records):
        # The public awards of these programmes added up in one query, as the programmes
        # page does (funding/views.py).
        figures = {
            programme: (count, total)
            for programme, count, total in Award.objects.public()
            .filter(programme__in=[programme.pk for programme in records])
            .totals_by("programme")
            .values_list("programme", "count", "total")
        }
        for programme in records:
            programme.award_figures = figures.get(programme.pk, NO_AWARDS)
