"""Rows shown in groups under the labels of a TextChoices field, in the order the choices
are declared (which is the order pages list them), not the order of the stored values."""

from django.db import models


def grouped_by_choice(
    rows, field: str, choices: type[models.TextChoices]
) -> list[tuple[str, list]]:
    """[(choice label, rows with that choice)] in the order choices declares, leaving out
    choices no row has. Reads rows once, so give it prefetched or already fetched rows."""
    rows = list(rows)
    groups = []
    for choice in choices:
        members = [row for row in rows if getattr(row, field) == choice]
        if members:
            groups.append((choice.label, members))
    return groups
