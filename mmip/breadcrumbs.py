"""The trail at the top of every public page below the home page, which
templates/includes/breadcrumbs.html shows: Home, then each step down to the page itself.
Class views give their steps through BreadcrumbsMixin, function views through trail()."""

from django.urls import reverse

# (label, address): the last step is the page itself, with no address.
Step = tuple[str, str | None]


def trail(*steps: Step) -> list[Step]:
    """The breadcrumbs of a page: Home, then the steps given."""
    return [("Home", reverse("home")), *steps]


class BreadcrumbsMixin:
    """Puts the trail in the context as ``breadcrumbs``; a view names its steps after Home in
    get_breadcrumbs(), reading self.object where the page is one record's."""

    def get_breadcrumbs(self) -> list[Step]:
        raise NotImplementedError(f"{type(self).__name__} names the steps of its trail")

    def get_context_data(self, **kwargs):
        return super().get_context_data(breadcrumbs=trail(*self.get_breadcrumbs()), **kwargs)
