"""The list of workstreams and the outputs library: pages that read the workstreams app
alone. A workstream's own page, an indicator's and the timeline also show awards and
apprenticeships, so they live with the site-wide pages (mmip/site/workstream_views.py)."""

from django.db.models import Prefetch
from django.views.generic import ListView

from mmip.breadcrumbs import BreadcrumbsMixin
from mmip.filtering import LenientFilterView
from mmip.models import Organisation
from mmip.paging import PagedMixin
from workstreams.filters import OutputFilterSet
from workstreams.models import Output, Partnership, Workstream

OUTPUTS_PER_PAGE = 50


class WorkstreamListView(BreadcrumbsMixin, ListView):
    template_name = "workstreams/workstream_list.html"
    context_object_name = "workstreams"

    def get_queryset(self):
        return Workstream.objects.public().with_partners()

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
        return context

    def get_breadcrumbs(self):
        return [("Workstreams", None)]


class OutputListView(BreadcrumbsMixin, PagedMixin, LenientFilterView):
    """The library of public outputs, newest first and undated ones last."""

    filterset_class = OutputFilterSet
    template_name = "workstreams/output_list.html"
    context_object_name = "outputs"
    paginate_by = OUTPUTS_PER_PAGE

    def get_queryset(self):
        return (
            Output.objects.public()
            .latest_first()
            .prefetch_related(
                Prefetch("publishers", queryset=Organisation.objects.public()),
                Prefetch("workstreams", queryset=Workstream.objects.public()),
            )
        )

    def get_breadcrumbs(self):
        return [("Outputs", None)]
