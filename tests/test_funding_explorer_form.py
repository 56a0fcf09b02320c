"""The explorer's form beyond its drop-downs' counts (tests/test_funding_facets.py): the part
that leaves things out, folded away until used; financial years as typed; the regions of
England together."""

import pytest

from tests.test_funding_explorer import build_record, explore

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    return build_record()


def test_leaving_out_is_folded_away_until_the_address_leaves_something_out(client, record):
    plain = explore(client, {"funder": "fund-a"}).content.decode()
    assert '<details class="explorer-form__leave-out">' in plain
    leaving_out = explore(client, {"funder_not": "fund-a"}).content.decode()
    assert '<details class="explorer-form__leave-out" open>' in leaving_out
    assert '<option value="fund-a" selected>Innovate Widgets Agency (3)</option>' in leaving_out
    # A bad value left out of the filter still opens it, so its box and message are seen.
    bad = explore(client, {"region_not": "atlantis"}).content.decode()
    assert '<details class="explorer-form__leave-out" open>' in bad


def test_a_financial_year_stays_in_its_box_as_it_was_typed(client, record):
    content = explore(client, {"fy_from": "2020-21", "fy_to": "2021"}).content.decode()
    assert 'name="fy_from" value="2020-21"' in content
    assert 'name="fy_to" value="2021"' in content
    assert "Financial year" in content


def test_the_regions_of_england_are_grouped_under_england(client, record):
    content = explore(client, {"region": "north-east"}).content.decode()
    region_select = content.split('id="id_region"')[1].split("</select>")[0]
    assert region_select.startswith('><option value="">Anywhere</option><optgroup label="England">')
    assert '<option value="north-east" selected>North East (3)</option>' in region_select
    assert '<option value="east">East of England (0)</option></optgroup>' not in region_select
    assert '<option value="south-west">South West (0)</option></optgroup>' in region_select
    assert '<option value="scotland">Scotland (0)</option>' in region_select
    assert '<option value="unknown">Not recorded (2)</option>' in region_select
