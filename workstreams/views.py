"""The workstreams, one workstream's page, an indicator's page, the timeline and the
outputs library: everything the workstreams do, published rows only."""

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from funding.models import Award
from mmip.charts import BarChart, bar_chart
from mmip.formatting import figure
from mmip.models import Organisation
from skills.models import ApprenticeshipProgramme
from workstreams.filters import MilestoneFilterSet, OutputFilterSet
from workstreams.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    Milestone,
    Output,
    Partnership,
    Workstream,
)

OUTPUTS_PER_PAGE = 50


def published_milestones():
    """Published milestones whose page is public: a milestone links to its workstream's
    page, so one on a draft workstream would lead to a 404."""
    return (
        Milestone.objects.published()
        .filter(Q(workstream__isnull=True) | Q(workstream__is_published=True))
        .select_related("workstream")
    )


def values_in_date_order():
    # A count and a projection can share a date; the count comes first.
    return IndicatorValue.objects.order_by("date", "is_projection")


def published_indicators():
    """Published indicators with their values, in the order their charts draw them."""
    return Indicator.objects.published().prefetch_related(
        Prefetch("values", queryset=values_in_date_order())
    )


def value_label(value: IndicatorValue) -> str:
    return f"{value.date_display} (projected)" if value.is_projection else value.date_display


def indicator_chart(
    indicator: Indicator, values: list[IndicatorValue] | None = None, *, title: str = ""
) -> BarChart:
    """Columns, one per value in date order, each labelled with its date at its precision
    and marked when projected. values defaults to the indicator's (prefetched) values."""
    if values is None:
        values = list(indicator.values.all())
    description = f"One column per recorded value of “{indicator.name}”"
    if values:
        description += f", from {values[0].date_display} to {values[-1].date_display}"
    description += "."
    if indicator.target is not None:
        description += f" The target is {figure(indicator.target, 'exact', indicator.unit)}."
    return bar_chart(
        [(value_label(value), value.value, value.display) for value in values],
        title=title or f"{indicator.name} over time",
        description=description,
        label_heading="Date",
        value_heading=indicator.get_unit_display(),
        horizontal=False,
    )


def partners_by_role(workstream: Workstream) -> list[tuple[str, list[Partnership]]]:
    """[(role label, partnerships)] in the order Partnership.Role declares, leaving out
    roles nobody plays. with_partners() sorts by the stored value, which is alphabetical."""
    partnerships = list(workstream.partnerships.all())
    groups = []
    for role in Partnership.Role:
        members = [p for p in partnerships if p.role == role]
        if members:
            groups.append((role.label, members))
    return groups


class WorkstreamListView(ListView):
    template_name = "workstreams/workstream_list.html"
    context_object_name = "workstreams"

    def get_queryset(self):
        return Workstream.objects.published().with_partners()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workstreams = context["workstreams"]
        for workstream in workstreams:
            workstream.lead_organisations = [
                p.organisation
                for p in workstream.partnerships.all()
                if p.role == Partnership.Role.LEAD
            ]
        context["main_workstreams"] = [w for w in workstreams if not w.is_overarching]
        context["overarching_workstreams"] = [w for w in workstreams if w.is_overarching]
        context["breadcrumbs"] = [("Home", reverse("home")), ("Workstreams", None)]
        return context


class WorkstreamDetailView(DetailView):
    template_name = "workstreams/workstream_detail.html"
    context_object_name = "workstream"

    def get_queryset(self):
        return (
            Workstream.objects.published()
            .with_partners()
            .prefetch_related(
                Prefetch(
                    "initiatives",
                    queryset=Initiative.objects.published()
                    .select_related("part_of__workstream")
                    .prefetch_related(
                        Prefetch("organisations", queryset=Organisation.objects.published())
                    ),
                ),
                Prefetch("awards", queryset=Award.objects.published().with_parties()),
                Prefetch("indicators", queryset=published_indicators()),
                Prefetch(
                    "outputs",
                    queryset=Output.objects.published()
                    .latest_first()
                    .prefetch_related(
                        Prefetch("publishers", queryset=Organisation.objects.published())
                    ),
                ),
                Prefetch(
                    "milestones",
                    queryset=published_milestones().select_related("initiative").in_date_order(),
                ),
                Prefetch(
                    "apprenticeship_programmes",
                    queryset=ApprenticeshipProgramme.objects.published()
                    .select_related("lead")
                    .prefetch_related(
                        Prefetch(
                            "community_organisations", queryset=Organisation.objects.published()
                        )
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        workstream = self.object
        return super().get_context_data(
            partners_by_role=partners_by_role(workstream),
            indicator_charts=[
                (indicator, indicator_chart(indicator)) for indicator in workstream.indicators.all()
            ],
            award_totals=Award.objects.published().for_workstream(workstream).totals(),
            breadcrumbs=[
                ("Home", reverse("home")),
                ("Workstreams", reverse("workstream-list")),
                (workstream.name, None),
            ],
            **kwargs,
        )


class IndicatorDetailView(DetailView):
    template_name = "workstreams/indicator_detail.html"
    context_object_name = "indicator"

    def get_queryset(self):
        return published_indicators().prefetch_related(
            Prefetch("workstreams", queryset=Workstream.objects.published()),
            Prefetch(
                "apprenticeship_programmes", queryset=ApprenticeshipProgramme.objects.published()
            ),
        )

    def get_context_data(self, **kwargs):
        indicator = self.object
        values = list(indicator.values.all())
        counted = [value for value in values if not value.is_projection]
        return super().get_context_data(
            values=values,
            latest=counted[-1] if counted else None,
            chart=indicator_chart(indicator, values),
            breadcrumbs=[("Home", reverse("home")), (indicator.name, None)],
            **kwargs,
        )


class TimelineView(FilterView):
    """Every published milestone in date order, grouped by year by the template."""

    filterset_class = MilestoneFilterSet
    strict = False  # a bad part of the filter is left out with a message, not the whole page
    template_name = "workstreams/timeline.html"
    context_object_name = "milestones"

    def get_queryset(self):
        return (
            published_milestones()
            .select_related("initiative__workstream", "output")
            .prefetch_related(
                Prefetch("awards", queryset=Award.objects.published().order_by("award_date"))
            )
            .in_date_order()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=[("Home", reverse("home")), ("Timeline", None)], **kwargs
        )


class OutputListView(FilterView):
    """The library of published outputs, newest first and undated ones last."""

    filterset_class = OutputFilterSet
    strict = False  # a bad part of the filter is left out with a message, not the whole page
    template_name = "workstreams/output_list.html"
    context_object_name = "outputs"
    paginate_by = OUTPUTS_PER_PAGE

    def get_queryset(self):
        return (
            Output.objects.published()
            .latest_first()
            .prefetch_related(
                Prefetch("publishers", queryset=Organisation.objects.published()),
                Prefetch("workstreams", queryset=Workstream.objects.published()),
            )
        )

    def paginate_queryset(self, queryset, page_size):
        # get_page() turns a page number that is not one (letters, 0, 99999) into the
        # nearest real page, where ListView would answer 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=[("Home", reverse("home")), ("Outputs", None)], **kwargs
        )
