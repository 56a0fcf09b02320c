"""A workstream's page, an indicator's page and the timeline: records of the workstreams
app shown beside the awards and apprenticeships that point at them, so they read the
funding and skills apps too and live here rather than in workstreams/."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView

from mmip.breadcrumbs import BreadcrumbsMixin
from mmip.filtering import LenientFilterView
from mmip.site import selectors
from mmip.site.workstream_page import workstream_page
from tracking.roadmap import workstream_roadmap
from workstreams.charts import indicator_chart
from workstreams.filters import MilestoneFilterSet
from workstreams.models import Workstream
from workstreams.target_charts import target_chart
from workstreams.targets import latest_period


class WorkstreamDetailView(BreadcrumbsMixin, DetailView):
    template_name = "workstreams/workstream_detail.html"
    context_object_name = "workstream"

    def get_queryset(self):
        return Workstream.objects.public()

    def get_context_data(self, **kwargs):
        workstream = self.object
        today = timezone.localdate()
        rows = workstream_page(workstream, today=today)
        chosen = rows.pop("roadmap")
        # The pages that list all of what this one lists the first few of.
        query = urlencode({"workstream": workstream.slug})
        elsewhere = {
            key: f"{reverse(name)}?{query}"
            for key, name in (
                ("funding", "funding-explorer"),
                ("timeline", "timeline"),
                ("progress", "progress"),
                ("outputs", "output-list"),
            )
        }
        return super().get_context_data(
            **rows,
            # Drawn from the milestones and commitments read with the page's lists: no query.
            roadmap=workstream_roadmap(
                workstream.name,
                chosen["milestones"],
                chosen["commitments"],
                today=today,
                more=chosen["more"],
                more_url=elsewhere["progress"],
            ),
            elsewhere=elsewhere,
            # A milestone names its initiative, linked where this page shows it.
            initiatives_shown={initiative.pk for initiative in rows["initiatives"]},
            indicator_charts=[
                (indicator, indicator_chart(indicator)) for indicator in rows["indicators"]
            ],
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [("Workstreams", reverse("workstream-list")), (self.object.name, None)]


class IndicatorDetailView(BreadcrumbsMixin, DetailView):
    template_name = "workstreams/indicator_detail.html"
    context_object_name = "indicator"

    def get_queryset(self):
        return selectors.indicator_pages()

    def get_context_data(self, **kwargs):
        indicator = self.object
        values = list(indicator.values.all())
        counted = [value for value in values if not value.is_projection]
        periods = list(indicator.periods.all())
        today = timezone.localdate()
        current = latest_period(periods, today)
        return super().get_context_data(
            values=values,
            latest=counted[-1] if counted else None,
            chart=indicator_chart(indicator, values),
            periods=periods,
            target_chart=target_chart(indicator, periods),
            latest_period=current,
            latest_period_running=current is not None and current.end >= today,
            any_settled=any(period.is_locked for period in periods),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [(self.object.name, None)]


class TimelineView(BreadcrumbsMixin, LenientFilterView):
    """Every public milestone in date order, grouped by year by the template."""

    filterset_class = MilestoneFilterSet
    template_name = "workstreams/timeline.html"
    context_object_name = "milestones"

    def get_queryset(self):
        return selectors.timeline_milestones()

    def get_breadcrumbs(self):
        return [("Timeline", None)]
