"""Helpers the API's tests share: ask the API, check the status, read the JSON."""

import json
from urllib.parse import urlencode


def url_with(url: str, params=None) -> str:
    return url + ("?" + urlencode(params, doseq=True) if params else "")


def get_json(client, url: str, params=None, *, status: int = 200, **headers):
    """The answer's JSON, having checked its status and that it is JSON."""
    response = client.get(url_with(url, params), **headers)
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response.headers["Content-Type"] == "application/json"
    return json.loads(response.content)


def problems(client, url: str, params=None) -> dict[str, list[str]]:
    """{parameter: [messages]} of a 400, which every error of the API reads the same way."""
    errors = get_json(client, url, params, status=400)["errors"]
    found = {}
    for error in errors:
        found.setdefault(error["parameter"], []).append(error["message"])
    return found


def every_page(client, url: str, params=None) -> list[dict]:
    """Every record of a list, following its next links from the first page."""
    page = get_json(client, url, params)
    records = list(page["results"])
    while page["next"]:
        page = get_json(client, page["next"])
        records.extend(page["results"])
    return records
