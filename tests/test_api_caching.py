"""The API's answers are cached and revalidated as the pages are: an ETag and a
Last-Modified from the record generation, 304 to a client that holds the current answer,
the same page cache as the pages; open to every origin for reads; and throttled per
address at the rates the environment sets."""

import datetime
import json
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date, parse_http_date

from api.models import RequestCount
from mmip import pagecache
from tests.factories import AwardFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db

WORKSTREAMS = "/api/v1/workstreams/"


@pytest.fixture
def workstream():
    return WorkstreamFactory(slug="skills", name="Skills")


# ---------- ETag, Last-Modified and 304 ----------


def test_an_answer_carries_validators_from_the_record_generation(client, workstream):
    response = client.get(WORKSTREAMS)

    generation = pagecache.generation()
    assert response.headers["ETag"].startswith(f'"g{generation}-')
    assert parse_http_date(response.headers["Last-Modified"]) <= datetime.datetime.now().timestamp()
    assert response.headers["Cache-Control"] == "public, max-age=60"
    # The same address at the same generation: the same validators; another address: another.
    again = client.get(WORKSTREAMS)
    assert again.headers["ETag"] == response.headers["ETag"]
    assert again.headers["Last-Modified"] == response.headers["Last-Modified"]
    assert client.get(f"{WORKSTREAMS}skills/").headers["ETag"] != response.headers["ETag"]


def test_a_client_holding_the_current_answer_gets_304_without_a_read_of_the_record(
    client, workstream
):
    tag = client.get(WORKSTREAMS).headers["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(WORKSTREAMS, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == tag
    # The record generation and when it was first served; nothing of the record.
    assert len(queries) == 2


def test_if_modified_since_is_answered_from_last_modified(client, workstream):
    modified = client.get(WORKSTREAMS).headers["Last-Modified"]
    earlier = http_date(parse_http_date(modified) - 1)

    assert client.get(WORKSTREAMS, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(WORKSTREAMS, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_write_to_the_record_gives_new_validators(client, workstream):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        before = client.get(WORKSTREAMS)
        WorkstreamFactory(slug="technology")
        after = client.get(WORKSTREAMS, HTTP_IF_NONE_MATCH=before.headers["ETag"])

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    # In the same second, yet a later Last-Modified: two generations never share one.
    assert parse_http_date(after.headers["Last-Modified"]) == (
        parse_http_date(before.headers["Last-Modified"]) + 1
    )
    assert (
        client.get(WORKSTREAMS, HTTP_IF_MODIFIED_SINCE=before.headers["Last-Modified"]).status_code
        == 200
    )


def test_validators_change_with_the_day_as_what_is_late_does(client, workstream):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 23, 0, tzinfo=datetime.UTC)):
        monday = client.get(WORKSTREAMS)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 1, 0, tzinfo=datetime.UTC)):
        tuesday = client.get(WORKSTREAMS, HTTP_IF_NONE_MATCH=monday.headers["ETag"])
        since = client.get(WORKSTREAMS, HTTP_IF_MODIFIED_SINCE=monday.headers["Last-Modified"])

    assert tuesday.status_code == 200
    assert since.status_code == 200
    assert tuesday.headers["ETag"] != monday.headers["ETag"]


def test_an_answer_made_during_a_write_gets_no_validators(client, workstream, monkeypatch):
    monkeypatch.setattr(pagecache, "made_at", lambda generation, make: (make(), False))

    response = client.get(WORKSTREAMS)

    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert "Last-Modified" not in response.headers


def test_errors_carry_no_validators(client, workstream):
    for url in (f"{WORKSTREAMS}?per_page=5", f"{WORKSTREAMS}nothing/"):
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert "ETag" not in response.headers


# ---------- The page cache ----------


@pytest.mark.public_cache
def test_answers_go_through_the_page_cache_with_their_own_validators(client, workstream):
    first = client.get(WORKSTREAMS)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(WORKSTREAMS)
    # Read now: the next request starts the connection's log of queries afresh.
    hit_queries = len(queries)
    not_modified = client.get(WORKSTREAMS, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    since = client.get(WORKSTREAMS, HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"])

    assert first.headers["X-Cache"] == "miss"
    assert second.headers["X-Cache"] == "hit"
    assert second.content == first.content
    # As for a page: the record generation, to check that the answer is still current.
    assert hit_queries == 1
    # The cache keeps the API's own ETag and Last-Modified, and answers both with 304.
    assert second.headers["ETag"] == first.headers["ETag"]
    assert first.headers["ETag"].startswith('"g')
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert not_modified.status_code == 304
    assert not_modified.headers["ETag"] == first.headers["ETag"]
    assert since.status_code == 304


@pytest.mark.public_cache
def test_a_page_keeps_its_etag_from_its_content(client, workstream):
    response = client.get("/workstreams/skills/")

    assert response.headers["X-Cache"] == "miss"
    assert not response.headers["ETag"].startswith('"g')
    assert "Last-Modified" not in response.headers


# ---------- CORS ----------


def test_any_origin_may_read_the_api(client, workstream):
    response = client.get(WORKSTREAMS, HTTP_ORIGIN="https://data.example.com")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_preflight_allows_reads_only(client):
    response = client.options(
        WORKSTREAMS,
        HTTP_ORIGIN="https://data.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_the_rest_of_the_site_is_not_shared(client, workstream):
    response = client.get("/workstreams/skills/", HTTP_ORIGIN="https://data.example.com")

    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.public_cache
def test_a_cached_answer_carries_the_cors_headers_of_each_request(client, workstream):
    client.get(WORKSTREAMS)  # stored by a request without an Origin

    response = client.get(WORKSTREAMS, HTTP_ORIGIN="https://data.example.com")

    assert response.headers["X-Cache"] == "hit"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# ---------- Throttling ----------


def ask(client, address="192.0.2.1", url=WORKSTREAMS, **headers):
    return client.get(url, REMOTE_ADDR=address, **headers)


@pytest.mark.api_throttle
def test_past_the_rate_an_address_gets_429_with_retry_after(client, settings, workstream):
    settings.API_THROTTLE_RATES = ["3/minute"]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, 15, tzinfo=datetime.UTC)):
        answers = [ask(client).status_code for _ in range(3)]
        refused = ask(client)
        elsewhere = ask(client, address="198.51.100.7")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 1, 0, tzinfo=datetime.UTC)):
        next_minute = ask(client)

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "45"
    assert json.loads(refused.content) == {
        "errors": [
            {
                "message": "Too many requests from this address: try again in 45 seconds. "
                "The limits are 3/minute for each address."
            }
        ]
    }
    assert elsewhere.status_code == 200
    assert next_minute.status_code == 200


