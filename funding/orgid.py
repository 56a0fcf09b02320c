"""Organisation identifiers for open data.

360Giving asks for org-id.guide identifiers (GB-COH-…, GB-CHC-…, GB-GOR-…). Where the record
has none yet, the publisher's own prefix keeps the identifier stable and unique: the slug
never changes once a page is public, so the fallback does not either. The exports build the
identifier in SQL (funding.exports): the org-id.guide one, else this prefix and the slug.
"""

FALLBACK_PREFIX = "360G-MMIP-ORG-"
