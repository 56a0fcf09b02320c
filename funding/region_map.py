"""The amount awarded by the recipient's UK nation or English region, as a tile map.

One equal tile for each of the twelve ITL 1 regions (England's nine, Scotland, Wales and
Northern Ireland), set out roughly where each lies, so London and Northern Ireland are as
easy to see and to read as Scotland, which a true-to-shape map would let swamp them.

``by_region()`` adds up a set of awards in one query; ``funding.stats.figures()`` keeps its
answer with the explorer's other figures. ``region_map()`` lays the tiles out and shades
them; the template tag ``{% region_map %}`` (funding/templatetags/funding_maps.py) draws it
with every number in a table beside it, on the explorer or any page that has the figures.
Recipients that work UK-wide, outside the UK or whose region is not recorded have no tile:
the table counts them in rows of their own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from mmip.formatting import money
from mmip.regions import NationRegion

R = NationRegion


class RegionTotal(NamedTuple):
    count: int
    total: Decimal


# by_region()'s key for recipients with no nation or region recorded.
NOT_RECORDED = ""


def by_region(awards) -> dict[str, RegionTotal]:
    """{nation or region: (count, total)} of a set of awards by where each recipient is
    based: a NationRegion value, or NOT_RECORDED. Only the places that have awards are
    there. One query, grouping the awards by a column of the recipient the filter joins
    already (public_condition() asks whether it is public)."""
    rows = awards.totals_by("recipient__nation_region").values_list(
        "recipient__nation_region", "count", "total"
    )
    return {region: RegionTotal(count, total) for region, count, total in rows}


# Each tile's (column, row), like the common tile maps of the UK's regions: Scotland at the
# top, Northern Ireland and Wales to the west, London in the south-east corner.
LAYOUT = {
    R.SCOTLAND: (1, 0), R.NORTH_EAST: (2, 0),
    R.NORTHERN_IRELAND: (0, 1), R.NORTH_WEST: (1, 1), R.YORKSHIRE: (2, 1),
    R.WALES: (0, 2), R.WEST_MIDLANDS: (1, 2), R.EAST_MIDLANDS: (2, 2), R.EAST: (3, 2),
    R.SOUTH_WEST: (1, 3), R.SOUTH_EAST: (2, 3), R.LONDON: (3, 3),
}  # fmt: skip
# What a tile can hold: the choices' labels run to "Yorkshire and The Humber (England)".
SHORT_NAMES = {
    R.NORTH_EAST: "North East",
    R.NORTH_WEST: "North West",
    R.YORKSHIRE: "Yorkshire",
    R.EAST_MIDLANDS: "E Midlands",
    R.WEST_MIDLANDS: "W Midlands",
    R.EAST: "East",
    R.LONDON: "London",
    R.SOUTH_EAST: "South East",
    R.SOUTH_WEST: "South West",
    R.SCOTLAND: "Scotland",
    R.WALES: "Wales",
    R.NORTHERN_IRELAND: "N Ireland",
}
# The places with no tile, in the order the table lists them after the tiles' rows.
OFF_THE_MAP = (
    (R.UK_WIDE, "UK-wide"),
    (R.OUTSIDE_UK, "Outside the UK"),
    (NOT_RECORDED, "Not recorded"),
)

TILE_WIDTH = 132
TILE_HEIGHT = 84
GAP = 6
NAME_BASELINE = 34  # from a tile's top: the name, then the amount beneath
AMOUNT_BASELINE = 62
COLUMNS = 1 + max(column for column, _ in LAYOUT.values())
ROWS = 1 + max(row for _, row in LAYOUT.values())
WIDTH = COLUMNS * TILE_WIDTH + (COLUMNS - 1) * GAP
HEIGHT = ROWS * TILE_HEIGHT + (ROWS - 1) * GAP

# The shades, lightest (nothing) to darkest (the most), of one hue, so they differ in
# lightness and read in order with any colour vision. Each with the colour of the text
# on it, which has a contrast of at least 4.5:1 (WCAG 2.2 AA; tests/test_region_map.py
# checks it). The amount is always written on the tile and in the table: the shade only
# repeats it.
INK = "#14191f"
PAPER = "#ffffff"
SHADES = (
    (PAPER, INK),  # nothing
    ("#dcecec", INK),
    ("#8cc4c4", INK),
    ("#2b7a7b", PAPER),
    ("#0f3d4a", PAPER),
)
OUTLINE = "#4d5660"  # every tile's edge: 7:1 on white, so a pale tile still has a shape
STEPS = len(SHADES) - 1  # shades of an amount above nothing


@dataclass(frozen=True)
class Tile:
    region: str
    name: str  # in full, for the table: "Yorkshire and The Humber (England)"
    short_name: str  # what fits on the tile
    count: int
    total: Decimal
    amount: str  # the total as the tile writes it: "£1.5m"
    step: int  # 0 for nothing, else 1 to STEPS
    fill: str
    text: str  # the colour of the words on it
    x: int
    y: int
    middle: int  # where the words are centred
    name_y: int
    amount_y: int
    url: str  # the explorer filtered to the region, or "" for no link


@dataclass(frozen=True)
class OffTheMap:
    region: str
    name: str
    count: int
    total: Decimal
    url: str  # as a tile's


@dataclass(frozen=True)
class KeyStep:
    label: str
    fill: str
    empty: bool  # drawn with a dashed edge, like a tile with nothing


@dataclass(frozen=True)
class RegionMap:
    tiles: list[Tile]  # in the order of NationRegion, the table's
    off_the_map: list[OffTheMap]
    key: list[KeyStep]
    count: int  # every award of the figures, off the map too
    total: Decimal
    width: int = WIDTH
    height: int = HEIGHT
    tile_width: int = TILE_WIDTH
    tile_height: int = TILE_HEIGHT
    outline: str = OUTLINE


def compact_money(amount: Decimal) -> str:
    """An amount short enough for a tile at any scale: £250,000, £1.5m, £263.4m, £4bn. The
    table beside it gives every amount in full."""
    tenth = Decimal("0.1")
    billions = (amount / 10**9).quantize(tenth, ROUND_HALF_UP)
    if billions >= 1:  # from £950m, which would otherwise read £1000m
        return f"£{billions.normalize():f}bn"
    if amount >= 10**6:
        return f"£{(amount / 10**6).quantize(tenth, ROUND_HALF_UP).normalize():f}m"
    return money(amount)


def _round_to_two_figures(amount: Decimal) -> Decimal:
    """An edge between shades as a key can say it exactly: £1,234,567 -> £1,200,000. Never
    below a penny, the smallest amount an award can be."""
    exponent = amount.adjusted() - 1
    rounded = amount.scaleb(-exponent).quantize(Decimal(1), ROUND_HALF_UP).scaleb(exponent)
    return max(rounded.quantize(Decimal("0.01"), ROUND_HALF_UP), Decimal("0.01"))


def _edges(largest: Decimal) -> list[Decimal]:
    """The top of each shade but the last, in quarters of the largest total."""
    return [_round_to_two_figures(largest * step / STEPS) for step in range(1, STEPS)]


def _step(total: Decimal, edges: list[Decimal]) -> int:
    if total <= 0:
        return 0
    return 1 + sum(total > edge for edge in edges)


def _key(edges: list[Decimal], largest: Decimal) -> list[KeyStep]:
    nothing = KeyStep("Nothing", SHADES[0][0], empty=True)
    if largest <= 0:
        return [nothing]
    labels = [f"Up to {compact_money(edge)}" for edge in edges]
    labels.append(f"More than {compact_money(edges[-1])}")
    return [nothing] + [
        KeyStep(label, SHADES[step][0], empty=False) for step, label in enumerate(labels, 1)
    ]


def region_map(
    figures: Mapping[str, RegionTotal], *, links: Mapping[str, str] | None = None
) -> RegionMap:
    """The tiles of figures (by_region()'s answer, or any mapping of the same shape): every
    one of the twelve regions, £0 where it has nothing, shaded in STEPS steps of the largest;
    then the places with no tile. links, {region: address}, makes each tile and table row a
    link (NOT_RECORDED's row too, if it has one); a region it leaves out is not linked."""
    links = links or {}
    zero = RegionTotal(0, Decimal("0"))
    mapped = [region for region in NationRegion if region in LAYOUT]
    totals = {region: figures.get(region, zero) for region in mapped}
    largest = max((figure.total for figure in totals.values()), default=Decimal("0"))
    edges = _edges(largest) if largest > 0 else []
    tiles = []
    for region in mapped:
        count, total = totals[region]
        step = _step(total, edges)
        column, row = LAYOUT[region]
        fill, text = SHADES[step]
        x, y = column * (TILE_WIDTH + GAP), row * (TILE_HEIGHT + GAP)
        tiles.append(
            Tile(
                region=region.value,
                name=region.label,
                short_name=SHORT_NAMES[region],
                count=count,
                total=total,
                amount=compact_money(total),
                step=step,
                fill=fill,
                text=text,
                x=x,
                y=y,
                middle=x + TILE_WIDTH // 2,
                name_y=y + NAME_BASELINE,
                amount_y=y + AMOUNT_BASELINE,
                url=links.get(region.value, ""),
            )
        )
    # A value that is not a choice (a record older than the choices) is as good as unknown.
    unknown = [figure for region, figure in figures.items() if region not in NationRegion.values]
    off = {region: figures.get(region, zero) for region in (R.UK_WIDE, R.OUTSIDE_UK)}
    off[NOT_RECORDED] = RegionTotal(
        sum(figure.count for figure in unknown),
        sum((figure.total for figure in unknown), Decimal("0")),
    )
    off_the_map = [
        OffTheMap(region, name, *off[region], url=links.get(region, ""))
        for region, name in OFF_THE_MAP
    ]
    return RegionMap(
        tiles=tiles,
        off_the_map=off_the_map,
        key=_key(edges, largest),
        count=sum(figure.count for figure in figures.values()),
        total=sum((figure.total for figure in figures.values()), Decimal("0")),
    )
