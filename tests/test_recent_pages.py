"""An app server process keeps the pages it served lately, within a size, newest kept."""

from mmip.pagecache.recent import RecentPages


def entry(generation: int, size: int) -> tuple:
    return (generation, 200, {"ETag": '"x"'}, b"x" * size)


def test_a_kept_page_comes_back_with_its_generation():
    pages = RecentPages()
    pages.put("a", entry(7, 10), limit_bytes=100)
    assert pages.get("a") == entry(7, 10)
    assert pages.get("b") is None


def test_the_least_recently_served_page_goes_first_when_full():
    pages = RecentPages()
    pages.put("a", entry(1, 40), limit_bytes=100)
    pages.put("b", entry(1, 40), limit_bytes=100)
    pages.get("a")  # served again, so "b" is now the oldest
    pages.put("c", entry(1, 40), limit_bytes=100)
    assert pages.get("b") is None
    assert pages.get("a") is not None and pages.get("c") is not None
    assert len(pages) == 2


def test_a_page_larger_than_the_limit_is_not_kept():
    pages = RecentPages()
    pages.put("big", entry(1, 101), limit_bytes=100)
    assert pages.get("big") is None
    assert len(pages) == 0


def test_a_newer_generation_replaces_the_page_and_its_size():
    pages = RecentPages()
    pages.put("a", entry(1, 60), limit_bytes=100)
    pages.put("a", entry(2, 60), limit_bytes=100)
    assert pages.get("a")[0] == 2
    pages.put("b", entry(2, 40), limit_bytes=100)  # 60 + 40 fits: the old copy was let go
    assert len(pages) == 2


def test_a_limit_of_nothing_keeps_nothing():
    pages = RecentPages()
    pages.put("a", entry(1, 1), limit_bytes=0)
    assert pages.get("a") is None
