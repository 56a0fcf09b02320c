"""Reading a funder's 360Giving file: a JSON data package streamed, never loaded whole; CSV
and Excel in 360Giving's spreadsheet layout through flattentool, with each value's row and
column; and every file that cannot be read refused with a message in plain words."""

import io
import json
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from imports.reading import FileRefused, open_grant_file
from tests import giving_files as gf


def refusal(path, name=None) -> str:
    with pytest.raises(FileRefused) as refused:
        open_grant_file(path, name or path.name)
    return str(refused.value)


# JSON -------------------------------------------------------------------------------------


def test_a_package_gives_its_own_fields_and_every_grants_identifier_before_the_grants(tmp_path):
    path = gf.write_json(tmp_path, gf.realistic_package(300))
    grant_file = open_grant_file(path, "grants.json")

    assert grant_file.format == "json"
    assert grant_file.count == 300
    assert grant_file.identifiers[:2] == ["360G-MIA-1000", "360G-NBT-1001"]
    assert grant_file.metadata["title"] == "Medicines Innovation grants"
    assert grant_file.metadata["publisher"] == {
        "name": "Medicines Innovation Agency",
        "identifier": "GB-GOR-PB9001",
    }
    assert len(grant_file.sha256) == 64
    grants = list(grant_file.grants())
    assert [g["id"] for g in grants] == grant_file.identifiers
    assert str(grants[1]["amountAwarded"]) == "6234.5"  # a decimal, never a float
    assert str(grant_file.locate(14, ("amountAwarded",))) == "grant 15 in the file"


def test_the_package_fields_may_come_after_the_grants(tmp_path):
    content = gf.realistic_package(3)
    reordered = {"grants": content.pop("grants"), **content}
    grant_file = open_grant_file(gf.write_json(tmp_path, reordered), "grants.json")

    assert grant_file.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert grant_file.count == 3


def test_a_byte_order_mark_before_the_json_is_passed_over(tmp_path):
    path = gf.write_json(tmp_path, b"\xef\xbb\xbf" + gf.dumps(gf.realistic_package(2)))
    assert len(list(open_grant_file(path, "grants.json").grants())) == 2


