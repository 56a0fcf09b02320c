"""The filters of /timeline/ and /outputs/.

Every filter is a drop-down whose choices come from the public record, so a visitor can
never pick something that gives an empty page. A value typed into the address instead
(an unknown slug, letters for a year, 10,000 characters, SQL) is checked against those
choices in Python, never sent to the database, and left out with a plain message in
``filterset.messages`` while the rest of the filter still applies.
"""

from django.db.models import Exists, OuterRef

from mmip.filtering import LenientChoiceFilter, LenientFilterSet, YearChoiceFilter
from mmip.models import Organisation
from workstreams.models import Milestone, Output, Workstream


class MilestoneFilterSet(LenientFilterSet):
    workstream = LenientChoiceFilter(
        label="Workstream",
        thing="workstream",
        any_label="Any workstream",
        field_name="workstream__slug",
    )
    kind = LenientChoiceFilter(
        label="Kind of milestone",
        thing="kind of milestone",
        any_label="Any kind",
        choices=Milestone.Kind.choices,
    )
    year = YearChoiceFilter(things="milestones")

    class Meta:
        model = Milestone
        fields = []

    def public_choices(self):
        milestones = self.queryset
        # Only workstreams with a milestone to show: no choice leads to an empty timeline.
        workstreams = Workstream.objects.public().filter(
            Exists(milestones.filter(workstream=OuterRef("pk")))
        )
        return {"workstream": list(workstreams.values_list("slug", "name"))}


class OutputFilterSet(LenientFilterSet):
    kind = LenientChoiceFilter(
        label="Kind of output",
        thing="kind of output",
        any_label="Any kind",
        choices=Output.Kind.choices,
    )
    workstream = LenientChoiceFilter(
        label="Workstream",
        thing="workstream",
        any_label="Any workstream",
        method="filter_workstream",
    )
    publisher = LenientChoiceFilter(
        label="Publisher", thing="publisher", any_label="Any publisher", method="filter_publisher"
    )
    year = YearChoiceFilter(things="outputs")

    class Meta:
        model = Output
        fields = []

    def public_choices(self):
        outputs = self.queryset
        workstreams = Workstream.objects.public().filter(
            Exists(outputs.filter(workstreams=OuterRef("pk")))
        )
        # A draft organisation is never offered, so its slug in the address gets a message.
        publishers = Organisation.objects.public().filter(
            Exists(outputs.filter(publishers=OuterRef("pk")))
        )
        return {
            "workstream": list(workstreams.values_list("slug", "name")),
            "publisher": list(publishers.values_list("slug", "name")),
        }

    # Subqueries rather than joins, so an output appears once whatever else is chosen.
    def filter_workstream(self, queryset, name, value):
        tagged = Output.workstreams.through.objects.filter(workstream__slug=value)
        return queryset.filter(pk__in=tagged.values("output_id"))

    def filter_publisher(self, queryset, name, value):
        published_by = Output.publishers.through.objects.filter(organisation__slug=value)
        return queryset.filter(pk__in=published_by.values("output_id"))
