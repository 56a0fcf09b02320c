"""Skills in the API: apprenticeship programmes with their cohorts and employers, training
centres and learning resources."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api.base import PublicRecords
from api.fields import (
    AwardRef,
    IndicatorRef,
    OrganisationRef,
    PageField,
    PrecisionOf,
    PublicInitiative,
    PublicOrganisation,
    PublicWorkstream,
    api_link,
    blank_as_null,
)
from funding.models import Award
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from workstreams.models import Indicator

# ---------- Apprenticeship programmes ----------


class EmployerSerializer(serializers.Serializer):
    organisation = OrganisationRef()
    apprentices = serializers.IntegerField()


class CohortSerializer(serializers.Serializer):
    name = serializers.CharField()
    startDate = serializers.DateField(source="start_date")
    startPrecision = PrecisionOf("start_date", "start_precision")
    apprenticesStarted = serializers.IntegerField(source="apprentices_started")
    apprenticesCompleted = serializers.IntegerField(source="apprentices_completed")
    apprenticesWithdrawn = serializers.IntegerField(source="apprentices_withdrawn")
    level = serializers.IntegerField(allow_null=True)
    standard = blank_as_null()
    trainingProvider = PublicOrganisation(source="training_provider")
    employers = EmployerSerializer(source="public_employers", many=True)


class ApprenticeshipProgrammeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    lead = PublicOrganisation()
    communityOrganisations = OrganisationRef(source="public_organisations", many=True)
    workstream = PublicWorkstream()
    awards = AwardRef(source="public_awards", many=True)
    indicators = IndicatorRef(source="public_indicators", many=True)
    cohorts = CohortSerializer(source="public_cohorts", many=True)
    webPage = blank_as_null(source="url")
    source = blank_as_null(source="source_url")
    url = PageField()
    apiUrl = api_link("apprenticeship-programme-detail")


@extend_schema_view(
    list=extend_schema(summary="Apprenticeship programmes", description="By name."),
    retrieve=extend_schema(summary="An apprenticeship programme, by its slug"),
)
class ApprenticeshipProgrammeViewSet(PublicRecords):
    serializer_class = ApprenticeshipProgrammeSerializer
    thing = "apprenticeship programme"
    things = "apprenticeship programmes"

    def public_records(self):
        employers = (
            CohortEmployer.objects.public()
            .select_related("organisation")
            .order_by("organisation__name")
        )
        cohorts = (
            Cohort.objects.public()
            .select_related("training_provider")
            .prefetch_related(
                Prefetch("cohort_employers", queryset=employers, to_attr="public_employers")
            )
            .order_by("start_date", "name")
        )
        return (
            ApprenticeshipProgramme.objects.public()
            .select_related("lead", "workstream")
            .prefetch_related(
                Prefetch(
                    "community_organisations",
                    queryset=Organisation.objects.public().order_by("name"),
                    to_attr="public_organisations",
                ),
                Prefetch(
                    "awards",
                    queryset=Award.objects.public().order_by("award_date", "identifier"),
                    to_attr="public_awards",
                ),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.public().order_by("name"),
                    to_attr="public_indicators",
                ),
                Prefetch("cohorts", queryset=cohorts, to_attr="public_cohorts"),
            )
            .order_by("name")
        )


# ---------- Training centres ----------


class TrainingCentreSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    organisation = PublicOrganisation()
    network = PublicInitiative(help_text="The training network it belongs to.")
    place = blank_as_null()
    nationRegion = blank_as_null(source="nation_region")
    dateAdded = serializers.DateField(source="date_added", allow_null=True)
    dateAddedPrecision = PrecisionOf("date_added", "date_added_precision")
    description = serializers.CharField()
    source = blank_as_null(source="source_url")
    url = PageField()
    apiUrl = api_link("training-centre-detail")


@extend_schema_view(
    list=extend_schema(summary="Training centres", description="By name."),
    retrieve=extend_schema(summary="A training centre, by its slug"),
)
class TrainingCentreViewSet(PublicRecords):
    serializer_class = TrainingCentreSerializer
    thing = "training centre"
    things = "training centres"

    def public_records(self):
        return (
            TrainingCentre.objects.public()
            .select_related("organisation", "network__workstream")
            .order_by("name")
        )


# ---------- Learning resources ----------


class LearningResourceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.CharField()
    provider = PublicOrganisation()
    platform = PublicInitiative(help_text="The online training platform that lists it.")
    webAddress = serializers.URLField(source="url")
    description = serializers.CharField()
    apiUrl = api_link("learning-resource-detail")


@extend_schema_view(
    list=extend_schema(summary="Learning resources", description="By title."),
    retrieve=extend_schema(summary="A learning resource, by its slug"),
)
class LearningResourceViewSet(PublicRecords):
    serializer_class = LearningResourceSerializer
    thing = "learning resource"
    things = "learning resources"

    def public_records(self):
        return (
            LearningResource.objects.public()
            .select_related("provider", "platform__workstream")
            .order_by("title", "slug")
        )
