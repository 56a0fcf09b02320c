"""Reading a funder's 360Giving file, whatever its form, as a stream of grants.

A JSON data package is read twice with ijson, never loaded whole: once for the package's
own fields and every grant's identifier (so that duplicates and grants no longer in the
file are known before any grant is looked at, and progress can be counted), then again
one grant at a time. A CSV or Excel file in 360Giving's spreadsheet layout is converted by
flattentool (imports/spreadsheets.py), with the cell each value came from, so that a
problem can name its row and column.

Whatever cannot be read at all raises FileRefused with a message for staff; nothing is
read from such a file.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from django.conf import settings

from imports import spreadsheets
from imports.spreadsheets import FileRefused, Located

__all__ = ["FileRefused", "GrantFile", "Located", "format_of", "open_grant_file"]

FORMATS = ("json", "csv", "xlsx")
_BOM = b"\xef\xbb\xbf"


@dataclass
class GrantFile:
    """A file opened for import: what it is, the package's own fields and each grant's
    identifier, in order; grants() streams the grants themselves."""

    path: Path
    name: str
    format: str
    size: int
    sha256: str
    metadata: dict = field(default_factory=dict)
    identifiers: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # For spreadsheets: the grants as flattentool made them, and where each value was.
    _converted: spreadsheets.Converted | None = None

    @property
    def count(self) -> int:
        return len(self.identifiers)

    @property
    def repeated(self) -> dict[int, list[int]]:
        """The grants of a spreadsheet that flattentool made of several rows sharing an
        identifier, with those rows, by position."""
        return self._converted.repeated if self._converted is not None else {}

    def grants(self) -> Iterator[dict]:
        if self._converted is not None:
            yield from self._converted.grants
            return
        with self.path.open("rb") as stream:
            yield from ijson.items(_past_bom(stream), "grants.item", use_float=False)

    def locate(self, position: int, path: tuple = ()) -> Located:
        """Where a grant, or one of its fields, is in the file: a spreadsheet's row and
        column, or a JSON file's grant number."""
        if self._converted is not None:
            return self._converted.locate(position, path)
        return Located(grant_number=position + 1)


def open_grant_file(path: Path, name: str) -> GrantFile:
    """The file at path, uploaded or given as ``name``, read as far as its package's own
    fields and its grants' identifiers. Raises FileRefused with a reason in plain words."""
    size = path.stat().st_size
    limit = settings.IMPORT_MAX_MEGABYTES * 1024 * 1024
    if size > limit:
        raise FileRefused(
            f"The file is {_megabytes(size)}; this site imports files of up to "
            f"{settings.IMPORT_MAX_MEGABYTES} MB."
        )
    if size == 0:
        raise FileRefused("The file is empty.")
    kind = format_of(path, name)
    grant_file = GrantFile(path=path, name=name, format=kind, size=size, sha256=_sha256(path))
    if kind == "json":
        _read_package(grant_file)
    else:
        converted = spreadsheets.convert(path, kind)
        grant_file._converted = converted
        grant_file.identifiers = [grant.get("id") for grant in converted.grants]
        grant_file.notes.extend(converted.notes)
        if not converted.grants:
            raise FileRefused("The spreadsheet has no grants: its grants sheet has no rows.")
    return grant_file


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def format_of(path: Path, name: str) -> str:
    """JSON, CSV or Excel, from what the file begins with: a name can mislead (a CSV saved
    as .json), so the content decides, and the message says what the file looked like."""
    with path.open("rb") as stream:
        start = stream.read(512)
    suffix = Path(name).suffix.lower().lstrip(".")
    body = start.removeprefix(_BOM).lstrip()
    if start.startswith(b"PK\x03\x04"):
        if suffix not in ("xlsx", ""):
            raise FileRefused(
                f"The file is named .{suffix} but is a zip archive, as an Excel workbook is. "
                "Name it .xlsx if it is one."
            )
        return "xlsx"
    if body[:1] in (b"{", b"["):
        return "json"
    if suffix == "json":
        shown = body[:40].decode("utf-8", "replace").splitlines()[0] if body else ""
        raise FileRefused(
            f"The file is not JSON: it begins “{shown}”. Upload a 360Giving JSON data package, "
            "or a CSV or Excel file in 360Giving's spreadsheet layout."
        )
    if suffix in ("xlsx", "xls"):
        raise FileRefused(
            "The file is named as an Excel workbook but is not one (an .xlsx file is a zip "
            "archive). Old .xls workbooks cannot be read: save it as .xlsx."
        )
    if b"\x00" in start:
        raise FileRefused(
            "The file is neither JSON, CSV nor an Excel workbook. Upload a 360Giving JSON data "
            "package, or a CSV or Excel file in 360Giving's spreadsheet layout."
        )
    return "csv"


