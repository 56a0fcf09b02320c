"""Where an award's facts came from: entered here by staff, or taken from a funder's own
360Giving file.

Funding knows nothing of files. The app that imports them (imports, a layer above) says
which awards came from which dataset by registering an Origins object here when it starts,
so that the award page and the downloads can say where each award is from without funding
importing it. With nothing registered, every award was entered here.
"""

from typing import Protocol

from django.db.models import Expression, TextField, Value

ENTERED_HERE = "Entered here"


class Origins(Protocol):
    def datasets_of(self, award) -> list:
        """The datasets the award came from, for its page (one query)."""

    def dataset_title(self) -> Expression:
        """An award's dataset as text (its title and publisher), NULL for an award entered
        here: an expression over an Award queryset, for the downloads' single query."""

    def dataset_address(self) -> Expression:
        """Where the award's dataset is published, NULL where it has none or the award was
        entered here: an expression over an Award queryset."""


_origins: Origins | None = None


def register(origins: Origins) -> None:
    global _origins
    _origins = origins


def datasets_of(award) -> list:
    return _origins.datasets_of(award) if _origins else []


def dataset_title() -> Expression:
    return _origins.dataset_title() if _origins else Value(None, output_field=TextField())


def dataset_address() -> Expression:
    return _origins.dataset_address() if _origins else Value(None, output_field=TextField())
