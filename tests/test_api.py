"""The API's root and the rules every endpoint keeps: versioned in the path, JSON only,
read-only, and errors as JSON of one shape."""

import json

import pytest

from tests.api import get_json
from tests.factories import AwardFactory

pytestmark = pytest.mark.django_db

ROOT = "/api/v1/"


def test_the_root_lists_every_endpoint_of_the_version(client):
    root = get_json(client, ROOT)

    assert root["version"] == "v1"
    assert root["docs"] == "http://testserver/api/docs/"
    for key, url in root["endpoints"].items():
        assert url.startswith("http://testserver/api/v1/"), key
        assert client.get(url).status_code == 200, key
    assert root["endpoints"]["awards"] == "http://testserver/api/v1/awards/"
    assert root["endpoints"]["awardsSummary"] == "http://testserver/api/v1/awards/summary/"
    assert root["endpoints"]["schema"] == "http://testserver/api/v1/schema/"


def test_api_lists_its_versions(client):
    assert get_json(client, "/api/") == {
        "versions": {"v1": "http://testserver/api/v1/"},
        "docs": "http://testserver/api/docs/",
    }


@pytest.mark.parametrize("path", ["/api/v2/", "/api/v1/nothing/", "/api/v1/awards/not-an-id/"])
def test_an_address_that_is_nothing_answers_404_in_json(client, path):
    body = get_json(client, path, status=404)

    assert "There is nothing at" in body["errors"][0]["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [ROOT, "/api/v1/awards/", "/api/v1/awards/360G-MMIP-TEST-API/", "/api/v1/awards/summary/"],
)
def test_every_write_method_answers_405(client, method, path):
    AwardFactory(identifier="360G-MMIP-TEST-API")

    response = getattr(client, method)(path, data="{}", content_type="application/json")

    assert response.status_code == 405
    assert json.loads(response.content) == {
        "errors": [{"message": f"The API is read-only: {method.upper()} is not allowed. Use GET."}]
    }
    assert "POST" not in response.headers["Allow"]


def test_the_api_answers_json_whatever_a_browser_accepts(client):
    response = client.get(ROOT, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"


def test_asking_for_another_format_only_is_a_406_in_json(client):
    body = get_json(client, ROOT, status=406, HTTP_ACCEPT="text/csv")

    assert "only in JSON" in body["errors"][0]["message"]


def test_an_unknown_parameter_is_a_400_that_names_it(client):
    body = get_json(client, ROOT, {"format": "api"}, status=400)

    assert body == {
        "errors": [
            {
                "parameter": "format",
                "message": "There is no parameter “format” here. This address takes none.",
            }
        ]
    }


def test_head_answers_as_get_without_a_body(client):
    response = client.head(ROOT)

    assert response.status_code == 200
    assert response.content == b""
