"""The API's OpenAPI 3.1 schema at /api/v1/schema/: valid by openapi-spec-validator, and
every answer of every endpoint matches it (checked with jsonschema, in openapi-schema-
validator's OpenAPI 3.1 dialect, against the schema's own components), with no field the
schema leaves out."""

import copy
import json
import re

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate as validate_spec

from funding.filters import AwardFilterSet
from mmip.regions import NationRegion
from tests.api import get_json
from tests.factories import AwardFactory, OrganisationFactory
from tests.test_public_record import build_context, build_drafts

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"


@pytest.fixture
def spec(client):
    return get_json(client, SCHEMA, HTTP_ACCEPT="application/json")


def test_the_schema_is_valid_openapi_3(spec):
    validate_spec(spec)

    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["version"] == "v1"


def test_the_schema_describes_every_endpoint_of_the_root(client, spec):
    paths = set(spec["paths"])
    for url in get_json(client, "/api/v1/")["endpoints"].values():
        path = url.removeprefix("http://testserver")
        if path != SCHEMA:
            assert path in paths, path


def strict(spec: dict) -> dict:
    """The spec with every object closed: an answer with a field the schema does not name
    fails, as a field left undocumented would."""
    closed = copy.deepcopy(spec)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(closed["components"])
    return closed


def operation_for(spec: dict, path: str) -> dict:
    """The GET operation of path: its own, else the one whose template matches it."""
    if path in spec["paths"]:
        return spec["paths"][path]["get"]
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return operations["get"]
    raise AssertionError(f"No operation in the schema for {path}")


def assert_matches(spec: dict, path: str, status: int, body) -> None:
    content = operation_for(spec, path)["responses"][str(status)]["content"]
    schema = {"allOf": [content["application/json"]["schema"]], "components": spec["components"]}
    validator = OAS31Validator(schema, format_checker=oas31_format_checker)
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert problems == [], (path, status, problems[:5])


@pytest.fixture
def record():
    context = build_context()
    build_drafts(context)
    # What the walk's record leaves out: a follow-on, a body the money went through, an
    # organisation's org-id, planned dates, a source.
    AwardFactory(
        follow_on_of=context.award,
        funder=context.funder,
        recipient=context.recipient,
        routed_through=OrganisationFactory(org_id="GB-GOR-PC390"),
        planned_start="2022-01-01",
        planned_end="2023-01-01",
        source_url="https://example.org/source",
    )
    return context


def test_every_answer_matches_the_schema(client, spec, record):
    spec = strict(spec)
    seen = set()

    def check(url, status=200, **params):
        response = client.get(url, params)
        assert response.status_code == status, (url, params, response.content[:300])
        path = url.split("?")[0]
        assert_matches(spec, path, status, json.loads(response.content))
        seen.add((operation_for(spec, path)["operationId"], status))
        return json.loads(response.content)

    root = check("/api/v1/")
    for key, url in root["endpoints"].items():
        if key in ("schema", "awardsSummary"):
            continue
        path = url.removeprefix("http://testserver")
        first = check(path, per_page="10")
        if first.get("next"):
            check(first["next"].removeprefix("http://testserver"))
        for item in first.get("results", []):
            check(item["apiUrl"].removeprefix("http://testserver"))
        check(path, 400, per_page="1000")
    check("/api/v1/awards/summary/", funder=record.funder.slug)
    check("/api/v1/awards/summary/", q="nothing matches this")
    check("/api/v1/awards/", 400, funder="nobody", sort="sideways")
    check("/api/v1/awards/", region="unknown", funder_not=record.funder.slug, fy_from="2019-20")
    check("/api/v1/awards/summary/", 400, region_not="atlantis", fy_to="soon")
    for path in (
        "/api/v1/awards/360G-MMIP-NONE/",
        "/api/v1/organisations/nobody/",
        "/api/v1/workstreams/nothing/",
    ):
        check(path, 404)

    # Every operation of the schema was asked for and gave an answer it describes.
    operations = {op["get"]["operationId"] for op in spec["paths"].values()}
    assert {operation for operation, status in seen if status == 200} == operations


@pytest.mark.parametrize("path", ["/api/v1/awards/", "/api/v1/awards/summary/"])
def test_the_awards_describe_every_parameter_of_the_explorers_filter(spec, path):
    parameters = {item["name"]: item for item in spec["paths"][path]["get"]["parameters"]}

    assert set(AwardFilterSet.base_filters) <= set(parameters)
    for name in ("funder", "funder_not", "recipient_not", "programme_not", "workstream_not"):
        assert parameters[name]["schema"] == {"type": "array", "items": {"type": "string"}}
    for name in ("region", "region_not"):
        assert parameters[name]["schema"]["items"]["enum"] == [*NationRegion.values, "unknown"]
    assert "left out" in parameters["funder_not"]["description"]
    assert "not recorded" in parameters["region_not"]["description"]
    pattern = re.compile(parameters["fy_from"]["schema"]["pattern"])
    for written in ("2019", "2019-20", "2019/20", "2019-2020"):
        assert pattern.match(written), written
    assert "April to March" in parameters["fy_from"]["description"]
    assert "known only to its year" in parameters["fy_from"]["description"]


def test_the_check_fails_an_answer_with_a_field_the_schema_leaves_out(client, spec, record):
    spec = strict(spec)
    workstream = get_json(client, f"/api/v1/workstreams/{record.workstream.slug}/")
    assert_matches(spec, "/api/v1/workstreams/x/", 200, workstream)

    with pytest.raises(AssertionError, match="Additional properties are not allowed"):
        assert_matches(spec, "/api/v1/workstreams/x/", 200, {**workstream, "secret": 1})
    with pytest.raises(AssertionError, match="'aim' is a required property"):
        without_aim = {key: value for key, value in workstream.items() if key != "aim"}
        assert_matches(spec, "/api/v1/workstreams/x/", 200, without_aim)
