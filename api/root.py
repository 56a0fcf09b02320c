"""The API's root, /api/v1/, which lists its endpoints, and /api/, which lists its versions."""

from django.urls import reverse as django_reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.base import RecordEndpoint

# (key in the root's answer, URL name in the version's namespace), in the order listed.
ENDPOINTS = [
    ("awards", "award-list"),
    ("awardsSummary", "award-summary"),
    ("fundingProgrammes", "funding-programme-list"),
    ("organisations", "organisation-list"),
    ("workstreams", "workstream-list"),
    ("initiatives", "initiative-list"),
    ("milestones", "milestone-list"),
    ("outputs", "output-list"),
    ("indicators", "indicator-list"),
    ("apprenticeshipProgrammes", "apprenticeship-programme-list"),
    ("trainingCentres", "training-centre-list"),
    ("learningResources", "learning-resource-list"),
    ("schema", "schema"),
]


class ApiRoot(RecordEndpoint):
    @extend_schema(
        summary="The endpoints of this version",
        responses=inline_serializer(
            "Endpoints",
            {
                "version": serializers.CharField(),
                "docs": serializers.URLField(),
                "endpoints": inline_serializer(
                    "EndpointList", {key: serializers.URLField() for key, _ in ENDPOINTS}
                ),
            },
        ),
    )
    def get(self, request, *args, **kwargs):
        def make():
            return Response(
                {
                    "version": request.version,
                    "docs": request.build_absolute_uri(django_reverse("api-docs")),
                    "endpoints": {key: reverse(name, request=request) for key, name in ENDPOINTS},
                }
            )

        return self.answer(request, make)


class ApiVersions(RecordEndpoint):
    """/api/: the versions there are (one, for now) and the documentation. Outside every
    version, so not in any version's schema."""

    versioning_class = None
    schema = None

    def get(self, request, *args, **kwargs):
        def make():
            return Response(
                {
                    "versions": {"v1": request.build_absolute_uri(django_reverse("v1:root"))},
                    "docs": request.build_absolute_uri(django_reverse("api-docs")),
                }
            )

        return self.answer(request, make)
