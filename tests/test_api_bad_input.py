"""Nonsense in the API's query strings: a 400 whose JSON names each parameter at fault and
says what is wrong, never a 500 and never an answer that quietly left the part out."""

import pytest

from tests.api import get_json, problems
from tests.bad_input import EXPLORER_BAD_INPUT, LITERAL_TEXT
from tests.test_funding_explorer import build_record

pytestmark = pytest.mark.django_db

AWARDS = "/api/v1/awards/"
SUMMARY = "/api/v1/awards/summary/"


@pytest.fixture
def record():
    return build_record()


def named(params: dict) -> set[str]:
    return set(params)


@pytest.mark.parametrize("url", [AWARDS, SUMMARY])
@pytest.mark.parametrize(("params", "expected"), EXPLORER_BAD_INPUT)
def test_bad_explorer_input_is_a_400_naming_the_parameter(client, record, url, params, expected):
    found = problems(client, url, params)

    assert set(found) == named(params)
    messages = [message for texts in found.values() for message in texts]
    assert any(expected in message for message in messages), messages
    # The API leaves nothing out: it refuses, so it never says it left a part out.
    assert not any("left out" in message for message in messages)


def test_every_problem_is_named_in_one_answer(client, record):
    found = problems(
        client,
        AWARDS,
        {"funder": "nobody", "sort": "sideways", "per_page": "500", "fundr": "fund-a", "page": "2"},
    )

    assert set(found) == {"funder", "sort", "per_page", "fundr", "page"}
    assert "Choose from -date, date, -amount, amount, title, -title." in found["sort"][0]
    assert "There is no parameter “fundr” here." in found["fundr"][0]
    assert "cursors, not page numbers" in found["page"][0]


def test_a_huge_unknown_parameter_is_named_shortened(client, record):
    found = problems(client, AWARDS, {"x" * 10_000: "1"})

    (name,) = found
    assert len(name) <= 40
    assert len(found[name][0]) < 1000


@pytest.mark.parametrize("text", LITERAL_TEXT)
def test_text_is_searched_for_as_it_is(client, record, text):
    assert get_json(client, AWARDS, {"q": text})["count"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/awards/360G-MMIP-" + "X" * 10_000 + "/",
        "/api/v1/awards/360G-MMIP-%00/",
        "/api/v1/awards/360G-MMIP-T-01%27%3B--/",
    ],
)
def test_a_nonsense_identifier_is_a_404_in_json(client, record, path):
    assert get_json(client, path, status=404)["errors"][0]["message"]


def test_a_detail_takes_no_parameters(client, record):
    found = problems(client, f"{AWARDS}360G-MMIP-T-01/", {"per_page": "10"})

    assert found == {
        "per_page": ["There is no parameter “per_page” here. This address takes none."]
    }
