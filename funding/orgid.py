"""Organisation identifiers for open data.

360Giving asks for org-id.guide identifiers (GB-COH-…, GB-CHC-…, GB-GOR-…). Where the record
has none yet, the publisher's own prefix keeps the identifier stable and unique: the slug
never changes once a page is public, so the fallback does not either. The exports build the
same identifier in SQL (funding.exports); pages can show it with this function.
"""

FALLBACK_PREFIX = "360G-MMIP-ORG-"


def organisation_identifier(org_id: str | None, slug: str) -> str:
    return org_id or f"{FALLBACK_PREFIX}{slug}"
