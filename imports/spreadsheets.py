"""CSV and Excel files in 360Giving's spreadsheet layout, converted to grants by flattentool
(360Giving's own converter) with the standard's schema kept in the repository, and the cell
each value came from, so that a problem can name its row and column.

flattentool reads a spreadsheet whole, into many times its size in memory, so a CSV file may
be at most IMPORT_MAX_SPREADSHEET_MEGABYTES. An Excel workbook is a zip archive and can unpack
to far more than it looks ("a zip bomb"): its unpacked size is checked against the same limit
before anything reads it, and so is the empty space of its sheets, which costs nothing to
store and everything to read. openpyxl reads its XML through defusedxml, which refuses the
XML bombs of entities that expand.
"""

import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.conf import settings
from flattentool.exceptions import FlattenToolError
from flattentool.input import CSVInput, XLSXInput
from flattentool.schema import SchemaParser
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from mmip.standards import GRANT_SCHEMA

ROOT = "grants"
# A zip member that unpacks to more than this many times its packed size is no worksheet.
ZIP_RATIO_LIMIT = 200
# flattentool reads a worksheet cell by cell over the rectangle from A1 to its last cell, the
# empty ones included: a few cells far apart (one in row 1,048,576) make a file of a few
# kilobytes that takes minutes and gigabytes to read. So a sheet's rectangle may hold at most
# this many times the cells written in it, plus an allowance for ordinary gaps.
SPARSE_RATIO_LIMIT = 10
SPARSE_ALLOWANCE_CELLS = 100_000
_IDENTIFIER_HEADINGS = {"identifier", "id"}


class FileRefused(Exception):
    """The file cannot be imported at all; the message says why, in plain words."""


@dataclass(frozen=True)
class Located:
    """Where a grant or a value is in its file."""

    grant_number: int | None = None
    row: int | None = None
    column: str = ""
    heading: str = ""
    sheet: str = ""

    def __str__(self):
        if self.row is None:
            return f"grant {self.grant_number} in the file" if self.grant_number else ""
        where = f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
            if self.heading:
                where += f" ({self.heading})"
        return where


@dataclass
class Converted:
    grants: list[dict]
    cells: dict[str, tuple] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # flattentool joins rows that share an identifier into one grant (that is how it joins
    # sheets): the rows of each grant made of more than one, by its position.
    repeated: dict[int, list[int]] = field(default_factory=dict)

    def locate(self, position: int, path: tuple = ()) -> Located:
        parts = [str(part) for part in path]
        while True:
            cell = self.cells.get("/".join([ROOT, str(position), *parts]))
            # A value's cell is (sheet, column, row, heading); a whole row's, (sheet, row).
            if cell is not None and len(cell) == 4:
                sheet, column, row, heading = cell
                return Located(row=int(row), column=column, heading=heading, sheet=sheet)
            if cell is not None and len(cell) == 2:
                return Located(row=int(cell[1]), sheet=cell[0])
            if not parts:
                break
            parts.pop()
        return Located(grant_number=position + 1)


