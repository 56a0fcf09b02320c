"""The 360Giving data package as an Excel workbook in 360Giving's own spreadsheet layout,
made by flattentool (360Giving's converter) from our 360Giving JSON with the standard's
schema kept in the repository, so it works offline.

flattentool's own flatten() holds every grant it has read (in a ZODB store and its column
lists) until it writes the workbook at the end: its memory grew from 84 MB at 10,000 grants
to 250 MB at 100,000. So the grants are flattened a thousand at a time by flattentool's
JSONParser, and each thousand's rows are appended to a workbook streamed as it is written
(workbook.py). The layout is fixed before the first row, as a sheet's headings must come
first: the columns flattentool makes of a specimen grant holding every field the export
writes, in the schema's order, under the standard's titles ("Recipient Org:Identifier").

One flattentool limit is worked round: it can "roll up" a funder or recipient into the main
sheet's columns only when the organisation holds plain values, and refuses one with a
location list. So each thousand is flattened twice: the grants without their parties'
locations (rolled up), then the parties' locations alone (into their own sheets, such as
Rec_Location, joined to the grant and the organisation by their identifiers, as the
standard's template has them).
"""

import functools
import json
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from flattentool.json_input import JSONParser
from flattentool.schema import SchemaParser

from funding.exports.giving360 import NothingToExport, grant_lines, package_metadata
from funding.exports.workbook import StreamedWorkbook
from mmip.standards import GRANT_SCHEMA, PACKAGE_SCHEMA

GRANTS_SHEET = "grants"
META_SHEET = "Meta"
XLSX_CHUNK = 1000
_PARTIES = ("fundingOrganization", "recipientOrganization", "routedThrough")

# A grant with every field the 360Giving export writes (giving360._grant), each list with
# the one item the export gives it (two classifications, as an award may have several
# workstreams): the workbook's columns are those flattentool makes of it. The test that
# flattens a fully filled award checks that this stays so.
_LOCATION = {"name": "-", "geoCode": "-", "geoCodeType": "-", "countryCode": "GB"}
_PARTY = {
    "id": "-",
    "name": "-",
    "companyNumber": "-",
    "charityNumber": "-",
    "location": [_LOCATION],
}
SPECIMEN = {
    "id": "-",
    "title": "-",
    "description": "-",
    "currency": "GBP",
    "amountAwarded": 1,
    "awardDate": "-",
    "awardDatePrecision": "-",
    "fundingOrganization": [_PARTY],
    "recipientOrganization": [_PARTY],
    "routedThrough": [_PARTY],
    "beneficiaryLocation": [_LOCATION],
    "grantProgramme": [{"code": "-", "title": "-", "url": "-"}],
    "plannedDates": [{"startDate": "-", "endDate": "-", "duration": 1}],
    "classifications": [{"vocabulary": "-", "code": "-", "title": "-"}] * 2,
    "relatedActivity": ["-"],
    "dataSource": "-",
    "dateModified": "-",
    "url": "-",
}


class LayoutError(Exception):
    """A grant held a field the workbook has no column for: SPECIMEN is missing it."""


@dataclass(frozen=True)
class Sheet:
    name: str  # flattentool's name for it, and the worksheet's title
    headings: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    sheets: tuple[Sheet, ...]
    # flattentool's sheets left out, as the main sheet holds all they would (see layout()).
    repeated: frozenset[str]


@functools.cache
def _schema_parser() -> SchemaParser:
    parser = SchemaParser(
        schema_filename=str(GRANT_SCHEMA), rollup=True, root_id="", use_titles=True
    )
    with warnings.catch_warnings():
        # It notes the standard's transaction fields, which have no titles; we write none.
        warnings.simplefilter("ignore")
        parser.parse()
    return parser


def _parsed(grants: list[dict], *, rollup: bool, in_order: bool) -> dict[str, tuple[list, list]]:
    """flattentool's sheets of the grants: {name: (headings, rows as dicts by heading)}, the
    sheets with rows only. Held in memory: a thousand grants at a time. ``in_order`` gives
    every heading the schema has, in its order; without, only those the grants fill, which
    flattentool finds a quarter faster (it looks each new value's heading up in the list)."""
    with JSONParser(
        root_json_dict={GRANTS_SHEET: grants},
        root_list_path=GRANTS_SHEET,
        schema_parser=_schema_parser(),
        rollup=rollup,
        use_titles=True,
        root_id="",
        remove_empty_schema_columns=not in_order,
    ) as parser:
        sheets = {GRANTS_SHEET: parser.main_sheet, **parser.sub_sheets}
        found = {name: (list(sheet), list(sheet.lines)) for name, sheet in sheets.items()}
    return {name: found[name] for name in found if found[name][1]}


