"""The skills pages: the apprenticeship programmes with their funding, figures and cohorts,
the training network's centres and the online training platform's learning resources."""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView

from funding.models import Award
from mmip.breadcrumbs import BreadcrumbsMixin, trail
from mmip.charts import BarChart, bar_chart
from mmip.grouping import grouped_by_choice
from mmip.models import Organisation
from skills.models import (
    ApprenticeshipProgramme,
    Cohort,
    CohortEmployer,
    LearningResource,
    TrainingCentre,
)
from workstreams.charts import indicator_chart
from workstreams.models import Indicator


def public_programmes():
    """Public programmes with every public row their section shows, one query for each
    kind of row however many programmes there are. What the section names only where
    public (the lead, the workstream, a cohort's training provider) is joined, so asking
    its is_public costs nothing."""
    return (
        ApprenticeshipProgramme.objects.public()
        .select_related("lead", "workstream")
        .prefetch_related(
            Prefetch("community_organisations", queryset=Organisation.objects.public()),
            Prefetch(
                "awards",
                queryset=Award.objects.public().with_parties().order_by("award_date", "identifier"),
            ),
            Prefetch("indicators", queryset=Indicator.objects.public().with_values()),
            Prefetch(
                "cohorts",
                queryset=Cohort.objects.public()
                .select_related("training_provider")
                .prefetch_related(
                    Prefetch(
                        "cohort_employers",
                        queryset=CohortEmployer.objects.public().select_related("organisation"),
                    )
                ),
            ),
        )
    )


def apprentices_chart(
    programme: ApprenticeshipProgramme, cohorts: list[Cohort], indicators: list[Indicator]
) -> BarChart | None:
    """Apprentices over time from the cohorts when any are recorded, since they count each
    intake; otherwise from the programme's own figure for people, as the sources give it.
    The title says which, because the two count different things."""
    if cohorts:
        started = defaultdict(int)
        for cohort in cohorts:
            started[cohort.start_date.year] += cohort.apprentices_started
        return bar_chart(
            [(str(year), count, f"{count:,}") for year, count in sorted(started.items())],
            title="Apprentices starting each year, counted from the cohorts",
            description=(
                f"A column for each year in which a cohort of {programme.name} started, "
                "its height the apprentices who started that year."
            ),
            label_heading="Year",
            value_heading="Apprentices started",
            horizontal=False,
        )
    for indicator in indicators:
        if indicator.unit == Indicator.Unit.PEOPLE and indicator.values.all():
            return indicator_chart(
                indicator,
                title=f"Apprentices over time, from the programme figure “{indicator.name}”",
            )
    return None


def programme_record(programme: ApprenticeshipProgramme) -> dict:
    """Everything one programme's section shows, from the rows public_programmes()
    prefetched, so it costs no queries."""
    awards = list(programme.awards.all())
    indicators = list(programme.indicators.all())
    cohorts = list(programme.cohorts.all())
    employers = defaultdict(int)
    for cohort in cohorts:
        for place in cohort.cohort_employers.all():
            employers[place.organisation] += place.apprentices
    return {
        "programme": programme,
        "awards": awards,
        "award_totals": {"count": len(awards), "total": sum(award.amount for award in awards)},
        "figures": [
            (indicator, value) for indicator in indicators for value in indicator.values.all()
        ],
        "cohorts": cohorts,
        "cohort_totals": {
            "started": sum(cohort.apprentices_started for cohort in cohorts),
            "completed": sum(cohort.apprentices_completed for cohort in cohorts),
            "withdrawn": sum(cohort.apprentices_withdrawn for cohort in cohorts),
        },
        "employers": sorted(employers.items(), key=lambda item: (-item[1], item[0].name)),
        "chart": apprentices_chart(programme, cohorts, indicators),
    }


def centres_by_network(centres) -> list[tuple]:
    """[(network or None, centres)]. A centre whose network is not public is listed with
    the centres of no network, so no heading names a draft. Give centres with their
    network's workstream joined, which the network's is_public reads."""
    groups: dict = {}
    for centre in centres:
        network = centre.network
        if network and not network.is_public:
            network = None
        groups.setdefault(network, []).append(centre)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] and item[0].name))


def skills(request):
    centres = (
        TrainingCentre.objects.public()
        .select_related("organisation", "network__workstream")
        .order_by("name")
    )
    resources = LearningResource.objects.public().select_related("provider").order_by("title")
    context = {
        "programmes": [programme_record(programme) for programme in public_programmes()],
        "centre_groups": centres_by_network(centres),
        "resource_groups": grouped_by_choice(resources, "kind", LearningResource.Kind),
        "breadcrumbs": trail(("Skills", None)),
    }
    return render(request, "skills/skills.html", context)


class ApprenticeshipProgrammeDetailView(BreadcrumbsMixin, DetailView):
    template_name = "skills/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return public_programmes()

    def get_context_data(self, **kwargs):
        programme = self.object
        return super().get_context_data(
            record=programme_record(programme),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [("Skills", reverse("skills")), (self.object.name, None)]
