"""Site-wide pages: the home page and one organisation's page. They read every app."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView

from funding.models import Award
from mmip.models import Organisation
from workstreams.models import IndicatorValue, Output, Partnership, Workstream
from workstreams.views import published_milestones

LATEST_MILESTONES = 6
LATEST_OUTPUTS = 5


def headline_values():
    """One value per published indicator: its latest count of what happened, or, for an
    indicator that only has forecasts, its latest projection. DISTINCT ON keeps it one query
    however many values each indicator has."""
    return (
        IndicatorValue.objects.filter(indicator__is_published=True)
        .select_related("indicator")
        .order_by("indicator__name", "is_projection", "-date")
        .distinct("indicator__name")
    )


def home(request):
    workstreams = list(Workstream.objects.published())
    context = {
        "workstreams": [w for w in workstreams if not w.is_overarching],
        "overarching_workstreams": [w for w in workstreams if w.is_overarching],
        "award_totals": Award.objects.published().totals(),
        "organisation_count": Organisation.objects.published().count(),
        "headline_values": headline_values(),
        "milestones": published_milestones().latest_first()[:LATEST_MILESTONES],
        "outputs": Output.objects.published()
        .latest_first()
        .prefetch_related(Prefetch("publishers", queryset=Organisation.objects.published()))[
            :LATEST_OUTPUTS
        ],
    }
    return render(request, "mmip/home.html", context)


class OrganisationDetailView(DetailView):
    template_name = "mmip/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return (
            Organisation.objects.published()
            .select_related("parent")
            .prefetch_related(
                Prefetch("parts", queryset=Organisation.objects.published()),
                Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.filter(workstream__is_published=True)
                    .select_related("workstream")
                    .order_by("workstream__display_order", "workstream__name", "role"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        organisation = self.object
        awards = Award.objects.published().with_parties()
        given = awards.filter(funder=organisation)
        received = awards.filter(recipient=organisation)
        routed = awards.filter(routed_through=organisation)
        return super().get_context_data(
            awards_given=given,
            awards_given_totals=given.totals(),
            awards_received=received,
            awards_received_totals=received.totals(),
            awards_routed=routed,
            awards_routed_totals=routed.totals(),
            breadcrumbs=[("Home", reverse("home")), (organisation.name, None)],
            **kwargs,
        )