def convert(path: Path, kind: str) -> Converted:
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mmip-import-") as directory:
        if kind == "xlsx":
            _check_unpacked_size(path)
            _check_sheet_extents(path)
            reader = _GrantsWorkbook(input_name=str(path), **_reader_options())
        else:
            _check_csv_size(path)
            text, encoding_note = _decoded_csv(path)
            if encoding_note:
                notes.append(encoding_note)
            Path(directory, f"{ROOT}.csv").write_text(text, encoding="utf-8")
            reader = CSVInput(input_name=directory, **_reader_options())
        reader.parser = _schema_parser()
        try:
            with warnings.catch_warnings():
                # flattentool warns of values it could not type (an amount written "£1,500");
                # the import checks every value itself and says so grant by grant.
                warnings.simplefilter("ignore")
                reader.read_sheets()
                grants, cells, _ = reader.fancy_unflatten(
                    with_cell_source_map=True, with_heading_source_map=False
                )
        except FileRefused:
            raise
        except (FlattenToolError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FileRefused(
                f"The spreadsheet could not be read as 360Giving's layout ({error})."
            ) from None
    cells = cells or {}
    return Converted(
        grants=[dict(grant) for grant in grants],
        cells={key: tuple(found[0]) for key, found in cells.items() if found},
        notes=notes,
        repeated={
            position: rows
            for position in range(len(grants))
            if len(
                rows := sorted({int(cell[2]) for cell in cells.get(f"{ROOT}/{position}/id", [])})
            )
            > 1
        },
    )


def _reader_options() -> dict:
    return {
        "root_list_path": ROOT,
        "id_name": "id",
        "convert_titles": True,
        # A date cell holds no zone; the funder's dates are UK dates.
        "timezone_name": "Europe/London",
    }


def _schema_parser() -> SchemaParser:
    parser = SchemaParser(schema_filename=str(GRANT_SCHEMA), rollup=True)
    parser.parse()
    return parser


def _check_unpacked_size(path: Path) -> None:
    limit = settings.IMPORT_MAX_SPREADSHEET_MEGABYTES * 1024 * 1024
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused("The file is not a readable Excel workbook (.xlsx).") from None
    unpacked = sum(member.file_size for member in members)
    swollen = [
        member
        for member in members
        if member.file_size > 1024 * 1024
        and member.file_size > ZIP_RATIO_LIMIT * max(member.compress_size, 1)
    ]
    if unpacked > limit or swollen:
        raise FileRefused(
            f"The workbook unpacks to {unpacked / 1024 / 1024:.0f} MB"
            + (
                f", {max(m.file_size // max(m.compress_size, 1) for m in swollen)} times its packed size"
                if swollen
                else ""
            )
            + f". This site reads workbooks of up to {settings.IMPORT_MAX_SPREADSHEET_MEGABYTES} MB "
            "unpacked, and none that swell so much: import the grants as a 360Giving JSON file, "
            "or as smaller workbooks."
        )


def _check_csv_size(path: Path) -> None:
    """flattentool reads a CSV file whole, into many times its size in memory."""
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_SPREADSHEET_MEGABYTES * 1024 * 1024:
        raise FileRefused(
            f"The CSV file is {size / 1024 / 1024:.1f} MB; this site reads spreadsheets of up "
            f"to {settings.IMPORT_MAX_SPREADSHEET_MEGABYTES} MB, as a spreadsheet is read whole. "
            "Import the grants as a 360Giving JSON file, which is read as a stream, or as "
            "smaller CSV files."
        )


def _check_sheet_extents(path: Path) -> None:
    """Refuses a workbook with a sheet mostly empty space (SPARSE_RATIO_LIMIT), having read
    it as a stream: openpyxl's read-only mode passes over the rows no cell is written in."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRefused("The file is not a readable Excel workbook (.xlsx).") from None
    try:
        for sheet in book.worksheets:
            # The sheet's own claim of its size may be false: count what is there.
            sheet.reset_dimensions()
            written = last_row = last_column = 0
            for number, row in enumerate(sheet.iter_rows(), start=1):
                for cell in row:
                    if isinstance(cell, ReadOnlyCell):
                        written += 1
                        last_row, last_column = number, max(last_column, cell.column)
            if last_row * last_column > SPARSE_RATIO_LIMIT * written + SPARSE_ALLOWANCE_CELLS:
                raise FileRefused(
                    f"The sheet “{sheet.title}” reaches row {last_row:,} and column "
                    f"{get_column_letter(last_column)}, but only {written:,} of its cells are "
                    "written: read whole, its empty cells would take minutes and more memory than "
                    "an import is given. Delete the empty rows and columns between the grants and "
                    "the stray cells far from them, or save the grants as CSV."
                )
    finally:
        book.close()


def _decoded_csv(path: Path) -> tuple[str, str]:
    """The CSV's text, and a note when it was not UTF-8. Excel on Windows saves CSV in
    Windows-1252 (a £ is then one byte, 0xA3), or as UTF-8 with a byte-order mark."""
    content = path.read_bytes()
    try:
        return content.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            "The CSV file is neither UTF-8 nor Windows-1252 text. Save it from the spreadsheet "
            "as “CSV UTF-8”."
        ) from None
    return text, (
        "The CSV file is not UTF-8; it was read as Windows-1252, the encoding Excel uses when "
        "it saves CSV on Windows. Check that names with accents and £ signs read correctly."
    )


class _GrantsWorkbook(XLSXInput):
    """A workbook's grants: the sheets headed with an Identifier column. Funders' workbooks
    often add a sheet of notes or of the publisher's details, which are not grants."""

    def read_sheets(self):
        super().read_sheets()
        grant_sheets = [
            name
            for name, title in self.sheet_names_map.items()
            if _IDENTIFIER_HEADINGS & _headings(self.workbook[title])
        ]
        if not grant_sheets:
            raise FileRefused(
                "No sheet of the workbook has an Identifier column, so it is not in 360Giving's "
                "spreadsheet layout."
            )
        for name in list(self.sheet_names_map):
            if name not in grant_sheets:
                self.sheet_names_map.pop(name)
        self.sub_sheet_names = grant_sheets


def _headings(worksheet) -> set[str]:
    first = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return {str(value).strip().lower() for value in first if value is not None}
