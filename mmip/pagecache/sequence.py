"""The record generation: one PostgreSQL sequence that every write to the record advances.

Every table of the record (mmip.records.record_models()) carries a statement-level trigger
that advances the sequence, so any write (an admin edit, a bulk publish, an import, a
fixture load, even raw SQL) moves it, with nothing to remember to call. Whatever is kept
under a generation (a whole page, the explorer's figures and drop-downs, the directory's
counts: remembered()) is good only while it is current.

The generation moves at a write, but the write shows only at its commit. Something made in
between would show the old record under the new generation and stay wrong until the next
write, so it is kept only if no write was under way when it began (writers hold an advisory
lock until they end) and the generation has not moved by the time it is done: made_at().
"""

import hashlib

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import connection, connections

from mmip.records import record_models

SEQUENCE = "mmip_record_generation"

# A transaction that writes to the record holds this advisory lock (shared, so writers never
# wait for one another) from its first write until it ends.
WRITERS_LOCK = 72_020_001

INSTALL_SQL = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION mmip_bump_record_generation() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({WRITERS_LOCK});
    PERFORM nextval('{SEQUENCE}');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# The generation as a column of the sequence: 0 until the first write.
GENERATION = "CASE WHEN is_called THEN last_value ELSE 0 END"


def watched_tables() -> list[str]:
    return sorted({model._meta.db_table for model in record_models()})


def install_triggers(using: str = "default", **kwargs) -> None:
    """Put the generation trigger on every table of the record (idempotent). Connected to
    post_migrate, so tables added by later migrations are covered too."""
    with connections[using].cursor() as cursor:
        cursor.execute(INSTALL_SQL)
        # After `migrate <app> zero` some record tables are gone; they get their trigger back
        # when they are made again.
        existing = set(connections[using].introspection.table_names(cursor))
        for table in (table for table in watched_tables() if table in existing):
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER mmip_record_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION mmip_bump_record_generation()"
            )


def generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {GENERATION} FROM {SEQUENCE}")
        return cursor.fetchone()[0]


def invalidate_all(using: str = "default") -> None:
    """Move the generation past anything kept so far, as after a restore, which brings back an
    old generation under which things made from a different record may be stored."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT setval('{SEQUENCE}', nextval('{SEQUENCE}') + 1000000)")


def _settled() -> bool:
    """No other transaction is part way through a write to the record. (This connection's
    own writes are visible to it, so they do not count, and neither do writes to other
    databases on the same server, which hold the same advisory lock number there.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = 0 AND objid = %s AND objsubid = 1 AND pid <> pg_backend_pid())",
            [WRITERS_LOCK],
        )
        return cursor.fetchone()[0]


def made_at(at: int, make):
    """(make(), whether it may be kept under generation at): only if no write was under way
    when it began and the generation has not moved since, for else it may show the record as
    it was under a generation that says otherwise. The page cache and the explorer's figures
    both keep what they make by this rule."""
    settled = _settled()
    made = make()
    return made, settled and generation() == at


def release() -> str:
    """What this process's pages depend on beyond the record: whether it runs in development
    mode, the static files it links (the manifest's hash names every file of this release),
    and RELEASE, which a deployment may set to its version. Pages and figures are kept under
    it, so a page made by one release or mode is never served by another, whose static file
    names differ."""
    parts = [
        "debug" if settings.DEBUG else "production",
        getattr(staticfiles_storage, "manifest_hash", "") or "no-manifest",
        settings.RELEASE,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def remembered(name: str, parts, make, *, seconds: int):
    """make()'s result, kept in the shared cache under this release and the record generation
    for up to ``seconds``: the same ``parts`` ask for it again and get it from the cache until
    the record changes. ``parts`` must say everything the result depends on besides the
    record (a filter's values, say); they are hashed, so they may be long. Stored only by the
    rule of made_at(). With ``seconds`` 0 or less, nothing is kept."""
    if seconds <= 0:
        return make()
    at = generation()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"{name}:{release()}:{at}:{digest}"
    found = cache.get(key)
    if found is None:
        found, current = made_at(at, make)
        if current:
            cache.set(key, found, seconds)
    return found
