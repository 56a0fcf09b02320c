"""The pages one app server process served lately, kept in its own memory.

The page cache's shared store answers every app server, but reading a page from it is a
round trip that carries the whole page. A process that served a page a moment ago keeps it
here too, with the record generation it was made in; the page cache then asks the database
only for the current generation (a few bytes) before serving it. Nothing here is trusted
without that check, so a change to the record is seen as soon as anywhere else.
"""

import threading
from collections import OrderedDict


class RecentPages:
    """Pages up to a size in bytes, the least recently served dropped first."""

    def __init__(self):
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        """The entry kept for key, (generation, status, headers, content), whatever its
        generation: the caller compares it with the current one."""
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple, limit_bytes: int) -> None:
        """Keeps the entry, dropping the least recently served pages until all of them fit
        in limit_bytes (which the caller reads from its settings, so tests can change it)."""
        size = len(entry[3])
        if size > limit_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            self._pages[key] = entry
            self._bytes += size
            while self._bytes > limit_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped[3])

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)
