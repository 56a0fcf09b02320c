"""The workstreams list and one workstream's page: everything it does, published rows only."""

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.views.generic import DetailView, ListView

from funding.models import Award
from mmip.models import Organisation
from skills.models import ApprenticeshipProgramme
from workstreams.models import Indicator, Initiative, Milestone, Output, Partnership, Workstream


def published_milestones():
    """Published milestones whose page is public: a milestone links to its workstream's
    page, so one on a draft workstream would lead to a 404."""
    return (
        Milestone.objects.published()
        .filter(Q(workstream__isnull=True) | Q(workstream__is_published=True))
        .select_related("workstream")
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
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.published().prefetch_related("values"),
                ),
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
            award_totals=Award.objects.published().for_workstream(workstream).totals(),
            breadcrumbs=[
                ("Home", reverse("home")),
                ("Workstreams", reverse("workstream-list")),
                (workstream.name, None),
            ],
            **kwargs,
        )
