"""The public side of tracking: /progress/ (the programme against its plan), its CSV and JSON,
and one commitment's page. Only what the models' public() allows is read: a draft commitment
or an update not yet approved never reaches a page or a download."""

from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from funding.models import Award
from mmip.breadcrumbs import BreadcrumbsMixin
from mmip.filtering import LenientFilterView
from mmip.models import Organisation
from mmip.paging import PagedMixin
from tracking import downloads, progress
from tracking.filters import ProgressFilterSet, progress_filter
from tracking.models import Commitment, ProgressUpdate, StatusChange
from workstreams.models import Initiative, Milestone, Output

COMMITMENTS_PER_PAGE = 25


class ProgressView(BreadcrumbsMixin, PagedMixin, LenientFilterView):
    """The programme at a glance: commitments, milestones and initiatives by status and
    rating, what is late or at risk, delivered lately and due next, the indicators against
    their targets and the latest updates; then every commitment a page at a time."""

    filterset_class = ProgressFilterSet
    template_name = "tracking/progress.html"
    context_object_name = "commitments"
    paginate_by = COMMITMENTS_PER_PAGE

    def get_queryset(self):
        return Commitment.objects.public().with_workstream()

    def get_context_data(self, **kwargs):
        slug = self.filterset.workstream_slug
        # Late and due next are of the day the page is made: the page cache keeps a page
        # for its day only.
        today = timezone.localdate()
        return super().get_context_data(
            **progress.overview(self.filterset.qs, slug, today),
            today=today,
            # The downloads take the workstream chosen, and not the page of the list.
            download_query=f"?{urlencode({'workstream': slug})}" if slug else "",
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [("Progress", None)]


class CommitmentDetailView(BreadcrumbsMixin, DetailView):
    template_name = "tracking/commitment_detail.html"
    context_object_name = "commitment"

    def get_queryset(self):
        return (
            Commitment.objects.public()
            .with_workstream()
            .prefetch_related(
                # Owners and evidence are named only where public themselves.
                Prefetch("owners", queryset=Organisation.objects.public()),
                Prefetch("evidence_outputs", queryset=Output.objects.public().latest_first()),
                Prefetch("evidence_awards", queryset=Award.objects.public().order_by("award_date")),
                Prefetch(
                    "evidence_milestones",
                    queryset=Milestone.objects.public()
                    .select_related("workstream")
                    .order_by("date"),
                ),
                Prefetch(
                    "evidence_initiatives",
                    queryset=Initiative.objects.public().select_related("workstream"),
                ),
                Prefetch(
                    "status_changes",
                    queryset=StatusChange.objects.public().order_by("-changed_at", "-pk"),
                ),
                Prefetch(
                    "progress_updates",
                    queryset=ProgressUpdate.objects.public().latest_approved_first(),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_late=self.object.is_late, **kwargs)

    def get_breadcrumbs(self):
        return [("Progress", reverse("progress")), (self.object.title, None)]


@require_safe
def progress_csv(request):
    filterset = progress_filter(request.GET)
    return downloads.download(
        downloads.progress_csv(
            filterset.qs, filterset.workstream_slug, request.build_absolute_uri("/")
        ),
        name="progress.csv",
        content_type="text/csv; charset=utf-8",
        left_out=filterset.left_out,
    )


@require_safe
def progress_json(request):
    filterset = progress_filter(request.GET)
    return downloads.download(
        downloads.progress_json(
            filterset.qs, filterset.workstream_slug, request.build_absolute_uri("/")
        ),
        name="progress.json",
        content_type="application/json",
        left_out=filterset.left_out,
    )
