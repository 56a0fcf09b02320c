"""The API's addresses: /api/ (its versions), /api/v1/ (version 1), /api/docs/ (the
documentation). Anything else under /api/ is a JSON 404."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from api import docs
from api.awards import AwardSummary, AwardViewSet
from api.errors import not_found
from api.organisations import OrganisationViewSet
from api.programmes import FundingProgrammeViewSet
from api.root import ApiRoot, ApiVersions
from api.skills import (
    ApprenticeshipProgrammeViewSet,
    LearningResourceViewSet,
    TrainingCentreViewSet,
)
from api.workstreams import (
    IndicatorViewSet,
    InitiativeViewSet,
    MilestoneViewSet,
    OutputViewSet,
    WorkstreamViewSet,
)

VIEWSETS = {
    "award": AwardViewSet,
    "funding-programme": FundingProgrammeViewSet,
    "organisation": OrganisationViewSet,
    "workstream": WorkstreamViewSet,
    "initiative": InitiativeViewSet,
    "milestone": MilestoneViewSet,
    "output": OutputViewSet,
    "indicator": IndicatorViewSet,
    "apprenticeship-programme": ApprenticeshipProgrammeViewSet,
    "training-centre": TrainingCentreViewSet,
    "learning-resource": LearningResourceViewSet,
}

router = SimpleRouter()
for basename, viewset in VIEWSETS.items():
    router.register(f"{basename}s", viewset, basename=basename)

version_1 = [
    path("", ApiRoot.as_view(), name="root"),
    # Before the router's, though an award's identifier could never be "summary".
    path("awards/summary/", AwardSummary.as_view(), name="award-summary"),
    *router.urls,
    path("schema/", docs.Schema.as_view(), name="schema"),
]

urlpatterns = [
    path("", ApiVersions.as_view(), name="api-versions"),
    path("v1/", include((version_1, "v1"))),
    path("docs/", docs.documentation, name="api-docs"),
    re_path(r"", not_found),
]
