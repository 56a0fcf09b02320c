"""The directory of organisations and one organisation's page, with every role it plays
across the record."""

from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView

from imports import selectors as provenance
from mmip.breadcrumbs import BreadcrumbsMixin
from mmip.filtering import LenientFilterView
from mmip.models import Organisation
from mmip.paging import PagedMixin
from mmip.site import selectors
from mmip.site.filters import OrganisationFilterSet, roles_of, with_roles

ORGANISATIONS_PER_PAGE = 50


class OrganisationListView(BreadcrumbsMixin, PagedMixin, LenientFilterView):
    """The directory: every public organisation, filtered by kind, region and role."""

    filterset_class = OrganisationFilterSet
    template_name = "site/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = ORGANISATIONS_PER_PAGE

    def get_queryset(self):
        # As people sort names: "Gatsby" before "GSK".
        return Organisation.objects.public().order_by(Lower("name"), "pk")

    def paginate_queryset(self, queryset, page_size):
        # Only the page shown needs its roles and parent.
        paginator, page, organisations, is_paginated = super().paginate_queryset(
            with_roles(queryset).select_related("parent"), page_size
        )
        for organisation in organisations:
            organisation.roles = roles_of(organisation)
        return paginator, page, organisations, is_paginated

    def get_context_data(self, **kwargs):
        self.filterset.count_choices()
        return super().get_context_data(**kwargs)

    def get_breadcrumbs(self):
        return [("Organisations", None)]


class OrganisationDetailView(BreadcrumbsMixin, DetailView):
    """Every role one organisation plays, on one page, public rows only."""

    template_name = "site/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.public()

    def get_context_data(self, **kwargs):
        organisation = self.object
        rows = selectors.organisation_page(organisation)
        award_roles = rows.pop("award_roles")
        explorer = reverse("funding-explorer")
        name = organisation.name
        awards = [
            {
                "key": role,
                "heading": heading,
                "caption": caption,
                **award_roles[role],
                # Past AWARDS_SHOWN, the rest are one filtered explorer page away.
                "explorer_url": f"{explorer}?{urlencode({role: organisation.slug})}"
                if role != "routed_through"
                else None,
            }
            for role, heading, caption in (
                ("funder", "Awards given", f"Awards given by {name}"),
                ("recipient", "Awards received", f"Awards received by {name}"),
                (
                    "routed_through",
                    f"Awards routed through {organisation.short_name or name}",
                    f"Awards routed through {name}",
                ),
            )
        ]
        return super().get_context_data(
            **rows,
            award_sections=awards,
            awards_shown=selectors.AWARDS_SHOWN,
            datasets=provenance.datasets_of_organisation(organisation),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return [("Organisations", reverse("organisation-list")), (self.object.name, None)]
