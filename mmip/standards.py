"""The open-data standards kept in the repository (docs/standards/), so that what reads or
writes them works offline: where the 360Giving Data Standard's schemas are (the imports read
funders' files against them, the exports write the spreadsheet layout they give), and the
org-id register's list codes (org-id.guide, the register 360Giving and IATI use for
organisation identifiers). The Organisation form refuses an identifier whose list the
register does not have or no longer uses, and the imports read the list of each identifier
in a funder's file with the same look-up."""

import functools
import json
from pathlib import Path

STANDARDS = Path(__file__).resolve().parent.parent / "docs" / "standards"
GRANT_SCHEMA = STANDARDS / "360giving" / "360-giving-schema.json"
PACKAGE_SCHEMA = STANDARDS / "360giving" / "360-giving-package-schema.json"
ORG_ID_LISTS = STANDARDS / "org-id" / "lists.json"

# A publisher's own organisation identifiers, outside the register: 360G-<prefix>-….
PUBLISHER_SCHEME = "360G"


@functools.cache
def org_id_lists() -> dict[str, dict]:
    """Every list of the org-id register, by its code (GB-CHC, GB-COH, XI-ROR…)."""
    lists = json.loads(ORG_ID_LISTS.read_text(encoding="utf-8"))
    return {entry["code"]: entry for entry in lists}


@functools.cache
def _longest_code() -> int:
    """How many hyphen-separated parts the longest list code has (CN-11-CR: three)."""
    return max(code.count("-") + 1 for code in org_id_lists())


def org_id_scheme(identifier: str) -> str | None:
    """The register list an org-id belongs to (its prefix, such as GB-CHC for
    GB-CHC-1234567), the publisher's own scheme for 360G-…, or None when neither: a prefix
    the register does not have. Codes may themselves hold hyphens (CN-11-CR), so the
    longest code the identifier starts with wins; each length is one look-up in a set."""
    if identifier.upper().startswith(PUBLISHER_SCHEME + "-"):
        return PUBLISHER_SCHEME
    parts = identifier.split("-")
    codes = org_id_lists()
    for length in range(min(_longest_code(), len(parts) - 1), 1, -1):
        code = "-".join(parts[:length])
        if code in codes and "".join(parts[length:]):
            return code
    return None


def is_current(identifier: str) -> bool:
    """Whether the identifier is in a list the register has and still uses."""
    scheme = org_id_scheme(identifier)
    return scheme not in (None, PUBLISHER_SCHEME) and not org_id_lists()[scheme]["deprecated"]


_EXAMPLES = (
    "GB-COH (Companies House), GB-CHC (the Charity Commission) or GB-GOR (government bodies)"
)


def list_problem(identifier: str) -> str:
    """Why the identifier's list is not one to use, in words for staff; "" when it is a
    current list of the register."""
    scheme = org_id_scheme(identifier)
    if scheme is None or scheme == PUBLISHER_SCHEME:
        prefix = "-".join(identifier.split("-")[:2])
        return (
            f"“{prefix}” is not a list of the org-id register (org-id.guide). Start the "
            f"identifier with the code of the list the organisation is registered in, such as "
            f"{_EXAMPLES}."
        )
    listed = org_id_lists()[scheme]
    if listed["deprecated"]:
        return (
            f"The org-id register no longer uses the list {scheme} ({listed['name'].strip()}). "
            f"Give the organisation's identifier in a current list, such as {_EXAMPLES}."
        )
    return ""
