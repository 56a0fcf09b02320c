"""When the database cannot be reached, pages answer 503 with a friendly page, not a 500."""

from unittest import mock

import pytest
from django import db
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def raising_client():
    # Like production: exceptions become error pages instead of reaching the test.
    return Client(raise_request_exception=False)


def test_a_lost_database_gives_a_friendly_503(raising_client):
    with mock.patch(
        "workstreams.views.WorkstreamListView.get_queryset",
        side_effect=db.OperationalError("connection refused"),
    ):
        response = raising_client.get("/workstreams/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "no-store" in response.headers["Cache-Control"]
    content = response.content.decode()
    assert "Sorry, the service is unavailable" in content
    assert "connection refused" not in content
    assert "Traceback" not in content


@pytest.mark.public_cache
def test_a_lost_database_under_the_page_cache_is_a_503_too(raising_client):
    with mock.patch(
        "mmip.pagecache.middleware.read_stored",
        side_effect=db.InterfaceError("connection already closed"),
    ):
        response = raising_client.get("/")
    assert response.status_code == 503


def test_other_errors_stay_a_plain_500(raising_client):
    with mock.patch(
        "workstreams.views.WorkstreamListView.get_queryset", side_effect=ValueError("boom")
    ):
        response = raising_client.get("/workstreams/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "boom" not in response.content.decode()


# The API answers a program, so its errors are JSON too --------------------------------------


def test_a_lost_database_gives_the_api_a_json_503(raising_client):
    with mock.patch(
        "api.workstreams.WorkstreamViewSet.get_queryset",
        side_effect=db.OperationalError("connection refused"),
    ):
        response = raising_client.get("/api/v1/workstreams/")
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Retry-After"] == "30"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.json() == {
        "errors": [{"message": "The record cannot be read just now. Try again in 30 seconds."}]
    }


def test_other_errors_give_the_api_a_json_500_that_tells_nothing_of_the_cause(raising_client):
    with mock.patch(
        "api.workstreams.WorkstreamViewSet.get_queryset", side_effect=ValueError("boom")
    ):
        response = raising_client.get("/api/v1/workstreams/")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["message"].startswith("Something went wrong on our side.")
    assert "boom" not in response.content.decode()
