"""The explorer's map by nation and region in a real browser, with JavaScript off: every
tile's words fit inside it at the longest amount a tile can write, the table sits beside the
map on a wide screen and beneath it on a phone, and axe finds nothing wrong with either.
Every other page: test_accessibility.py."""

import datetime
from decimal import Decimal

import pytest

from tests.browser import DESKTOP, PHONE, assert_clean_and_accessible, open_page
from tests.factories import AwardFactory, OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    """A tile in each shade, the longest words a tile writes (£999,999.99, below the
    millions, and "W Midlands") and a recipient off the map."""
    amounts = {
        "west-midlands": "999999.99",
        "east-midlands": "750000",
        "london": "400000",
        "northern-ireland": "12.50",
        "uk-wide": "5000",
    }
    for region, amount in amounts.items():
        AwardFactory(
            recipient=OrganisationFactory(nation_region=region),
            amount=Decimal(amount),
            award_date=datetime.date(2021, 1, 1),
        )


def boxes(page) -> list[dict]:
    """Each tile's rectangle and the boxes of the words on it, as drawn."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.region-map__tile')].map(tile => {
            const box = element => {
                const { left, top, right, bottom } = element.getBoundingClientRect();
                return { left, top, right, bottom };
            };
            return {
                region: tile.dataset.region,
                tile: box(tile.querySelector('rect')),
                words: [...tile.querySelectorAll('text')].map(box),
            };
        })"""
    )


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["left"] >= outer["left"]
        and inner["right"] <= outer["right"]
        and inner["top"] >= outer["top"]
        and inner["bottom"] <= outer["bottom"]
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_tile_holds_its_words_at_any_width(browser, live_server, record, viewport):
    page, errors = open_page(
        browser, f"{live_server.url}/funding/", viewport, java_script_enabled=False
    )
    tiles = boxes(page)
    assert len(tiles) == 12
    for tile in tiles:
        assert all(inside(words, tile["tile"]) for words in tile["words"]), tile["region"]
    west_midlands = page.locator('.region-map__tile[data-region="west-midlands"]')
    assert west_midlands.locator("text").all_text_contents() == ["W Midlands", "£999,999.99"]
    assert errors == []
    page.context.close()


def test_the_table_is_beside_the_map_on_a_wide_screen_and_beneath_it_on_a_phone(
    browser, live_server, record
):
    for viewport, beside in ((DESKTOP, True), (PHONE, False)):
        page, _ = open_page(
            browser, f"{live_server.url}/funding/", viewport, java_script_enabled=False
        )
        picture = page.locator(".region-map__svg").bounding_box()
        table = page.locator(".region-map__table").bounding_box()
        if beside:
            assert table["x"] >= picture["x"] + picture["width"]
        else:
            assert table["y"] >= picture["y"] + picture["height"]
        row = page.get_by_role("row", name="Northern Ireland")
        assert row.get_by_role("cell").all_inner_texts() == ["1", "£12.50"]
        page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_explorer_with_its_map_is_accessible(browser, live_server, record, viewport):
    assert_clean_and_accessible(browser, f"{live_server.url}/funding/", viewport)
