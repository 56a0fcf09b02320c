"""360Giving files written for the tests, with the quirks real funders' files have: several
funders and programmes, a few hundred grants, dates with times and zones, charity and
company numbers, postcodes, columns the record does not keep, and a publisher's own
organisation identifiers (360G-…) beside org-ids.

Everything here is invented: the names, numbers and identifiers belong to nobody.
"""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl

FUNDERS = [
    {"id": "GB-GOR-PB9001", "name": "Medicines Innovation Agency", "prefix": "360G-MIA"},
    {"id": "GB-CHC-1190001", "name": "Northern Bioprocessing Trust", "prefix": "360G-NBT"},
    {"id": "GB-COH-09990001", "name": "Cell Therapy Ventures Foundation", "prefix": "360G-CTVF"},
]
PROGRAMMES = ["Manufacturing Futures", "Skills for Bioprocessing", "Small Grants"]
RECIPIENTS = [
    # (identifier, name, extra fields of the organisation)
    (
        "GB-CHC-1170001",
        "Teesside Skills Charity",
        {"charityNumber": "1170001", "postalCode": "SR1 1AA"},
    ),
    (
        "GB-COH-08880001",
        "Clyde Biologics Ltd",
        {"companyNumber": "8880001", "postalCode": "G2 1AA"},
    ),
    (
        "GB-SC-SC055501",
        "Lothian Cell Research",
        {"charityNumber": "SC055501", "postalCode": "EH8 9YL"},
    ),
    (
        "360G-MIA-ORG-77",
        "Severn Vaccine Works",
        {"companyNumber": "SC123456", "postalCode": "CF10 3AT"},
    ),
    (
        "GB-EDU-190001",
        "Midlands Technical College",
        {"location": [{"geoCode": "E12000005", "geoCodeType": "RGN"}]},
    ),
    ("360G-NBT-ORG-12", "Kent Fill-Finish Co-operative", {"postalCode": "CT1 2AA"}),
    ("XI-ROR-01abcd234", "Belfast Institute of Pharmacy", {"location": [{"geoCode": "N92000002"}]}),
    (
        "GB-COH-07770001",
        "Peak District Reagents Ltd",
        {"companyNumber": "07770001", "postalCode": "SK17 6AA"},
    ),
]
# Award dates as funders' systems write them: plain dates, midnight in UTC for a UK date in
# summer (the day before, at 23:00), and offsets.
DATE_FORMS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.isoformat()}T00:00:00{'+01:00' if _summer(d) else '+00:00'}",
    lambda d: f"{(d - datetime.timedelta(days=1)).isoformat()}T23:00:00Z",
    lambda d: f"{d.isoformat()}T10:30:00.000Z",
]


def grant(n: int, **changes) -> dict:
    """The n-th grant of the realistic file: funders, programmes and recipients in turn."""
    funder = FUNDERS[n % len(FUNDERS)]
    identifier, name, extra = RECIPIENTS[n % len(RECIPIENTS)]
    day = datetime.date(2019, 1, 1) + datetime.timedelta(days=(n * 37) % 1400)
    # Only a summer day's midnight in UTC is the day before at 23:00.
    form = DATE_FORMS[n % len(DATE_FORMS)]
    if form is DATE_FORMS[2] and not _summer(day):
        form = DATE_FORMS[0]
    found = {
        "id": f"{funder['prefix']}-{1000 + n}",
        "title": f"Grant {n} for {name}",
        "description": f"Support for project {n}: bioprocessing capability at {name}.",
        "currency": "GBP",
        "amountAwarded": Decimal(5000 + (n * 1234) % 200000) + Decimal("0.50") * (n % 2),
        "awardDate": form(day),
        "recipientOrganization": [{"id": identifier, "name": name, **extra}],
        "fundingOrganization": [{"id": funder["id"], "name": funder["name"]}],
        "grantProgramme": [
            {"code": f"P{n // 3 % 3}", "title": PROGRAMMES[n // 3 % len(PROGRAMMES)]}
        ],
        "plannedDates": [{"startDate": day.isoformat(), "duration": 12}],
        "beneficiaryLocation": [{"name": "England", "countryCode": "GB"}],
        "dateModified": "2024-01-31T09:00:00+00:00",
        "dataSource": "https://grants.example.org/data/2024.json",
    }
    found.update(changes)
    return found


def _summer(day: datetime.date) -> bool:
    """Well inside British Summer Time (the last Sunday of March to the last of October)."""
    return datetime.date(day.year, 4, 1) <= day <= datetime.date(day.year, 10, 20)


def package(grants: list[dict], **metadata) -> dict:
    return {
        "version": "1.4",
        "title": "Medicines Innovation grants",
        "description": "Grants made by three invented funders, for the tests.",
        "issued": "2024-02-01",
        "publisher": {"name": "Medicines Innovation Agency", "identifier": "GB-GOR-PB9001"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "downloadURL": "https://grants.example.org/data/2024.json",
        "grants": grants,
        **metadata,
    }


def realistic_package(count: int = 300, **metadata) -> dict:
    return package([grant(n) for n in range(count)], **metadata)


def dumps(content) -> bytes:
    return json.dumps(content, default=_plain, ensure_ascii=False, indent=1).encode()


def _plain(value):
    if isinstance(value, Decimal):
        # A JSON number: pounds and pence are exact in a float's shortest form (5000.5).
        return int(value) if value == value.to_integral() else float(value)
    raise TypeError(value)


def write_json(directory: Path, content, name: str = "grants.json") -> Path:
    path = directory / name
    path.write_bytes(content if isinstance(content, bytes) else dumps(content))
    return path


# 360Giving's spreadsheet layout: its own column titles, one row per grant.
COLUMNS = [
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Charity Number", ("recipientOrganization", 0, "charityNumber")),
    ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    ("Recipient Org:Postal Code", ("recipientOrganization", 0, "postalCode")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Data Source", ("dataSource",)),
    # A column of the funder's own that the standard does not have.
    ("Internal Panel", ("_panel",)),
]


def rows(grants: list[dict]) -> list[list]:
    return [[_at(g, path) for _, path in COLUMNS] for g in grants]


def _at(value, path):
    for part in path:
        if part == "_panel":
            return "Panel B"
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return ""
    return str(value) if isinstance(value, Decimal) else value


def csv_text(grants: list[dict], header: list[str] | None = None, values=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header or [title for title, _ in COLUMNS])
    writer.writerows(values if values is not None else rows(grants))
    return out.getvalue()


def write_csv(
    directory: Path, grants: list[dict], name="grants.csv", encoding="utf-8", **kwargs
) -> Path:
    path = directory / name
    path.write_bytes(csv_text(grants, **kwargs).encode(encoding))
    return path


def write_xlsx(directory: Path, grants: list[dict], name="grants.xlsx", notes_sheet=True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if notes_sheet:
        # Funders' workbooks often lead with a sheet about the data, which is not grants.
        sheet.title = "About"
        sheet.append(["Published by the Medicines Innovation Agency under CC BY 4.0"])
        sheet = workbook.create_sheet("Grants")
    else:
        sheet.title = "Grants"
    sheet.append([title for title, _ in COLUMNS])
    for row in rows(grants):
        sheet.append([_excel(value) for value in row])
    path = directory / name
    workbook.save(path)
    return path


def _excel(value):
    """Numbers as numbers and plain dates as date cells, as a funder's Excel holds them."""
    if isinstance(value, str):
        try:
            return datetime.datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            pass
        try:
            return float(value) if value.replace(".", "", 1).isdigit() else value
        except ValueError:
            return value
    return value
