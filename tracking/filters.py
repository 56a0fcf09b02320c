"""The filter of /progress/ and its downloads: by workstream (its commitments, milestones,
initiatives and indicators), lenient as every public filter (mmip/filtering.py): a
workstream typed into the address that is not one to choose is left out with a plain
message, and the page still answers."""

from django.db.models import Exists, OuterRef

from mmip.filtering import LenientChoiceFilter, LenientFilterSet
from tracking.models import Commitment
from tracking.progress import public_periods, tracked_initiatives, tracked_milestones
from workstreams.models import Workstream


class ProgressFilterSet(LenientFilterSet):
    workstream = LenientChoiceFilter(
        label="Workstream",
        thing="workstream",
        any_label="Any workstream",
        field_name="workstream__slug",
    )

    class Meta:
        model = Commitment
        fields = []

    def public_choices(self):
        # Only workstreams with something public to show: a commitment, a milestone or an
        # initiative tracked against a plan, or an indicator with a reporting period. No
        # choice leads to an empty page.
        workstream = OuterRef("pk")
        workstreams = Workstream.objects.public().filter(
            Exists(self.queryset.filter(workstream=workstream))
            | Exists(tracked_milestones().filter(workstream=workstream))
            | Exists(tracked_initiatives().filter(workstream=workstream))
            | Exists(public_periods().filter(indicator__workstreams=workstream))
        )
        return {"workstream": list(workstreams.values_list("slug", "name"))}

    @property
    def workstream_slug(self) -> str | None:
        """The workstream chosen, when it is one to choose."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.cleaned_data.get("workstream") or None


def progress_filter(data) -> ProgressFilterSet:
    return ProgressFilterSet(data, queryset=Commitment.objects.public().with_workstream())
