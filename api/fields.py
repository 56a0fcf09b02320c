"""Fields every record's representation shares: links to the record's page and to its API
address, an organisation's identifier, and small references to other records, each naming a
record by its public identifier, never by a database id."""

from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from funding.orgid import FALLBACK_PREFIX


@extend_schema_field({"type": ["string", "null"], "format": "uri"})
class PageField(serializers.Field):
    """The record's page on this site, as an absolute address; null for a record without one."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        if not hasattr(record, "get_absolute_url"):
            return None
        return self.context["request"].build_absolute_uri(record.get_absolute_url())


def api_link(view_name: str, lookup_field: str = "slug") -> serializers.HyperlinkedIdentityField:
    """The record's address in the API (in the request's version, through DRF's reverse)."""
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field=lookup_field)


@extend_schema_field(OpenApiTypes.STR)
class OrganisationIdField(serializers.Field):
    """The org-id.guide identifier where the record has one, else 360G-MMIP-ORG-<slug>, as in
    the 360Giving file (funding/orgid.py)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, organisation):
        return organisation.org_id or f"{FALLBACK_PREFIX}{organisation.slug}"


def blank_as_null(**kwargs) -> serializers.CharField:
    """A text field the record may leave blank, given as null rather than ""."""
    return BlankAsNullField(read_only=True, allow_null=True, **kwargs)


class BlankAsNullField(serializers.CharField):
    def to_representation(self, value):
        return value or None


class OrganisationRef(serializers.Serializer):
    id = OrganisationIdField(help_text="org-id.guide identifier, or 360G-MMIP-ORG-<slug>.")
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("organisation-detail")


class WorkstreamRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("workstream-detail")


class InitiativeRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("initiative-detail")


class FundingProgrammeRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("funding-programme-detail")


class AwardRef(serializers.Serializer):
    id = serializers.CharField(source="identifier")
    title = serializers.CharField()
    url = PageField()
    apiUrl = api_link("award-detail", lookup_field="identifier")


class OutputRef(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    apiUrl = api_link("output-detail")


class MilestoneRef(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = PageField()
    apiUrl = api_link("milestone-detail")


class IndicatorRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("indicator-detail")


class IfPublic:
    """For a reference serializer: the record it refers to, or null unless that record is
    public (what the public may see is the record's own is_public, as on the pages)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return value if value is not None and value.is_public else None


class PublicOrganisation(IfPublic, OrganisationRef):
    pass


class PublicWorkstream(IfPublic, WorkstreamRef):
    pass


class PublicInitiative(IfPublic, InitiativeRef):
    pass


class PublicOutput(IfPublic, OutputRef):
    pass


PRECISIONS = ["year", "month", "day"]


class PrecisionOf(serializers.ChoiceField):
    """How precisely the source gives a date (year, month or day), beside it; null where
    there is no date. A date known to the year or month is its first day."""

    def __init__(self, date_field: str, precision_field: str, **kwargs):
        super().__init__(PRECISIONS, source="*", read_only=True, allow_null=True, **kwargs)
        self.date_field = date_field
        self.precision_field = precision_field

    def to_representation(self, record):
        if getattr(record, self.date_field) is None:
            return None
        return getattr(record, self.precision_field)


def choice(**kwargs) -> BlankAsNullField:
    """A value from a fixed list the record may leave blank (null then)."""
    return blank_as_null(**kwargs)


class PlanFields(serializers.Serializer):
    """How work stands against its plan (workstreams/plans.py): planned, forecast and actual
    dates at their precision, the delivery status, the rating with its reason, and whether it
    is late today (worked out from the dates, never typed)."""

    plannedDate = serializers.DateField(source="planned_date", allow_null=True)
    plannedPrecision = PrecisionOf("planned_date", "planned_precision")
    forecastDate = serializers.DateField(source="forecast_date", allow_null=True)
    forecastPrecision = PrecisionOf("forecast_date", "forecast_precision")
    actualDate = serializers.DateField(source="actual_date", allow_null=True)
    actualPrecision = PrecisionOf("actual_date", "actual_precision")
    deliveryStatus = choice(
        source="delivery_status",
        help_text="planned, on-track, at-risk, done or dropped; null if not tracked.",
    )
    rating = choice(help_text="red, amber or green; null if not rated.")
    ratingReason = blank_as_null(source="rating_reason")
    late = serializers.BooleanField(
        source="is_late",
        help_text="Past its planned or forecast date today and neither done nor dropped.",
    )

    def get_fields(self):
        # After the record's own fields, which the subclass declares.
        fields = super().get_fields()
        plan = {name: fields.pop(name) for name in PlanFields._declared_fields}
        return {**fields, **plan}


class ApprenticeshipProgrammeRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("apprenticeship-programme-detail")


class TrainingCentreRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = PageField()
    apiUrl = api_link("training-centre-detail")


class LearningResourceRef(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    apiUrl = api_link("learning-resource-detail")


class AwardFigures(serializers.Serializer):
    """How many public awards, their total, and the award list of just those (null where
    there are none, as the explorer offers no filter that finds nothing)."""

    count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    awards = serializers.URLField(allow_null=True)


@extend_schema_field(AwardFigures)
class AwardFiguresField(serializers.Field):
    """The figures of the record's public awards in one role, read from ``figures_attribute``
    (a (count, total) pair the view adds to each record), with the award list filtered by
    ``parameter`` (the explorer's funder, recipient or programme) to the record's slug."""

    def __init__(self, figures_attribute: str, parameter: str | None = None, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)
        self.figures_attribute = figures_attribute
        self.parameter = parameter

    def to_representation(self, record):
        count, total = getattr(record, self.figures_attribute)
        awards = None
        if count and self.parameter:
            awards = reverse("award-list", request=self.context["request"])
            awards += "?" + urlencode({self.parameter: record.slug})
        return {"count": count, "total": f"{total:.2f}", "awards": awards}