def _past_bom(stream):
    """The stream after a UTF-8 byte-order mark, if it starts with one (JSON must not, but
    Windows tools often write one)."""
    if stream.read(3) != _BOM:
        stream.seek(0)
    return stream


def _read_package(grant_file: GrantFile) -> None:
    """The first pass: the package's own fields (built whole: they are small) and each
    grant's identifier, from ijson's events, so the grants are never held in memory."""
    metadata: dict = {}
    identifiers: list = []
    seen_grants = False
    try:
        with grant_file.path.open("rb") as stream:
            events = ijson.parse(_past_bom(stream), use_float=False)
            _, event, _ = next(events)
            if event != "start_map":
                raise FileRefused(
                    "The file is JSON but not a 360Giving data package: a package is an object "
                    "with a list of grants (“grants”), and this file is a "
                    f"{'list' if event == 'start_array' else 'single value'}."
                )
            key, builder = None, None
            for prefix, event, value in events:
                if prefix == "":
                    if event == "map_key":
                        key, builder = value, ijson.ObjectBuilder()
                        seen_grants = seen_grants or key == "grants"
                    continue
                if key == "grants":
                    _grant_event(prefix, event, value, identifiers)
                    continue
                builder.event(event, value)
                if prefix == key and event not in ("start_map", "start_array", "map_key"):
                    # The field's value is complete: a scalar, or the end of its object or list.
                    metadata[key] = builder.value
    except ijson.JSONError as error:
        raise FileRefused(_unreadable_json(error)) from None
    except UnicodeDecodeError:
        raise FileRefused("The file is not valid JSON: it is not in UTF-8.") from None
    if not seen_grants:
        raise FileRefused(
            "The file is JSON but not a 360Giving data package: it has no list of grants "
            "(“grants”)."
        )
    if not identifiers:
        raise FileRefused("The package holds no grants: its list of grants is empty.")
    grant_file.metadata = metadata
    grant_file.identifiers = identifiers


def _grant_event(prefix: str, event: str, value, identifiers: list) -> None:
    """One event inside the list of grants: a new grant, or its identifier."""
    if prefix == "grants":
        if event not in ("start_array", "end_array"):
            raise FileRefused(
                "The file's “grants” is not a list, so it is not a 360Giving data package."
            )
    elif prefix == "grants.item":
        # A grant starts (an object, or anything else, which is found invalid later).
        if event not in ("map_key", "end_map", "end_array"):
            identifiers.append(None)
    elif prefix == "grants.item.id" and event in ("string", "number"):
        identifiers[-1] = str(value)


def _unreadable_json(error: Exception) -> str:
    text = str(error)
    if "premature EOF" in text:
        return (
            "The file ends part-way through its JSON: it may have been cut short while it was "
            "downloaded or copied. Download it again."
        )
    if "UTF8" in text:
        return (
            "The file is not valid JSON: it is not in UTF-8, as JSON must be. Save it as UTF-8, "
            "or download the publisher's own file again."
        )
    first = text.strip().splitlines()[0] if text.strip() else "unreadable"
    reason = first.removeprefix("parse error: ").removeprefix("lexical error: ")
    return (
        f"The file is not valid JSON ({reason}). A 360Giving file must be JSON in UTF-8, as "
        "the publisher's own download is."
    )
