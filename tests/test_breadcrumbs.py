"""The one breadcrumb mechanism (mmip/breadcrumbs.py): trail() for function views and
BreadcrumbsMixin for class views, both starting at Home. Each page's own trail is tested
with its page (tests/test_funding_pages.py, tests/test_site_pages.py)."""

import pytest
from django.test import RequestFactory
from django.views.generic import TemplateView

from mmip.breadcrumbs import BreadcrumbsMixin, trail


def test_a_trail_starts_at_home_and_ends_at_the_page_itself():
    assert trail(("Funding", "/funding/"), ("Programmes", None)) == [
        ("Home", "/"),
        ("Funding", "/funding/"),
        ("Programmes", None),
    ]


class ProgrammePage(BreadcrumbsMixin, TemplateView):
    def get_breadcrumbs(self):
        return [("Skills", "/skills/"), (self.kwargs["name"], None)]


def context_of(view_class, **kwargs) -> dict:
    view = view_class()
    view.setup(RequestFactory().get("/"), **kwargs)
    return view.get_context_data(**kwargs)


def test_a_class_view_gives_its_steps_and_the_mixin_puts_the_trail_in_the_context():
    context = context_of(ProgrammePage, name="Advanced Therapies Apprenticeship Community")

    assert context["breadcrumbs"] == [
        ("Home", "/"),
        ("Skills", "/skills/"),
        ("Advanced Therapies Apprenticeship Community", None),
    ]
    assert context["name"] == "Advanced Therapies Apprenticeship Community"


class Forgetful(BreadcrumbsMixin, TemplateView):
    pass


def test_a_view_that_names_no_steps_fails_loudly_rather_than_showing_no_trail():
    with pytest.raises(NotImplementedError, match="Forgetful names the steps of its trail"):
        context_of(Forgetful)