def _without_locations(grant: dict) -> dict:
    grant = dict(grant)
    for party in _PARTIES:
        if party in grant:
            grant[party] = [
                {key: value for key, value in org.items() if key != "location"}
                for org in grant[party]
            ]
    return grant


def _locations_only(grant: dict) -> dict:
    return {
        "id": grant["id"],
        **{
            party: [{"id": org["id"], "location": org["location"]} for org in grant[party]]
            for party in _PARTIES
            if any("location" in org for org in grant.get(party, []))
        },
    }


def flattened(grants: list[dict], *, in_order: bool = False) -> dict[str, tuple[list, list]]:
    """The grants as flattentool's sheets: rolled up without the parties' locations, then
    the locations' own sheets (see the module's docstring)."""
    sheets = _parsed(
        [_without_locations(grant) for grant in grants], rollup=True, in_order=in_order
    )
    locations = _parsed(
        [_locations_only(grant) for grant in grants], rollup=False, in_order=in_order
    )
    return {**sheets, **{name: found for name, found in locations.items() if name not in sheets}}


@functools.cache
def layout() -> Layout:
    """The workbook's sheets and headings: the main sheet, then the others in the order
    flattentool writes them (by name). A sheet whose every column is also rolled up into the
    main sheet (a grant's one recipient, its one programme) would only repeat it, so it is
    left out; its columns stay on the main sheet."""
    used = {
        name: [heading for heading in headings if any(row.get(heading) for row in rows)]
        for name, (headings, rows) in flattened([SPECIMEN], in_order=True).items()
    }
    main = used.pop(GRANTS_SHEET)
    kept = sorted(name for name in used if set(used[name]) - set(main))
    return Layout(
        sheets=(
            Sheet(GRANTS_SHEET, tuple(main)),
            *(Sheet(name, tuple(used[name])) for name in kept),
        ),
        repeated=frozenset(used) - set(kept),
    )


def _values(headings: tuple[str, ...], row: dict) -> list:
    if unknown := row.keys() - headings:
        raise LayoutError(f"No column for {sorted(unknown)}: add them to SPECIMEN.")
    return [row.get(heading) for heading in headings]


@functools.cache
def _meta_titles() -> dict[str, str]:
    """The package schema's titles of its own fields ("Publisher:Name"), by path."""
    package = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    package["properties"].pop("grants")
    package["required"] = []
    parser = SchemaParser(root_schema_dict=package, use_titles=True)
    parser.parse()
    return dict(parser.main_sheet.titles)


def meta_rows(metadata: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    """The package's metadata as the rows of a vertical Meta sheet (a title, its value),
    as flattentool's unflatten reads one (metatab_vertical_orientation)."""
    for key, value in metadata.items():
        path = prefix + key
        if isinstance(value, dict):
            yield from meta_rows(value, path + "/")
        else:
            yield _meta_titles().get(path, path), value


def _grants(lines: Iterable[str], size: int) -> Iterator[list[dict]]:
    lines = iter(lines)
    while batch := list(islice(lines, size)):
        # Decimals, as flattentool takes no floats.
        yield [json.loads(line, parse_float=Decimal) for line in batch]


def awards_xlsx(
    awards, *, site_url: str = "", issued=None, chunk_size: int = XLSX_CHUNK
) -> Iterator[bytes]:
    """The awards' 360Giving package as an .xlsx workbook, streamed as it is written: the
    grants sheet, the sheets of what a grant may have several of, then a Meta sheet of the
    package's own fields (title, publisher, licence), laid out as flattentool's unflatten
    reads one. Raises NothingToExport straight away when there are no awards, as a 360Giving
    package holds at least one grant. Two queries: whether there are any, then the grants."""
    if not awards.exists():
        raise NothingToExport("No awards match this filter, so there is no 360Giving file.")
    return _workbook(awards, site_url, package_metadata(site_url, issued), chunk_size)


def _workbook(awards, site_url: str, metadata: dict, chunk_size: int) -> Iterator[bytes]:
    plan = layout()
    book = StreamedWorkbook([*((s.name, s.headings) for s in plan.sheets), (META_SHEET, ())])
    try:
        headings = {sheet.name: sheet.headings for sheet in plan.sheets}
        lines = grant_lines(awards, site_url=site_url, chunk_size=chunk_size)
        for grants in _grants(lines, chunk_size):
            for name, (_, rows) in flattened(grants).items():
                if name in plan.repeated:
                    continue
                if name not in headings:
                    raise LayoutError(f"No sheet for {name}: add its field to SPECIMEN.")
                book.append(name, (_values(headings[name], row) for row in rows))
            yield book.take()
        book.append(META_SHEET, meta_rows(metadata))
        yield from book.finish()
    finally:
        book.close()
