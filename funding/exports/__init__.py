"""Downloads of exactly the awards a queryset holds: CSV and JSON (rows.py), a 360Giving data
package (giving360.py) and the same package in 360Giving's spreadsheet layout (xlsx.py).
Each is streamed, with memory that stays flat and a number of queries that does not grow
with the awards."""

from funding.exports.giving360 import (
    DATA_LICENCE_URL,
    GIVING_VERSION,
    PUBLISHER_NAME,
    WORKSTREAM_VOCABULARY,
    NothingToExport,
    giving_package,
)
from funding.exports.rows import CHUNK_SIZE, CSV_COLUMNS, CURRENCY, awards_csv, awards_json
from funding.exports.xlsx import awards_xlsx

__all__ = [
    "CHUNK_SIZE",
    "CSV_COLUMNS",
    "CURRENCY",
    "DATA_LICENCE_URL",
    "GIVING_VERSION",
    "PUBLISHER_NAME",
    "WORKSTREAM_VOCABULARY",
    "NothingToExport",
    "awards_csv",
    "awards_json",
    "awards_xlsx",
    "giving_package",
]
