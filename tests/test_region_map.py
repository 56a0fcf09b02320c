"""The explorer's map of the amount by the recipient's nation or region (funding/region_map.py):
its figures against answers worked out by hand, drafts left out; the tiles, their shades and
their key; the SVG as XML; the map and its table on the explorer, for the filter, in one query
that a repeat of the filter does not run again."""

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from funding.filters import AwardFilterSet
from funding.region_map import (
    LAYOUT,
    OUTLINE,
    SHADES,
    SHORT_NAMES,
    RegionTotal,
    by_region,
    compact_money,
    region_map,
)
from mmip.regions import NationRegion
from tests.factories import AwardFactory, OrganisationFactory
from tests.test_funding_explorer import explore
from tests.test_html_validity import validate

# ---------- The figures ----------


@pytest.fixture
def record():
    """Published awards to recipients in London (two), Wales, UK-wide, abroad and nowhere
    recorded, from a funder in Scotland; and three that are not public.

    | award | recipient            | amount     | awarded | public?                     |
    | L1    | London (England)     |  100,000   | 2019    | yes                         |
    | L2    | London (England)     |  250,000.50| 2021    | yes                         |
    | W1    | Wales                |   40,000   | 2021    | yes                         |
    | U1    | UK-wide              | 1,000,000  | 2018    | yes                         |
    | O1    | Outside the UK       |    5,000   | 2018    | yes                         |
    | N1    | (not recorded)       |    7,500   | 2018    | yes                         |
    | D1    | Wales                |  999,999   | 2021    | no: a draft                 |
    | D2    | North East (England) |      123   | 2021    | no: its recipient is a draft |
    | D3    | London (England)     |      555   | 2021    | no: its funder is a draft   |
    """
    funder = OrganisationFactory(slug="scottish-funder", nation_region="scotland")
    draft_funder = OrganisationFactory(nation_region="london", is_published=False)

    def recipient(region, **extra):
        return OrganisationFactory(nation_region=region, **extra)

    london, wales = recipient("london"), recipient("wales")

    def award(to, amount, year, **extra):
        extra.setdefault("funder", funder)
        return AwardFactory(
            recipient=to, amount=Decimal(amount), award_date=datetime.date(year, 1, 1), **extra
        )

    award(london, "100000", 2019)
    award(recipient("london"), "250000.50", 2021)
    award(wales, "40000", 2021)
    award(recipient("uk-wide"), "1000000", 2018)
    award(recipient("outside-uk"), "5000", 2018)
    award(recipient(""), "7500", 2018)
    award(wales, "999999", 2021, is_published=False)
    award(recipient("north-east", is_published=False), "123", 2021)
    award(london, "555", 2021, funder=draft_funder)


def public_awards(query: str = ""):
    return AwardFilterSet(QueryDict(query)).qs


@pytest.mark.django_db
def test_the_figures_add_up_public_awards_by_their_recipients_region(record):
    assert by_region(public_awards()) == {
        "london": RegionTotal(2, Decimal("350000.50")),
        "wales": RegionTotal(1, Decimal("40000.00")),
        "uk-wide": RegionTotal(1, Decimal("1000000.00")),
        "outside-uk": RegionTotal(1, Decimal("5000.00")),
        "": RegionTotal(1, Decimal("7500.00")),
    }


@pytest.mark.django_db
def test_the_figures_follow_the_filter(record):
    assert by_region(public_awards("year_from=2021")) == {
        "london": RegionTotal(1, Decimal("250000.50")),
        "wales": RegionTotal(1, Decimal("40000.00")),
    }
    assert by_region(public_awards("year_from=2030")) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_figures_cost_one_query_however_many_awards_and_regions(
    size, django_assert_num_queries
):
    regions = list(NationRegion.values)
    for number in range(size):
        AwardFactory(recipient=OrganisationFactory(nation_region=regions[number % len(regions)]))
    with django_assert_num_queries(1):  # the awards grouped by their recipient's region
        assert sum(figure.count for figure in by_region(public_awards()).values()) == size


# ---------- The tiles ----------


def test_every_region_has_a_tile_and_one_with_nothing_shows_0():
    layout = region_map({"london": RegionTotal(2, Decimal("350000.50"))})
    assert [tile.region for tile in layout.tiles] == [
        "north-east", "north-west", "yorkshire-humber", "east-midlands", "west-midlands",
        "east", "london", "south-east", "south-west", "scotland", "wales", "northern-ireland",
    ]  # fmt: skip
    tiles = {tile.region: tile for tile in layout.tiles}
    assert (tiles["london"].count, tiles["london"].total) == (2, Decimal("350000.50"))
    assert tiles["london"].amount == "£350,000.50"
    assert (tiles["wales"].count, tiles["wales"].total, tiles["wales"].amount) == (0, 0, "£0")
    assert tiles["wales"].step == 0 and tiles["wales"].fill == SHADES[0][0]