@pytest.mark.api_throttle
def test_every_rate_applies(client, settings, workstream):
    settings.API_THROTTLE_RATES = ["100/minute", "2/day"]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 22, 0, 0, tzinfo=datetime.UTC)):
        answers = [ask(client).status_code for _ in range(3)]
        refused = ask(client)

    assert answers == [200, 200, 429]
    assert refused.headers["Retry-After"] == str(2 * 3600)


@pytest.mark.api_throttle
@pytest.mark.public_cache
def test_answers_from_the_page_cache_count_too(client, settings, workstream):
    settings.API_THROTTLE_RATES = ["2/minute"]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, 0, tzinfo=datetime.UTC)):
        first = ask(client)
        second = ask(client)
        third = ask(client)

    assert second.headers["X-Cache"] == "hit"
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)


@pytest.mark.api_throttle
def test_only_the_api_is_throttled(client, settings, workstream):
    settings.API_THROTTLE_RATES = ["1/minute"]

    assert [ask(client, url="/workstreams/skills/").status_code for _ in range(3)] == [200] * 3


@pytest.mark.api_throttle
def test_behind_proxies_the_address_is_the_clients(client, settings, workstream):
    settings.API_THROTTLE_RATES = ["1/minute"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    first = ask(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    other_client = ask(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    same_client = ask(client, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert (first.status_code, other_client.status_code) == (200, 200)
    assert same_client.status_code == 429


@pytest.mark.api_throttle
def test_counting_a_request_costs_one_query(client, settings, workstream):
    settings.API_THROTTLE_RATES = ["100/minute", "1000/day"]
    client.get(WORKSTREAMS)
    settings.API_THROTTLE_RATES = []
    with CaptureQueriesContext(connection) as unthrottled:
        client.get(WORKSTREAMS)
    unthrottled_count = len(unthrottled)  # before the next request starts the log afresh
    settings.API_THROTTLE_RATES = ["100/minute", "1000/day"]
    with CaptureQueriesContext(connection) as throttled:
        client.get(WORKSTREAMS)

    assert len(throttled) == unthrottled_count + 1
    assert "api_requestcount" in throttled.captured_queries[0]["sql"]


def test_rates_come_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from mmip.settings import env_rates

    monkeypatch.setenv("API_THROTTLE_RATES", "60/minute, 5000/day")
    assert env_rates("API_THROTTLE_RATES", []) == ["60/minute", "5000/day"]
    monkeypatch.setenv("API_THROTTLE_RATES", "lots")
    with pytest.raises(ImproperlyConfigured, match="rates such as 120/minute"):
        env_rates("API_THROTTLE_RATES", [])
    monkeypatch.setenv("API_THROTTLE_RATES", "")
    assert env_rates("API_THROTTLE_RATES", ["1/second"]) == ["1/second"]


def test_a_new_award_is_seen_at_once(client, workstream):
    before = client.get("/api/v1/awards/")
    AwardFactory()
    after = client.get("/api/v1/awards/", HTTP_IF_NONE_MATCH=before.headers["ETag"])

    assert after.status_code == 200
    assert json.loads(after.content)["count"] == json.loads(before.content)["count"] + 1


@pytest.mark.api_throttle
def test_the_request_that_tidies_old_counts_makes_no_more_queries(client, settings, workstream):
    """About one request in a thousand also clears counts whose windows have ended: in the
    same statement, so a page's queries stay the same whichever request it is, and never
    the asking address's own count, which the same statement updates."""
    settings.API_THROTTLE_RATES = ["5/minute", "100/day"]
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, 0, 0, tzinfo=datetime.UTC)):
        ask(client, address="198.51.100.1")
        ask(client, address="198.51.100.2")
    later = datetime.datetime(2026, 3, 3, 10, 0, 0, tzinfo=datetime.UTC)
    chance = "api.throttling.random.randrange"
    with (
        time_machine.travel(later),
        mock.patch(chance, return_value=1),
        CaptureQueriesContext(connection) as plain,
    ):
        ask(client, address="198.51.100.3")
    with (
        time_machine.travel(later),
        mock.patch(chance, return_value=0),
        CaptureQueriesContext(connection) as tidying,
    ):
        answer = ask(client, address="198.51.100.1")

    assert len(tidying.captured_queries) == len(plain.captured_queries)
    assert answer.status_code == 200
    # The other address seen two days ago is gone (both its rates); the asking one, seen
    # then too, counts afresh; the address seen today stays.
    assert len(RequestCount.objects.all()) == 4
    assert sorted(RequestCount.objects.values_list("count", flat=True)) == [1, 1, 1, 1]
