"""The filter of /organisations/: kind, UK nation or region, and the role an organisation
plays in the public record, each choice labelled with how many organisations it shows.

A value typed into the address that is not a choice (an unknown kind, 10,000 characters,
SQL) is checked in Python, never sent to the database, and left out with a plain message
in ``filterset.messages`` while the rest of the filter still applies.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef

from funding.models import Award
from mmip import pagecache
from mmip.filtering import LenientChoiceFilter, LenientFilterSet
from mmip.formatting import figure
from mmip.models import Organisation
from mmip.regions import NationRegion
from skills.models import CohortEmployer, TrainingCentre
from workstreams.models import Output, Partnership


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    rows: object  # a queryset of the public rows that give an organisation this role
    link: str  # the field of those rows that names the organisation

    def played(self):
        """True for each organisation that plays the role, as an SQL EXISTS."""
        return Exists(self.rows.filter(**{self.link: OuterRef("pk")}))


# Only public rows give a role: a draft award does not make its recipient a recipient yet.
ROLES = (
    Role("funder", "Funder of an award", Award.objects.public(), "funder"),
    Role("recipient", "Recipient of an award", Award.objects.public(), "recipient"),
    *(
        Role(
            f"workstream-{role.value}",
            f"Workstream {role.label.lower()}",
            Partnership.objects.public().filter(role=role.value),
            "organisation",
        )
        for role in Partnership.Role
    ),
    Role("employer", "Employer of apprentices", CohortEmployer.objects.public(), "organisation"),
    Role("training-centre", "Training centre", TrainingCentre.objects.public(), "organisation"),
    Role("publisher", "Publisher of outputs", Output.objects.public(), "publishers"),
)
ROLES_BY_KEY = {role.key: role for role in ROLES}


def with_roles(organisations):
    """Each organisation annotated with role_<n> (True or False) for every role, in one query."""
    return organisations.annotate(
        **{f"role_{index}": role.played() for index, role in enumerate(ROLES)}
    )


def roles_of(organisation) -> list[str]:
    """The labels of the roles with_roles() found for this organisation."""
    return [
        role.label for index, role in enumerate(ROLES) if getattr(organisation, f"role_{index}")
    ]


class OrganisationFilterSet(LenientFilterSet):
    kind = LenientChoiceFilter(
        label="Kind of organisation",
        thing="kind of organisation",
        any_label="Any kind",
        choices=Organisation.Kind.choices,
    )
    region = LenientChoiceFilter(
        label="UK nation or region",
        thing="nation or region",
        any_label="Anywhere",
        field_name="nation_region",
        choices=NationRegion.choices,
    )
    role = LenientChoiceFilter(
        label="Role played",
        thing="role",
        any_label="Any role",
        choices=[(role.key, role.label) for role in ROLES],
        method="filter_role",
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_role(self, queryset, name, value):
        return queryset.filter(ROLES_BY_KEY[value].played())

    @property
    def chosen(self) -> dict[str, str]:
        """The valid parts of the filter: {filter name: value}."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 -- validates the form, which fills cleaned_data
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    def filtered_except(self, left_out: str):
        """The organisations the rest of the filter allows, for counting one filter's choices."""
        queryset = self.queryset.all()
        for name, value in self.chosen.items():
            if name != left_out:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def count_choices(self) -> None:
        """Label each choice with how many organisations it would show, keeping the rest of
        the filter as it is, and offer only choices that show some (and the one chosen).
        One query for each filter however many organisations there are; the counts are the
        same for everyone who chooses the same filter, so they are kept until the record
        changes."""
        by_kind, by_region, by_role = pagecache.remembered(
            "organisation-counts",
            sorted(self.chosen.items()),
            self._counts,
            seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
        )
        self._label("kind", Organisation.Kind.choices, by_kind)
        self._label("region", NationRegion.choices, by_region)
        self._label("role", [(role.key, role.label) for role in ROLES], by_role)

    def _counts(self) -> tuple[dict, dict, dict]:
        """How many organisations each kind, region and role would show."""
        by_kind = dict(
            self.filtered_except("kind").order_by().values_list("kind").annotate(n=Count("pk"))
        )
        by_region = dict(
            self.filtered_except("region")
            .order_by()
            .values_list("nation_region")
            .annotate(n=Count("pk"))
        )
        by_role = self.filtered_except("role").aggregate(
            **{role.key: Count("pk", filter=role.played()) for role in ROLES}
        )
        return by_kind, by_region, by_role

    def _label(self, name: str, choices, counts: dict) -> None:
        chosen = self.chosen.get(name)
        self.form.fields[name].choices = [
            (value, f"{label} ({figure(counts.get(value, 0))})")
            for value, label in choices
            if counts.get(value) or value == chosen
        ]
