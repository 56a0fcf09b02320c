"""Organisations in the API, each with every role it plays in the public record.

Only public rows give a role, as on the organisation directory: a draft award does not make
its recipient a recipient yet, nor a partnership of a draft workstream a partner. The roles
of a page's organisations are found in one query after the page is read (each role's public
rows naming those organisations, together): as EXISTS subqueries of the page's own query,
PostgreSQL hashed every award for some roles, 150 ms at 100,000 awards. An organisation's
own address also lists, for each role, the public records that give it."""

from decimal import Decimal

from django.db.models import CharField, Prefetch, Value
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from api.base import PublicRecords
from api.fields import (
    ApprenticeshipProgrammeRef,
    AwardFiguresField,
    FundingProgrammeRef,
    InitiativeRef,
    LearningResourceRef,
    OrganisationIdField,
    OrganisationRef,
    OutputRef,
    PageField,
    PublicOrganisation,
    TrainingCentreRef,
    WorkstreamRef,
    api_link,
    blank_as_null,
)
from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from workstreams.models import Initiative, Output, Partnership

# (role, the public rows that give it, the field of those rows that names the organisation)
ROLES = [
    ("funder", Award.objects.public(), "funder"),
    ("recipient", Award.objects.public(), "recipient"),
    ("routed-through", Award.objects.public(), "routed_through"),
    ("programme-funder", FundingProgramme.objects.public(), "funder"),
    *(
        (f"workstream-{role.value}", Partnership.objects.public().filter(role=role), "organisation")
        for role in Partnership.Role
    ),
    ("initiative-organisation", Initiative.objects.public(), "organisations"),
    ("publisher", Output.objects.public(), "publishers"),
    ("apprenticeship-lead", ApprenticeshipProgramme.objects.public(), "lead"),
    (
        "apprenticeship-community",
        ApprenticeshipProgramme.objects.public(),
        "community_organisations",
    ),
    ("employer", CohortEmployer.objects.public(), "organisation"),
    ("training-provider", Cohort.objects.public(), "training_provider"),
    ("training-centre", TrainingCentre.objects.public(), "organisation"),
    ("learning-provider", LearningResource.objects.public(), "provider"),
]
ROLE_KEYS = [key for key, _, _ in ROLES]
NO_AWARDS = (0, Decimal("0"))


def roles_of(organisations: list) -> dict[int, set[str]]:
    """{organisation id: the roles it plays}, in one query however many organisations."""
    ids = [organisation.pk for organisation in organisations]
    if not ids:
        return {}
    found = [
        rows.filter(**{f"{link}__in": ids})
        .order_by()
        .annotate(played=Value(key, output_field=CharField()))
        .values_list("played", link)
        .distinct()
        for key, rows, link in ROLES
    ]
    roles = {}
    for role, organisation in found[0].union(*found[1:], all=True):
        roles.setdefault(organisation, set()).add(role)
    return roles


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": ROLE_KEYS}})
class RolesField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, organisation):
        return [key for key in ROLE_KEYS if key in organisation.roles]


class OrganisationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    id = OrganisationIdField(help_text="org-id.guide identifier, or 360G-MMIP-ORG-<slug>.")
    name = serializers.CharField()
    shortName = blank_as_null(source="short_name")
    kind = serializers.CharField()
    nationRegion = blank_as_null(source="nation_region", help_text="UK nation or English region.")
    parent = PublicOrganisation()
    website = blank_as_null()
    roles = RolesField(help_text="Every role it plays in the public record.")
    url = PageField()
    apiUrl = api_link("organisation-detail")


class PartnershipSerializer(serializers.Serializer):
    workstream = WorkstreamRef()
    role = serializers.CharField()
    note = blank_as_null()


class CohortPlace(serializers.Serializer):
    programme = ApprenticeshipProgrammeRef(source="cohort.programme")
    cohort = serializers.CharField(source="cohort.name")
    apprentices = serializers.IntegerField()


class CohortTrained(serializers.Serializer):
    programme = ApprenticeshipProgrammeRef()
    cohort = serializers.CharField(source="name")


