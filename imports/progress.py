"""How far a background job has got, told on a database connection of its own.

An apply is one transaction, which nobody else sees until it commits; the progress it
reports is written outside it, in autocommit, so the admin's page (on any app server) shows
it as it goes. It is best effort: a report that cannot be written is dropped, never a reason
for the import to stop.
"""

import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from imports.models import Upload


class Progress:
    """A callable progress(done, total), writing at most once a second."""

    EVERY_SECONDS = 1.0

    def __init__(self, upload_id: int):
        self.upload_id = upload_id
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.EVERY_SECONDS and done < total:
            return
        self._last = now
        try:
            with self.connection.cursor() as cursor:
                # Never wait on a lock: a report is worth less than the import's time.
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    f"UPDATE {Upload._meta.db_table} SET progress_done = %s, "
                    "progress_total = %s, progress_at = now() WHERE id = %s",
                    [min(done, total), total, self.upload_id],
                )
        except DatabaseError:
            pass

    def close(self) -> None:
        self.connection.close()