def test_the_tiles_are_shaded_in_quarters_of_the_largest_with_a_key_that_says_so():
    # The largest is £350,000.50: the shades change at a quarter (£87,500.13), a half
    # (£175,000.25) and three quarters (£262,500.38) of it, each rounded to two figures.
    layout = region_map(
        {
            "london": RegionTotal(2, Decimal("350000.50")),
            "wales": RegionTotal(1, Decimal("40000")),
            "scotland": RegionTotal(1, Decimal("88000")),  # on an edge: the lower shade
            "east": RegionTotal(1, Decimal("180000.01")),
            "north-east": RegionTotal(1, Decimal("262500")),
        }
    )
    steps = {tile.region: tile.step for tile in layout.tiles if tile.count}
    assert steps == {"london": 4, "wales": 1, "scotland": 1, "east": 3, "north-east": 4}
    assert [step.label for step in layout.key] == [
        "Nothing", "Up to £88,000", "Up to £180,000", "Up to £260,000", "More than £260,000",
    ]  # fmt: skip
    assert [step.fill for step in layout.key] == [fill for fill, _ in SHADES]


def test_with_nothing_on_the_map_every_tile_shows_0_and_the_key_says_nothing():
    layout = region_map({"uk-wide": RegionTotal(3, Decimal("900"))})
    assert {tile.amount for tile in layout.tiles} == {"£0"}
    assert [step.label for step in layout.key] == ["Nothing"]
    assert (layout.count, layout.total) == (3, Decimal("900"))


def test_uk_wide_abroad_and_unknown_recipients_are_counted_off_the_map():
    layout = region_map(
        {
            "london": RegionTotal(1, Decimal("10")),
            "uk-wide": RegionTotal(2, Decimal("20")),
            "": RegionTotal(3, Decimal("30")),
            "midlands": RegionTotal(4, Decimal("40")),  # not a choice: as good as unknown
        }
    )
    assert [(place.name, place.count, place.total) for place in layout.off_the_map] == [
        ("UK-wide", 2, Decimal("20")),
        ("Outside the UK", 0, Decimal("0")),
        ("Not recorded", 7, Decimal("70")),
    ]
    assert (layout.count, layout.total) == (10, Decimal("100"))
    assert sum(tile.total for tile in layout.tiles) == Decimal("10")


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", "£0"),
        ("7500", "£7,500"),
        ("250000.50", "£250,000.50"),
        ("999999.99", "£999,999.99"),
        ("1000000", "£1m"),
        ("1500000", "£1.5m"),
        ("10000000", "£10m"),
        ("263440000", "£263.4m"),
        ("949940000", "£949.9m"),
        ("950000000", "£1bn"),
        ("4000000000", "£4bn"),
        ("12345678901", "£12.3bn"),
    ],
)
def test_a_tile_writes_its_amount_short_enough_to_fit(amount, written):
    assert compact_money(Decimal(amount)) == written


