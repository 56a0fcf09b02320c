from typing import NamedTuple

from django.db import models


class NationRegion(models.TextChoices):
    """The UK's nations and England's regions (ITL 1), as the public filters offer them."""

    NORTH_EAST = "north-east", "North East (England)"
    NORTH_WEST = "north-west", "North West (England)"
    YORKSHIRE = "yorkshire-humber", "Yorkshire and The Humber (England)"
    EAST_MIDLANDS = "east-midlands", "East Midlands (England)"
    WEST_MIDLANDS = "west-midlands", "West Midlands (England)"
    EAST = "east", "East of England"
    LONDON = "london", "London (England)"
    SOUTH_EAST = "south-east", "South East (England)"
    SOUTH_WEST = "south-west", "South West (England)"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
    UK_WIDE = "uk-wide", "UK-wide"
    OUTSIDE_UK = "outside-uk", "Outside the UK"


class OnsArea(NamedTuple):
    """A nation or region as the ONS Register of Geographic Codes names it."""

    code: str  # its ONS (GSS) geography code, such as E12000008
    name: str  # the ONS's name for it, without our "(England)"
    kind: str  # the ONS entity's abbreviation, 360Giving's Geographic Code Type; "" for none


# Every NationRegion but "outside the UK", which no ONS code covers. RGN is 360Giving's
# geoCodeType for an English region; CTRY is the ONS's own for a nation (360Giving's code list
# has none); the United Kingdom's code stands alone. The exports write these codes and the
# imports read them (imports/locations.py).
ONS_AREAS: dict[str, OnsArea] = {
    NationRegion.NORTH_EAST: OnsArea("E12000001", "North East", "RGN"),
    NationRegion.NORTH_WEST: OnsArea("E12000002", "North West", "RGN"),
    NationRegion.YORKSHIRE: OnsArea("E12000003", "Yorkshire and The Humber", "RGN"),
    NationRegion.EAST_MIDLANDS: OnsArea("E12000004", "East Midlands", "RGN"),
    NationRegion.WEST_MIDLANDS: OnsArea("E12000005", "West Midlands", "RGN"),
    NationRegion.EAST: OnsArea("E12000006", "East of England", "RGN"),
    NationRegion.LONDON: OnsArea("E12000007", "London", "RGN"),
    NationRegion.SOUTH_EAST: OnsArea("E12000008", "South East", "RGN"),
    NationRegion.SOUTH_WEST: OnsArea("E12000009", "South West", "RGN"),
    NationRegion.WALES: OnsArea("W92000004", "Wales", "CTRY"),
    NationRegion.SCOTLAND: OnsArea("S92000003", "Scotland", "CTRY"),
    NationRegion.NORTHERN_IRELAND: OnsArea("N92000002", "Northern Ireland", "CTRY"),
    NationRegion.UK_WIDE: OnsArea("K02000001", "United Kingdom", ""),
}
