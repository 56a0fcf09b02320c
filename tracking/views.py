"""The public side of tracking: /progress/ (the programme against its plan), its CSV and JSON,
and one commitment's page. Only what the models' public() allows is read: a draft commitment
or an update not yet approved never reaches a page or a download."""

import datetime
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
from tracking import downloads
from tracking.filters import ProgressFilterSet, progress_filter
from tracking.models import Commitment, ProgressUpdate, StatusChange
from workstreams.models import Initiative, Milestone, Output

COMMITMENTS_PER_PAGE = 50
LIST_SIZE = 20  # of each list on /progress/: the downloads hold every commitment
DELIVERED_LATELY = datetime.timedelta(days=91)  # "the last quarter"


def three_months_before(moment: datetime.datetime) -> datetime.datetime:
    return moment - DELIVERED_LATELY


class ProgressView(BreadcrumbsMixin, PagedMixin, LenientFilterView):
    """The programme at a glance, then every commitment a page at a time."""

    filterset_class = ProgressFilterSet
    template_name = "tracking/progress.html"
    context_object_name = "commitments"
    paginate_by = COMMITMENTS_PER_PAGE

    def get_queryset(self):
        return Commitment.objects.public().with_workstream()

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        commitments = filterset.qs
        today = timezone.localdate()
        slug = filterset.workstream_slug
        updates = ProgressUpdate.objects.public().with_targets().latest_approved_first()
        delivered = StatusChange.objects.public().delivered_since(
            three_months_before(timezone.now())
        )
        if slug:
            updates = updates.on_workstream(slug)
            delivered = delivered.filter(commitment__workstream__slug=slug)
        return super().get_context_data(
            counts=commitments.counts(),
            late_or_at_risk=list(
                commitments.late_or_at_risk(today).order_by("due_date", "title")[:LIST_SIZE]
            ),
            delivered=list(delivered[:LIST_SIZE]),
            due_next=list(commitments.due_next(today)[:LIST_SIZE]),
            updates=list(updates[:LIST_SIZE]),
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
        downloads.commitments_csv(filterset.qs, request.build_absolute_uri("/")),
        name="progress.csv",
        content_type="text/csv; charset=utf-8",
        left_out=filterset.left_out,
    )


@require_safe
def progress_json(request):
    filterset = progress_filter(request.GET)
    return downloads.download(
        downloads.commitments_json(filterset.qs, request.build_absolute_uri("/")),
        name="progress.json",
        content_type="application/json",
        left_out=filterset.left_out,
    )
