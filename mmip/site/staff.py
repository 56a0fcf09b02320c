"""The staff's front page (the admin's index): what awaits each member of staff, as counts,
each a link to the list filtered to exactly the rows it counts, by the same filter.

- Their progress updates: those awaiting their review, and their own drafts and returned
  updates.
- What each open reporting round still needs an update on, and what is late (commitments and
  milestones): on the workstreams they report on or review if they hold such a role, else
  across the programme.
- Records that need attention (an output with no address to find it by, an award whose
  recipient has no organisation identifier, a commitment with no owner, planned work tracked
  with no planned date), for those who may change them: across the programme.

Each count is shown only to staff who may open its list, and the page costs the same number
of queries however large the record is."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from funding.models import Award
from mmip.admin_base import LateFilter
from mmip.dates import DatePrecision, format_date
from tracking.admin.filters import (
    ATTENTION,
    MyWorkstreamsFilter,
    NeedsAttentionFilter,
    StillToReportFilter,
)
from tracking.admin.updates import ForMeFilter
from tracking.models import ROUND_KINDS, Commitment, ProgressUpdate, ReportingRound, WorkstreamRole
from tracking.models.rounds import ROUND_MODELS, kind_of, of_workstreams
from workstreams.models import Initiative, Milestone, Output


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Section:
    title: str
    counts: list[Count]


def front_page(request) -> list[Section]:
    page = FrontPage(request)
    sections = [page.updates(), *page.rounds(), page.late(), page.attention()]
    return [section for section in sections if section.counts]


def _empty(path: str) -> tuple[Q, dict]:
    """Blank, by the rule of the admin's EmptyFieldListFilter on ``path`` (a text field that
    holds no nulls), and that filter's parameter."""
    return Q(**{path: ""}), {f"{path}__isempty": "1"}


# The records that need attention, other than those the tracking filters name (ATTENTION):
# each with its label, its rule and the parameters of the filters that apply it.
_NO_ADDRESS, _NO_ADDRESS_PARAMETERS = _empty("url")
_NO_SOURCE, _NO_SOURCE_PARAMETERS = _empty("source_url")
_NO_ORG_ID, _NO_ORG_ID_PARAMETERS = _empty("recipient__org_id")
OTHER_ATTENTION = {
    Output: (
        "Outputs with no web address and no source",
        _NO_ADDRESS & _NO_SOURCE,
        _NO_ADDRESS_PARAMETERS | _NO_SOURCE_PARAMETERS,
    ),
    Award: (
        "Awards whose recipient has no organisation identifier",
        _NO_ORG_ID,
        _NO_ORG_ID_PARAMETERS,
    ),
}
ATTENTION_LABELS = {
    Commitment: "Commitments with no owner named",
    Milestone: "Milestones tracked with no planned date",
    Initiative: "Initiatives tracked with no planned date",
}


class FrontPage:
    def __init__(self, request):
        self.request = request
        self.user = request.user
        self.today = timezone.localdate()
        self.mine = WorkstreamRole.objects.workstreams_of(
            self.user, WorkstreamRole.Role.REPORTER, WorkstreamRole.Role.REVIEWER
        )
        # Who reports on or reviews workstreams is shown theirs; anyone else, everything.
        self.has_roles = WorkstreamRole.objects.filter(user=self.user).exists()

    def updates(self) -> Section:
        counts = []
        if self._may_view(ProgressUpdate):
            for label, value, rows in [
                (
                    "Awaiting your review",
                    "to-review",
                    ProgressUpdate.objects.awaiting_review_by(self.user),
                ),
                (
                    "Your drafts and returned updates",
                    "to-finish",
                    ProgressUpdate.objects.drafts_and_returned_of(self.user),
                ),
            ]:
                url = self._link(ProgressUpdate, {ForMeFilter.parameter_name: value})
                counts.append(Count(label, rows.count(), url))
        return Section("Your progress updates", counts)

    def rounds(self) -> list[Section]:
        kinds = [kind for kind in ROUND_KINDS if self._may_view(ROUND_MODELS[kind])]
        if not kinds:
            return []
        narrowed = {kind: of_workstreams(kind, self.mine) for kind in kinds}
        rounds = (
            ReportingRound.objects.filter(is_open=True)
            .order_by("due_date", "name")
            .with_still_to_report(**(narrowed if self.has_roles else {}))
        )
        sections = []
        for round_ in rounds:
            due = format_date(round_.due_date, DatePrecision.DAY)
            overdue = ", overdue" if round_.due_date < self.today else ""
            counts = [
                Count(
                    _plural(ROUND_MODELS[kind]),
                    getattr(round_, f"to_report_{kind}"),
                    self._link(
                        ROUND_MODELS[kind],
                        {StillToReportFilter.parameter_name: round_.pk} | self._mine(),
                    ),
                )
                for kind in kinds
            ]
            title = f"Still needs an update in {round_.name} (due {due}{overdue})"
            sections.append(Section(title + self._where(), counts))
        return sections

    def late(self) -> Section:
        counts = []
        for model in (Commitment, Milestone):
            if not self._may_view(model):
                continue
            rows = model.objects.late(self.today)
            if self.has_roles:
                rows = rows.filter(of_workstreams(kind_of(model), self.mine))
            url = self._link(model, {LateFilter.parameter_name: "yes"} | self._mine())
            counts.append(Count(_plural(model), rows.count(), url))
        return Section(f"Late{self._where()}", counts)

    def attention(self) -> Section:
        counts = []
        for model, (label, condition, parameters) in OTHER_ATTENTION.items():
            if self._may_change(model):
                rows = model.objects.filter(condition)
                counts.append(Count(label, rows.count(), self._link(model, parameters)))
        for model, (value, _, condition) in ATTENTION.items():
            if self._may_change(model):
                rows = model.objects.filter(condition)
                url = self._link(model, {NeedsAttentionFilter.parameter_name: value})
                counts.append(Count(ATTENTION_LABELS[model], rows.count(), url))
        return Section("Records that need attention", counts)

    def _where(self) -> str:
        return ", on your workstreams" if self.has_roles else ""

    def _mine(self) -> dict:
        return {MyWorkstreamsFilter.parameter_name: "yes"} if self.has_roles else {}

    def _may_view(self, model: type[models.Model]) -> bool:
        return admin.site.get_model_admin(model).has_view_or_change_permission(self.request)

    def _may_change(self, model: type[models.Model]) -> bool:
        return admin.site.get_model_admin(model).has_change_permission(self.request)

    def _link(self, model: type[models.Model], parameters: dict) -> str:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return f"{changelist}?{urlencode(parameters)}"


def _plural(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural).capitalize()
