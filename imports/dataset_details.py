"""Which dataset a file belongs to: one already in the record (a newer file of it, found by
the key staff chose, by the address it is published at, or by its publisher and title), or
a new one made from what the file says of itself and what staff add."""

import datetime
from dataclasses import dataclass, field
from itertools import islice

from imports.choices import Choices
from imports.models import Dataset
from imports.normalise import read_date
from imports.reading import GrantFile


@dataclass
class DatasetDetails:
    """The dataset a file belongs to: one already in the record (a newer file of it), or a
    new one made from what the file says of itself and what staff add."""

    title: str
    publisher_name: str
    publisher_identifier: str
    source_url: str
    licence: str
    issued: datetime.date | None
    existing: Dataset | None = None
    notes: list[str] = field(default_factory=list)


def dataset_details(grant_file: GrantFile, choices: Choices) -> DatasetDetails:
    meta = grant_file.metadata
    publisher = meta.get("publisher") if isinstance(meta.get("publisher"), dict) else {}
    notes = []
    source_url = choices.source_url or next(
        (meta[key] for key in ("downloadURL", "accessURL") if _text(meta.get(key))), ""
    )
    issued = None
    if _text(meta.get("issued")):
        try:
            issued, _ = read_date(meta["issued"])
        except ValueError as error:
            notes.append(f"The package's issue date is left out: {error}")
    details = DatasetDetails(
        title=choices.title or _text(meta.get("title")) or grant_file.name.rsplit(".", 1)[0],
        publisher_name=choices.publisher
        or _text(publisher.get("name"))
        or _first_funder_name(grant_file),
        publisher_identifier=_text(publisher.get("identifier"))[:100],
        source_url=source_url[:500],
        licence=choices.licence or _text(meta.get("license"))[:300],
        issued=issued,
        notes=notes,
    )
    if choices.dataset_id:
        details.existing = Dataset.objects.get(pk=choices.dataset_id)
    elif details.source_url:
        details.existing = Dataset.objects.filter(source_url=details.source_url).first()
    if details.existing is None:
        details.existing = Dataset.objects.filter(
            publisher_name=details.publisher_name, title=details.title
        ).first()
    if details.existing is not None:
        # A newer file of a dataset keeps the dataset's name as staff have it.
        details.title = details.existing.title
        details.publisher_name = details.existing.publisher_name
        details.source_url = details.existing.source_url or details.source_url
    return details


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first_funder_name(grant_file: GrantFile) -> str:
    """A spreadsheet says nothing of its publisher: its first grant's funder published it."""
    for grant in islice(grant_file.grants(), 1):
        funders = grant.get("fundingOrganization") if isinstance(grant, dict) else None
        if isinstance(funders, list) and funders and isinstance(funders[0], dict):
            return _text(funders[0].get("name"))[:200]
    return "Unknown publisher"
