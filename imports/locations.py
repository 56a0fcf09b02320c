"""An organisation's UK nation or region (mmip.regions.NationRegion) from what a 360Giving
file says of where it is: a geographic code, a postcode, or a country; and the one where a
grant's beneficiaries are, from their locations.

Only where the answer is certain. A postcode area that crosses a border (CH runs from
Chester into Wales, TD from the Borders to Berwick, DE from Derby into Staffordshire) says
nothing, and neither does a code for England as a whole: the organisation is left without
a region rather than put in the wrong one.
"""

import re

from mmip.regions import ONS_AREAS
from mmip.regions import NationRegion as R

# The ONS codes of the English regions and the nations (mmip.regions.ONS_AREAS). The United
# Kingdom's own code places an organisation nowhere in particular, so it is not read.
_REGION_CODES = {area.code: region for region, area in ONS_AREAS.items() if region != R.UK_WIDE}
# Any ONS code of an area in Scotland, Wales or Northern Ireland starts with its letter; a
# London borough's (E09) is in London.
_CODE_PREFIXES = {"S": R.SCOTLAND, "W": R.WALES, "N": R.NORTHERN_IRELAND, "E09": R.LONDON}

# Postcode areas wholly within one nation or region. Areas that cross a boundary are left
# out on purpose (see the module's docstring): CA, CH, CV, CW, DE, DL, DN, EN, GL, HP, HR,
# IG, KT, LA, LD, LU, MK, NN, NP, OL, OX, PE, RM, S, SK, SN, SP, ST, SY, TD, TS, TW, UB, WR
# and the other outer London areas among them.
_POSTCODE_AREAS = {
    R.NORTH_EAST: "NE SR DH",
    R.NORTH_WEST: "M BL WN WA L PR BB FY",
    R.YORKSHIRE: "LS BD HX HD HG WF HU YO",
    R.EAST_MIDLANDS: "NG LE LN",
    R.WEST_MIDLANDS: "B DY WS WV TF",
    R.EAST: "CB CM CO IP NR SG SS AL",
    R.LONDON: "E EC N NW SE SW W WC",
    R.SOUTH_EAST: "BN CT GU ME PO RG RH SL SO TN",
    R.SOUTH_WEST: "BA BS DT EX PL TA TQ TR",
    R.WALES: "CF SA LL",
    R.SCOTLAND: "AB DD DG EH FK G HS IV KA KW KY ML PA PH ZE",
    R.NORTHERN_IRELAND: "BT",
}
_AREA_REGION = {area: region for region, areas in _POSTCODE_AREAS.items() for area in areas.split()}
# A full postcode or an outward code alone: the area is its leading letters.
_POSTCODE = re.compile(r"^([A-Z]{1,2})[0-9][0-9A-Z]?(\s*[0-9][A-Z]{2})?$")

_NATIONS = {
    "scotland": R.SCOTLAND,
    "wales": R.WALES,
    "cymru": R.WALES,
    "northern ireland": R.NORTHERN_IRELAND,
}


def from_code(code: str) -> str:
    code = code.strip().upper()
    if code in _REGION_CODES:
        return _REGION_CODES[code]
    if re.fullmatch(r"[EWSN][0-9]{8}", code):
        for prefix, region in _CODE_PREFIXES.items():
            if code.startswith(prefix):
                return region
    return ""


def from_postcode(postcode: str) -> str:
    found = _POSTCODE.match(postcode.strip().upper())
    return _AREA_REGION.get(found.group(1), "") if found else ""


def from_country(country: str) -> str:
    return _NATIONS.get(country.strip().lower(), "")


def region_of(organisation: dict) -> str:
    """The nation or region a 360Giving organisation object places it in, or "". A
    geographic code of its location says most, then its postcode, then its country; a
    country code other than GB puts it outside the UK."""
    locations = organisation.get("location")
    for location in locations if isinstance(locations, list) else []:
        if not isinstance(location, dict):
            continue
        code = location.get("geoCode")
        if isinstance(code, str) and (region := from_code(code)):
            return region
        country = location.get("countryCode")
        if isinstance(country, str) and country.strip() and country.strip().upper() != "GB":
            return R.OUTSIDE_UK
    postcode = organisation.get("postalCode")
    if isinstance(postcode, str) and (region := from_postcode(postcode)):
        return region
    country = organisation.get("addressCountry")
    if isinstance(country, str):
        return from_country(country)
    return ""


def beneficiary_region(locations) -> str:
    """The one nation or region a grant's beneficiary locations place it in, or "": where
    they name several, or one that cannot be placed for certain, the record's one field
    cannot say. The United Kingdom's own code means the whole of it."""
    found = set()
    for location in locations if isinstance(locations, list) else []:
        if not isinstance(location, dict):
            continue
        code = location.get("geoCode")
        if isinstance(code, str) and code.strip().upper() == ONS_AREAS[R.UK_WIDE].code:
            found.add(R.UK_WIDE)
        else:
            found.add(region_of({"location": [location]}))
    return found.pop() if len(found) == 1 else ""
