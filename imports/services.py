"""Applying an import: the plan the preview showed, written in one transaction.

Nothing is applied by accident. A file with problems changes nothing unless the caller
chose to skip the grants that have them. Given the preview's digest, the apply refuses
(and rolls back) if the record changed since the preview was made, so that it never does
what staff did not see. Re-importing the very file that was imported last changes nothing.
Only one import runs at a time, and the same file is never imported twice at once.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from imports.choices import Choices
from imports.models import DatasetImport
from imports.planning import Planner
from imports.preview import Report
from imports.reading import GrantFile
from imports.writing import Writer, WriteRefused

# Advisory lock numbers: one for imports as a whole, and a range for one file.
IMPORTS_LOCK = 72_020_100


class ImportRefused(Exception):
    """Nothing was imported; the message says why, in plain words."""


class RecordChanged(ImportRefused):
    """The record changed since the preview: nothing was imported, and here is the plan as
    it would be now."""

    def __init__(self, preview: dict):
        super().__init__(
            "The record changed since the preview was made, so nothing was imported. Read the "
            "new preview, and apply again if it is what you want."
        )
        self.preview = preview


@dataclass
class ImportResult:
    preview: dict  # the plan as carried out
    dataset_import: DatasetImport | None  # None when there was nothing to write

    @property
    def changed_nothing(self) -> bool:
        return self.dataset_import is None


class _NothingToWrite(Exception):
    def __init__(self, preview: dict):
        self.preview = preview


def apply_import(
    *,
    grant_file: GrantFile,
    choices: Choices,
    user,
    skip_problems: bool = False,
    expected_digest: str | None = None,
    progress=None,
) -> ImportResult:
    """Import the file's chosen grants as the preview showed them, in one transaction.

    Raises ImportRefused, having written nothing, when another import is running, when
    there are problems and ``skip_problems`` is not given, when a record would break a
    rule, or (RecordChanged) when ``expected_digest`` is given and the plan is no longer
    the one previewed."""
    try:
        with transaction.atomic():
            _lock(grant_file.sha256)
            planner = Planner(grant_file, choices)
            report = Report(planner)
            writer = Writer(planner, user=user)
            report.current_import = writer.run
            for plans, problems, skipped, notes, done in planner.batches():
                report.add(plans, problems, skipped, notes)
                if problems and not skip_problems:
                    first = report.problems[0]
                    raise ImportRefused(
                        "The file has grants with problems, so nothing was imported. The first: "
                        f"{first['identifier']} ({first['where']}): {first['message']} Preview "
                        "the file to see them all, then correct it or choose to skip them."
                    )
                writer.write(plans)
                if progress:
                    progress(done, grant_file.count)
            preview = report.as_json()
            if expected_digest and preview["digest"] != expected_digest:
                raise RecordChanged(preview)
            if not writer.wrote and _imported_last(writer):
                raise _NothingToWrite(preview)
            dataset_import = writer.finish(preview["counts"], preview["organisation_counts"])
    except _NothingToWrite as nothing:
        return ImportResult(preview=nothing.preview, dataset_import=None)
    except WriteRefused as refused:
        raise ImportRefused(f"Nothing was imported. {refused}") from None
    return ImportResult(preview=preview, dataset_import=dataset_import)


def _lock(sha256: str) -> None:
    """Refuse at once, rather than wait, when this file or any other is being imported.
    The locks are the transaction's, so they go when it ends, however it ends."""
    file_lock = int(sha256[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [file_lock])
        if not cursor.fetchone()[0]:
            raise ImportRefused(
                "This very file is being imported right now, by someone else or in another "
                "window. Nothing was imported again: look at the datasets when that import "
                "has finished."
            )
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORTS_LOCK])
        if not cursor.fetchone()[0]:
            raise ImportRefused(
                "Another file is being imported right now. Nothing was imported: try again "
                "when it has finished."
            )


def _imported_last(writer: Writer) -> bool:
    """Whether the dataset's newest file before this one is this very file."""
    earlier = (
        DatasetImport.objects.filter(dataset=writer.dataset)
        .exclude(pk=writer.run.pk)
        .order_by("-imported_at", "-pk")
        .values_list("sha256", flat=True)
        .first()
    )
    return earlier == writer.planner.file.sha256