def test_a_large_package_is_read_in_little_memory(tmp_path):
    path = gf.write_json(tmp_path, gf.realistic_package(12000))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        grant_file = open_grant_file(path, "grants.json")
        total = sum(grant["amountAwarded"] for grant in grant_file.grants())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert total > 0
    # The identifiers are kept (a few hundred kilobytes), and the checksum is read a megabyte
    # at a time; the grants, which would take several times the file's size as Python
    # objects, are never all in memory at once.
    assert peak < size / 4, (peak, size)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            b"Identifier,Title\r\n360G-X-1,A grant\r\n",
            "The file is not JSON: it begins “Identifier,Title”",
        ),
        (b'{"grants": [{"id": "360G-X-1", "title": "Cut sh', "ends part-way through its JSON"),
        (b'{"grants": [}', "The file is not valid JSON"),
        (b'{"title": "Our grants", "items": []}', "it has no list of grants"),
        (b'[{"id": "360G-X-1"}]', "a package is an object with a list of grants"),
        (b'{"grants": []}', "The package holds no grants"),
        (b'{"grants": {"id": "360G-X-1"}}', "“grants” is not a list"),
        ('{"grants": [{"title": "£5"}]}'.encode("cp1252"), "not valid JSON"),
        (b"", "The file is empty"),
    ],
    ids=[
        "not-json",
        "truncated",
        "broken",
        "not-360giving",
        "a-list",
        "empty-package",
        "grants-not-a-list",
        "not-utf8",
        "empty-file",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(tmp_path, content, words):
    assert words in refusal(gf.write_json(tmp_path, content))


def test_a_file_over_the_size_limit_set_for_the_site_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_MEGABYTES = 1
    path = gf.write_json(tmp_path, gf.realistic_package(2000))
    assert path.stat().st_size > 1024 * 1024

    assert "this site imports files of up to 1 MB" in refusal(path)


def test_a_zip_that_is_not_a_workbook_or_a_binary_file_is_refused(tmp_path):
    archive = tmp_path / "grants.json"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("grants.json", "{}")
    assert "is a zip archive" in refusal(archive)
    binary = tmp_path / "grants.dat"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    assert "neither JSON, CSV nor an Excel workbook" in refusal(binary)
    fake = tmp_path / "grants.xlsx"
    fake.write_text("Identifier,Title\n")
    assert "is not one" in refusal(fake)


# CSV --------------------------------------------------------------------------------------


def test_a_csv_in_360givings_layout_becomes_grants_with_rows_and_columns(tmp_path):
    grants = [gf.grant(n) for n in range(3)]
    grant_file = open_grant_file(gf.write_csv(tmp_path, grants), "grants.csv")

    assert grant_file.format == "csv"
    assert grant_file.identifiers == [g["id"] for g in grants]
    read = list(grant_file.grants())
    assert read[0]["recipientOrganization"][0]["charityNumber"] == "1170001"
    assert read[0]["Internal Panel"] == "Panel B"  # kept, to be listed as a field not kept
    assert str(grant_file.locate(2, ("amountAwarded",))) == "row 4, column E (Amount Awarded)"
    assert str(grant_file.locate(0, ("fundingOrganization", 0, "id"))) == (
        "row 2, column L (Funding Org:Identifier)"
    )


def test_a_windows_1252_csv_is_read_with_a_note(tmp_path):
    grants = [gf.grant(0, title="Café bioprocessing: £5,000 for pipettes")]
    grant_file = open_grant_file(gf.write_csv(tmp_path, grants, encoding="cp1252"), "grants.csv")

    assert next(grant_file.grants())["title"] == "Café bioprocessing: £5,000 for pipettes"
    assert any("read as Windows-1252" in note for note in grant_file.notes)


def test_a_csv_with_a_byte_order_mark_keeps_its_first_column(tmp_path):
    path = gf.write_csv(tmp_path, [gf.grant(0)], encoding="utf-8-sig")
    grant_file = open_grant_file(path, "grants.csv")

    assert grant_file.identifiers == ["360G-MIA-1000"]
    assert grant_file.notes == []


def test_a_csv_over_the_spreadsheet_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.IMPORT_MAX_SPREADSHEET_MEGABYTES = 1
    path = gf.write_csv(tmp_path, gf.realistic_package(4000)["grants"])
    assert 1024 * 1024 < path.stat().st_size < settings.IMPORT_MAX_MEGABYTES * 1024 * 1024

    started = time.perf_counter()
    message = refusal(path)

    assert "this site reads spreadsheets of up to 1 MB, as a spreadsheet is read whole" in message
    assert "as a 360Giving JSON file, which is read as a stream" in message
    # Refused on its size: flattentool would take seconds to read 4,000 grants.
    assert time.perf_counter() - started < 1


def test_a_csv_of_no_grants_is_refused(tmp_path):
    assert "has no grants" in refusal(gf.write_csv(tmp_path, []))


# Excel ------------------------------------------------------------------------------------


def test_a_workbook_gives_the_grants_of_its_grant_sheet_only(tmp_path):
    grants = [gf.grant(n) for n in range(4)]
    grant_file = open_grant_file(gf.write_xlsx(tmp_path, grants), "grants.xlsx")

    assert grant_file.format == "xlsx"
    assert grant_file.identifiers == [g["id"] for g in grants]
    first = next(grant_file.grants())
    assert first["recipientOrganization"][0]["name"] == "Teesside Skills Charity"
    assert str(grant_file.locate(1, ("title",))) == "row 3, column B (Title)"


def test_a_workbook_without_an_identifier_column_is_refused(tmp_path):
    path = gf.write_xlsx(tmp_path, [], notes_sheet=True)
    workbook_without = tmp_path / "other.xlsx"
    book = openpyxl.load_workbook(path)
    del book["Grants"]
    book.save(workbook_without)
    assert "No sheet of the workbook has an Identifier column" in refusal(workbook_without)


def test_a_workbook_that_swells_when_unpacked_is_refused_before_it_is_read(tmp_path):
    """A zip bomb: an .xlsx whose worksheet packs 50 MB of XML into a few kilobytes."""
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (50 * 1024 * 1024))
    assert bomb.stat().st_size < 200 * 1024

    message = refusal(bomb)
    assert "The workbook unpacks to 50 MB" in message
    assert "times its packed size" in message


def test_a_workbook_of_cells_far_apart_is_refused_before_it_is_read_whole(tmp_path):
    """A few kilobytes with one stray cell in Excel's last row: read whole, cell by cell over
    the rectangle up to it, it would take minutes and gigabytes."""
    path = gf.write_xlsx(tmp_path, [gf.grant(0)])
    book = openpyxl.load_workbook(path)
    book["Grants"].cell(row=1_048_576, column=2, value="stray")
    book.save(path)
    assert path.stat().st_size < 20 * 1024

    started = time.perf_counter()
    message = refusal(path)

    assert message.startswith("The sheet “Grants” reaches row 1,048,576 and column R, but only ")
    assert "Delete the empty rows and columns" in message
    assert time.perf_counter() - started < 10


def test_a_workbook_with_ordinary_gaps_is_read(tmp_path):
    path = gf.write_xlsx(tmp_path, [gf.grant(n) for n in range(3)])
    book = openpyxl.load_workbook(path)
    sheet = book["Grants"]
    sheet.cell(row=400, column=1, value=gf.grant(3)["id"])  # rows left empty between grants
    sheet.cell(row=1, column=60, value="Our own notes")  # and a column far to the right
    book.save(path)

    grant_file = open_grant_file(path, "grants.xlsx")
    assert grant_file.count == 4


def test_a_workbook_over_the_unpacked_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_SPREADSHEET_MEGABYTES = 0
    path = gf.write_xlsx(tmp_path, [gf.grant(0)])
    assert "up to 0 MB unpacked" in refusal(path)


def test_a_corrupt_workbook_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not a workbook")
    path.write_bytes(buffer.getvalue())
    assert "could not be read" in refusal(path) or "not a readable" in refusal(path)


def test_the_metadata_of_a_package_is_kept_as_json_values(tmp_path):
    grant_file = open_grant_file(gf.write_json(tmp_path, gf.realistic_package(1)), "g.json")
    json.dumps(grant_file.metadata)  # plain values, to be shown and stored