def _luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted([_luminance(first), _luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_words_on_every_shade_meet_wcag_aa_and_the_shades_darken_in_order():
    for fill, text in SHADES:
        assert _contrast(fill, text) >= 4.5, fill
    # One hue, each shade darker than the last, so they read in order without colour vision.
    lightness = [_luminance(fill) for fill, _ in SHADES]
    assert lightness == sorted(lightness, reverse=True)
    assert all(lighter - darker > 0.03 for lighter, darker in itertools.pairwise(lightness))
    # A tile's edge stands out from the page (WCAG 1.4.11), so even a pale tile has a shape.
    assert _contrast(OUTLINE, "#ffffff") >= 3


def test_the_tiles_are_equal_and_none_overlaps_another():
    layout = region_map({})
    boxes = [(tile.x, tile.y) for tile in layout.tiles]
    assert len(set(boxes)) == 12 == len(LAYOUT)
    for x, y in boxes:
        assert x >= 0 and x + layout.tile_width <= layout.width
        assert y >= 0 and y + layout.tile_height <= layout.height
        others = [(ox, oy) for ox, oy in boxes if (ox, oy) != (x, y)]
        assert all(
            abs(ox - x) >= layout.tile_width or abs(oy - y) >= layout.tile_height
            for ox, oy in others
        )


# ---------- The SVG ----------

MAP = Template("{% load funding_maps %}{% region_map figures 'test-map' links=links %}")


def draw(figures, links=None) -> str:
    return MAP.render(Context({"figures": figures, "links": links}))


def svg_of(html: str) -> ET.Element:
    """The map's picture, parsed as XML: it must be well-formed to parse at all."""
    start = html.index('<svg class="region-map__svg"')
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


def test_the_svg_is_well_formed_xml_with_twelve_labelled_tiles():
    html = draw({"london": RegionTotal(2, Decimal("1500000")), "": RegionTotal(1, Decimal("5"))})
    svg = svg_of(html)
    assert svg.get("aria-hidden") == "true"  # the table beside it is what is read out
    tiles = [g for g in svg.iter("g") if g.get("class") == "region-map__tile"]
    assert len(tiles) == 12
    labels = {tile.get("data-region"): [text.text for text in tile.iter("text")] for tile in tiles}
    assert labels["london"] == ["London", "£1.5m"]
    assert labels["wales"] == ["Wales", "£0"]
    assert {names[0] for names in labels.values()} == set(SHORT_NAMES.values())
    titles = {tile.get("data-region"): tile.find("title").text for tile in tiles}
    assert titles["london"] == "London (England): 2 awards, £1,500,000"
    assert titles["northern-ireland"] == "Northern Ireland: 0 awards, £0"
    nothing = [tile.find("rect") for tile in tiles if tile.get("data-region") != "london"]
    assert all(rect.get("stroke-dasharray") for rect in nothing)  # an empty tile is dashed


def test_the_table_beside_it_holds_every_number():
    html = draw({"london": RegionTotal(2, Decimal("1500000")), "": RegionTotal(1, Decimal("5"))})
    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td class="numeric">([^<]*)</td>'
        r'<td class="numeric">([^<]*)</td></tr>',
        html,
    )
    assert len(rows) == 12 + 3 + 1
    assert ("London (England)", "2", "£1,500,000") in rows
    assert ("Scotland", "0", "£0") in rows
    assert rows[-4:] == [
        ("UK-wide", "0", "£0"),
        ("Outside the UK", "0", "£0"),
        ("Not recorded", "1", "£5"),
        ("All recipients", "3", "£1,500,005"),
    ]
    assert "Not on the map" in html


def test_a_page_that_can_filter_by_region_links_each_tile_and_row():
    links = {"wales": "/funding/?region=wales", "uk-wide": "/funding/?region=uk-wide"}
    html = draw({"wales": RegionTotal(1, Decimal("9"))}, links=links)
    assert '<th scope="row"><a href="/funding/?region=wales">Wales</a></th>' in html
    assert '<th scope="row"><a href="/funding/?region=uk-wide">UK-wide</a></th>' in html
    svg = svg_of(html)
    (link,) = list(svg.iter("a"))
    assert link.get("href") == "/funding/?region=wales"
    assert link.get("tabindex") == "-1"  # the row's link is the one in the tab order
    assert link.find("g").get("data-region") == "wales"
    assert html.count("<a ") == 3


def test_without_links_nothing_links():
    assert "<a " not in draw({"wales": RegionTotal(1, Decimal("9"))})


def test_the_map_with_links_is_valid_html(tmp_path):
    """The explorer's own map is checked with the page (tests/test_html_validity.py); the map
    with links is on no page yet."""
    html = draw({"wales": RegionTotal(1, Decimal("9"))}, links={"wales": "/funding/?region=wales"})
    document = f"<!DOCTYPE html><html lang=en><title>Map</title><main>{html}</main></html>"
    assert validate({"map": document}, tmp_path) == {"map": []}


# ---------- On the explorer ----------


def map_rows(response) -> list[tuple[str, str, str]]:
    content = response.content.decode()
    start = content.index('id="by-region-caption"')
    table = content[start : content.index("</table>", start)]
    return re.findall(
        r'<th scope="row">(?:<a href="[^"]*">)?([^<]*)(?:</a>)?</th><td class="numeric">([^<]*)</td>'
        r'<td class="numeric">([^<]*)</td>',
        table,
    )


@pytest.mark.django_db
def test_the_explorer_maps_the_public_awards_by_region(client, record):
    rows = map_rows(explore(client))
    assert ("London (England)", "2", "£350,000.50") in rows
    assert ("Wales", "1", "£40,000") in rows  # not the draft's £999,999
    assert ("North East (England)", "0", "£0") in rows  # its one recipient is a draft
    assert ("Scotland", "0", "£0") in rows  # where the funder is: the map is of recipients
    assert rows[-4:] == [
        ("UK-wide", "1", "£1,000,000"),
        ("Outside the UK", "1", "£5,000"),
        ("Not recorded", "1", "£7,500"),
        ("All recipients", "6", "£1,402,500.50"),
    ]


@pytest.mark.django_db
def test_the_explorer_maps_only_the_awards_the_filter_chooses(client, record):
    rows = map_rows(explore(client, {"year_from": "2021"}))
    assert ("London (England)", "1", "£250,000.50") in rows
    assert rows[-1] == ("All recipients", "2", "£290,000.50")
    # Each region links to the same filter with that region chosen in place of any region
    # chosen or left out, from the first page.
    content = explore(client, {"year_from": "2021", "region_not": "wales", "page": "2"})
    assert '<a href="/funding/?year_from=2021&amp;region=london">' in content.content.decode()


@pytest.mark.django_db
def test_no_awards_no_map(client, record):
    assert 'id="by-region-caption"' not in explore(client, {"q": "unicorn"}).content.decode()


@pytest.mark.django_db
def test_the_map_is_one_query_and_a_repeat_of_the_filter_runs_none(client, record, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 60

    def region_queries(params):
        with CaptureQueriesContext(connection) as queries:
            explore(client, params)
        # The one that groups by it: the page of awards reads its recipients' regions too.
        grouping = 'AS "recipient__nation_region", COUNT(*)'
        return [query for query in queries.captured_queries if grouping in query["sql"]]

    assert len(region_queries({"year_from": "2019"})) == 1
    assert region_queries({"year_from": "2019", "sort": "amount", "page": "1"}) == []
