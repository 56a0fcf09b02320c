"""The record generation and the whole-page cache of the public site.

What the rest of the project may use:
- ``generation()``: the current record generation;
- ``made_at(generation, make)``: make something, and say whether it may be kept under that
  generation;
- ``remembered(name, parts, make, seconds=...)``: make something once and keep it in the
  shared cache until the record changes (figures and lists that every visitor asks for);
- ``release()``: this process's release and mode, part of every key kept under a generation;
- ``invalidate_all()``: retire everything kept so far (after a restore);
- ``forget_recent_pages()``: drop the pages this process keeps in memory (for tests).

The middleware is named in settings as ``mmip.pagecache.middleware.PublicPageCacheMiddleware``.
Nothing else here is for use outside the package.
"""


# The functions import their module when called: this package is an installed app, so it is
# imported while the apps are still loading, before the models its modules read exist.


def generation() -> int:
    from mmip.pagecache import sequence

    return sequence.generation()


def made_at(at: int, make):
    from mmip.pagecache import sequence

    return sequence.made_at(at, make)


def remembered(name: str, parts, make, *, seconds: int):
    from mmip.pagecache import sequence

    return sequence.remembered(name, parts, make, seconds=seconds)


def release() -> str:
    from mmip.pagecache import sequence

    return sequence.release()


def invalidate_all(using: str = "default") -> None:
    from mmip.pagecache import sequence

    sequence.invalidate_all(using)


def forget_recent_pages() -> None:
    from mmip.pagecache.middleware import RECENT_PAGES

    RECENT_PAGES.clear()
