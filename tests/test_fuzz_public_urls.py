"""Random query strings and form posts against every public URL: never a 5xx, never a draft.

The URLs are found from the URL configuration and the published record, so a new public
page is fuzzed as soon as it exists; a page with arguments that no published record leads
to makes the test fail rather than go untested.
"""

import datetime
from glob import glob

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.urls import VIEWSETS
from mmip.models import Organisation
from tests import factories as f
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db

MARKER = "zebrafinch"  # in every draft's name; no published text contains it
FILTER_NAMES = [
    "q", "page", "per_page", "page_size", "sort", "kind", "type", "year", "year_from",
    "year_to", "amount_min", "amount_max", "workstream", "funder", "recipient", "programme",
    "status", "region", "nation_region", "role", "publisher", "format", "widget", "organisation",
    "filter", "chart", "fy_from", "fy_to", "funder_not", "recipient_not", "programme_not",
    "workstream_not", "region_not",
]  # fmt: skip


def public_patterns(resolver=None, prefix="", namespace=""):
    """(the pattern's name as reverse() takes it, with its namespace, the pattern)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry


def public_urls() -> list[str]:
    urls = set()
    for name, pattern in public_patterns():
        if not pattern.pattern.regex.groupindex:
            urls.add(reverse(name))
    for model in apps.get_models():
        if model._meta.app_label not in {"mmip", "workstreams", "funding", "skills", "tracking"}:
            continue
        if not hasattr(model, "get_absolute_url") or not hasattr(model, "is_public"):
            continue
        for record in model.objects.public()[:3]:
            urls.add(record.get_absolute_url().split("#")[0])
    # A workstream's feed of updates and its widget are no record's page, but each public
    # workstream has them; each public organisation has a widget of its awards.
    for slug in Workstream.objects.public().values_list("slug", flat=True)[:3]:
        urls.add(reverse("workstream-update-feed", args=[slug]))
        urls.add(reverse("embed-workstream", args=[slug]))
    for slug in Organisation.objects.public().values_list("slug", flat=True)[:3]:
        urls.add(reverse("embed-organisation-awards", args=[slug]))
    # The API's address of a few public records of each kind, by the identifier it takes.
    for basename, viewset in VIEWSETS.items():
        view = viewset(action="retrieve")
        for record in view.public_records()[:3]:
            key = getattr(record, view.lookup_field)
            urls.add(reverse(f"v1:{basename}-detail", args=[key]))
    return sorted(urls)


@pytest.fixture
def record(db):
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)
    published = f.WorkstreamFactory(slug="fuzz-published")
    draft_org = f.OrganisationFactory(name=f"{MARKER} Ltd", is_published=False)
    f.WorkstreamFactory(name=f"{MARKER} workstream", slug=f"{MARKER}-ws", is_published=False)
    f.InitiativeFactory(name=f"{MARKER} initiative", workstream=published, is_published=False)
    f.MilestoneFactory(title=f"{MARKER} milestone", workstream=published, is_published=False)
    draft_output = f.OutputFactory(title=f"{MARKER} output", is_published=False)
    draft_output.workstreams.add(published)
    f.IndicatorFactory(name=f"{MARKER} indicator", is_published=False)
    draft_award = f.AwardFactory(title=f"{MARKER} award", is_published=False)
    draft_award.workstreams.add(published)
    f.FundingProgrammeFactory(name=f"{MARKER} programme", is_published=False)
    f.ApprenticeshipProgrammeFactory(
        name=f"{MARKER} apprenticeships", workstream=published, is_published=False
    )
    f.TrainingCentreFactory(name=f"{MARKER} centre", organisation=draft_org, is_published=False)
    f.LearningResourceFactory(title=f"{MARKER} resource", is_published=False)
    # The demo record has no learning resource yet; the API's address of one is fuzzed too.
    f.LearningResourceFactory(title="Published resource")
    f.CohortFactory(
        name=f"{MARKER} cohort", start_date=datetime.date(2019, 9, 1), is_published=False
    )
    f.CommitmentFactory(title=f"{MARKER} commitment", workstream=published, is_published=False)
    commitment = f.CommitmentFactory(workstream=published)
    for state in ["draft", "submitted", "returned"]:
        f.unapproved_update(state, narrative=f"{MARKER} {state} update", commitment=commitment)
    return public_urls()


def test_every_public_page_with_arguments_is_reached_by_the_record(record):
    reached = {resolve(url).view_name for url in record}
    with_arguments = {name for name, p in public_patterns() if p.pattern.regex.groupindex}
    assert with_arguments <= reached, f"no published record leads to {with_arguments - reached}"


def assert_safe(response):
    assert response.status_code < 500, response.status_code
    if not getattr(response, "streaming", False):
        assert MARKER not in response.content.decode("utf-8", "replace").lower()


text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-.,e ", max_size=12),
    st.sampled_from(
        ["'", '"', "\\", "%", "' OR 1=1 --", "<script>", "-1", "99999", "0", "x" * 5000]
    ),
)
query = st.dictionaries(
    st.one_of(st.sampled_from(FILTER_NAMES), st.text(max_size=10)), text, max_size=5
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_query_strings_never_break_a_page_or_show_a_draft(record, data):
    url = data.draw(st.sampled_from(record))
    params = data.draw(query)
    assert_safe(Client().get(url, params))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_form_posts_are_refused_politely(record, data):
    url = data.draw(st.sampled_from(record))
    response = Client(enforce_csrf_checks=True).post(url, data.draw(query))
    assert_safe(response)
    assert response.status_code in {403, 405}
