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