class OrganisationDetailSerializer(OrganisationSerializer):
    description = serializers.CharField()
    source = blank_as_null(source="source_url")
    parts = OrganisationRef(source="public_parts", many=True)
    awardsGiven = AwardFiguresField("given", "funder")
    awardsReceived = AwardFiguresField("received", "recipient")
    awardsRoutedThrough = AwardFiguresField("routed")
    fundingProgrammes = FundingProgrammeRef(source="public_programmes", many=True)
    partnerships = PartnershipSerializer(source="public_partnerships", many=True)
    initiatives = InitiativeRef(source="public_initiatives", many=True)
    outputsPublished = OutputRef(source="public_outputs", many=True)
    apprenticeshipProgrammesLed = ApprenticeshipProgrammeRef(source="public_led", many=True)
    apprenticeshipCommunities = ApprenticeshipProgrammeRef(source="public_communities", many=True)
    cohortsEmployed = CohortPlace(source="public_places", many=True)
    cohortsTrained = CohortTrained(source="public_cohorts_trained", many=True)
    trainingCentres = TrainingCentreRef(source="public_centres", many=True)
    learningResources = LearningResourceRef(source="public_resources", many=True)


def _public(relation: str, queryset, to_attr: str) -> Prefetch:
    return Prefetch(relation, queryset=queryset, to_attr=to_attr)


# What an organisation's own address lists, each the public rows only, in their order.
DETAIL_PREFETCHES = [
    _public("parts", Organisation.objects.public().order_by("name"), "public_parts"),
    _public(
        "funding_programmes",
        FundingProgramme.objects.public().order_by("name"),
        "public_programmes",
    ),
    _public(
        "partnerships",
        Partnership.objects.public()
        .select_related("workstream")
        .order_by("workstream__display_order", "workstream__name", "role"),
        "public_partnerships",
    ),
    _public(
        "initiatives",
        Initiative.objects.public().select_related("workstream").order_by("name"),
        "public_initiatives",
    ),
    _public("outputs", Output.objects.public().order_by("title", "slug"), "public_outputs"),
    _public(
        "apprenticeships_led",
        ApprenticeshipProgramme.objects.public().order_by("name"),
        "public_led",
    ),
    _public(
        "apprenticeship_communities",
        ApprenticeshipProgramme.objects.public().order_by("name"),
        "public_communities",
    ),
    _public(
        "cohort_places",
        CohortEmployer.objects.public()
        .select_related("cohort__programme")
        .order_by("cohort__programme__name", "cohort__start_date", "cohort__name"),
        "public_places",
    ),
    _public(
        "cohorts_trained",
        Cohort.objects.public()
        .select_related("programme")
        .order_by("programme__name", "start_date", "name"),
        "public_cohorts_trained",
    ),
    _public("training_centres", TrainingCentre.objects.public().order_by("name"), "public_centres"),
    _public(
        "learning_resources",
        LearningResource.objects.public().order_by("title", "slug"),
        "public_resources",
    ),
]


@extend_schema_view(
    list=extend_schema(summary="Organisations", description="By name, each with its roles."),
    retrieve=extend_schema(
        summary="An organisation, by its slug",
        description="With, for every role it plays, the public records that give it.",
    ),
)
class OrganisationViewSet(PublicRecords):
    serializer_class = OrganisationSerializer
    detail_serializer_class = OrganisationDetailSerializer
    thing = "organisation"
    things = "organisations"

    def public_records(self):
        organisations = Organisation.objects.public().select_related("parent")
        if self.action == "retrieve":
            organisations = organisations.prefetch_related(*DETAIL_PREFETCHES)
        return organisations.order_by("name")

    def decorate(self, records):
        roles = roles_of(records)
        for organisation in records:
            organisation.roles = roles.get(organisation.pk, set())
        if self.action != "retrieve":
            return
        (organisation,) = records
        awards = Award.objects.public()
        for attribute, role in (
            ("given", "funder"),
            ("received", "recipient"),
            ("routed", "routed_through"),
        ):
            figures = awards.filter(**{role: organisation}).totals()
            setattr(organisation, attribute, (figures["count"], figures["total"] or Decimal("0")))
