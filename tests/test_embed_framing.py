"""Which pages other sites may frame: the widgets, and no other page. Every address the site
answers is tried, so a page added later is checked too; and the page cache, which keeps a
page with its headers, never serves a widget with a page's headers or a page with a
widget's."""

import re

import pytest
from django.urls import get_resolver, resolve
from django.urls.resolvers import RoutePattern, URLResolver

from tests.factories import AwardFactory, OrganisationFactory, WorkstreamFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db

WIDGETS = {"embed-workstream", "embed-organisation-awards", "embed-funding-chart"}
# A value for each part of an address that names something, which every pattern accepts.
SAMPLE_VALUES = {"identifier": "360G-SAMPLE-1"}
SAMPLE = "sample"


def every_pattern(resolver=None, prefix=""):
    """(an address it answers, its name) for every address pattern of the site, the
    admin's apart."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = _example(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from every_pattern(pattern, prefix + route)
            continue
        # A pattern that takes anything (the API's own 404) is reached by an address that
        # no pattern before it takes.
        for address in (f"/{prefix}{route}", f"/{prefix}{route}{SAMPLE}/nothing/"):
            if resolve(address).func == pattern.callback:
                yield address, pattern.name
                break
        else:
            raise AssertionError(f"No example reaches {prefix}{pattern.pattern}")


def _example(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m[1], SAMPLE), str(pattern))
    regex = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_VALUES.get(m[1], SAMPLE), str(pattern))
    return regex.lstrip("^").rstrip("$").replace("\\.", ".")


def is_frameable(response) -> bool:
    """Whether any site may frame the answer; otherwise it must refuse every site, by both
    headers: a page that sent only one would be framed by the browsers that read the other."""
    policy = response.headers["Content-Security-Policy"]
    if "frame-ancestors *" in policy:
        assert "X-Frame-Options" not in response.headers
        return True
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    return False


def test_the_widgets_alone_may_be_framed_of_every_address_the_site_answers(client):
    patterns = list(every_pattern())
    assert len(patterns) > 50 and {name for _, name in patterns} >= WIDGETS
    # Each example reaches the view it stands for, mostly to hear it has no such record.
    for path, name in [*patterns, ("/admin/login/", "admin:login")]:
        response = client.get(path)
        assert response.status_code < 500, path
        assert is_frameable(response) == (name in WIDGETS and response.status_code == 200), path


@pytest.fixture
def record():
    workstream = WorkstreamFactory(slug="skills")
    funder = OrganisationFactory(slug="innovate-uk")
    AwardFactory(funder=funder).workstreams.add(workstream)
    return workstream


PAGES = ["/", "/workstreams/skills/", "/organisations/innovate-uk/", "/funding/",
         "/funding/?funder=innovate-uk", "/about/data/", "/embed/",
         "/embed/?widget=workstream&workstream=skills", "/api/v1/", "/api/docs/"]  # fmt: skip
WIDGET_PAGES = ["/embed/workstream/skills/", "/embed/organisation/innovate-uk/awards/",
                "/embed/funding/chart/", "/embed/funding/chart/?funder=innovate-uk&chart=funder",
                "/embed/funding/chart/?amount_min=letters"]  # fmt: skip


def test_a_widget_of_a_real_record_may_be_framed_and_keeps_the_rest_of_the_policy(client, record):
    strict = client.get("/").headers["Content-Security-Policy"]
    for path in WIDGET_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert is_frameable(response), path
        policy = response.headers["Content-Security-Policy"]
        assert policy == strict.replace("frame-ancestors 'none'", "frame-ancestors *")
        assert "unsafe-inline" not in policy and "<script" not in response.content.decode()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not is_frameable(response), path


def test_a_draft_records_widget_is_the_sites_404_which_may_not_be_framed(client, record):
    Workstream.objects.filter(pk=record.pk).update(is_published=False)
    response = client.get("/embed/workstream/skills/")
    assert response.status_code == 404
    assert not is_frameable(response)


@pytest.mark.public_cache
def test_the_page_cache_serves_each_with_its_own_headers(client, record):
    # Not the builder with a widget's code, which is never kept (the test below).
    for path in [*WIDGET_PAGES, *(path for path in PAGES if "widget=" not in path)]:
        first = client.get(path)
        again = client.get(path)
        assert first.headers["X-Cache"] == "miss", path
        assert again.headers["X-Cache"] == "hit", path
        assert is_frameable(again) == is_frameable(first) == (path in WIDGET_PAGES), path


@pytest.mark.public_cache
def test_the_code_is_never_kept_for_another_host(client, record):
    """The builder names the site by the host it was asked at; the cache keeps one page per
    path whatever the host, so a page with code in it is not kept."""
    path = "/embed/?widget=workstream&workstream=skills"
    first = client.get(path, HTTP_HOST="127.0.0.1")
    other = client.get(path, HTTP_HOST="localhost")
    assert "X-Cache" not in first.headers and "private" in first.headers["Cache-Control"]
    assert "http://localhost/embed/workstream/skills/" in other.content.decode()
    assert "http://127.0.0.1/" not in other.content.decode()


@pytest.mark.public_cache
def test_a_widget_published_after_its_404_may_be_framed(client, record):
    Workstream.objects.filter(pk=record.pk).update(is_published=False)
    assert client.get("/embed/workstream/skills/").status_code == 404
    Workstream.objects.filter(pk=record.pk).update(is_published=True)
    response = client.get("/embed/workstream/skills/")
    assert response.status_code == 200 and is_frameable(response)
