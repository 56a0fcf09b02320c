"""The one paging rule (mmip/paging.py): a page number that is not one gives the nearest real
page and says why; a page size not offered gives the default and says why. The pages that
use it are tested with their own modules (the explorer's messages in
tests/test_funding_explorer.py)."""

import pytest
from django.core.paginator import Paginator
from django.test import RequestFactory
from django.views.generic import ListView

from mmip.paging import PagedMixin, page_of, page_size

ROWS = list(range(1, 24))  # 23 rows: pages of 10, 10 and 3


def pages():
    return Paginator(ROWS, 10)


@pytest.mark.parametrize("number", [None, "", "1"])
def test_no_number_or_the_first_gives_the_first_page_with_nothing_to_say(number):
    page, problem = page_of(pages(), number)

    assert (page.number, problem) == (1, None)


def test_a_real_page_is_given_as_asked():
    page, problem = page_of(pages(), "3")

    assert (list(page), problem) == ([21, 22, 23], None)


@pytest.mark.parametrize(
    ("number", "nearest", "why"),
    [
        ("0", 1, "Pages are numbered from 1, so this is the first page."),
        ("-3", 1, "Pages are numbered from 1, so this is the first page."),
        ("4", 3, "There are only 3 pages of these rows, so this is the last."),
        ("99999", 3, "There are only 3 pages of these rows, so this is the last."),
        ("letters", 1, "“letters” is not a page number, so this is the first page."),
        ("2.5", 1, "“2.5” is not a page number, so this is the first page."),
        # More digits than Python turns into a number by default.
        ("9" * 5000, 1, "9" * 39 + "…” is not a page number, so this is the first page."),
    ],
)
def test_a_page_that_is_not_there_gives_the_nearest_and_says_why(number, nearest, why):
    page, problem = page_of(pages(), number, things="rows")

    assert page.number == nearest
    assert problem.endswith(why)


def test_past_the_only_page_says_there_is_one_and_names_no_things_unless_told():
    page, problem = page_of(Paginator([], 10), "5")

    assert page.number == 1
    assert problem == "There is only 1 page, so this is the last."


@pytest.mark.parametrize(("value", "size"), [(None, 25), ("", 25), ("10", 10), ("100", 100)])
def test_an_offered_page_size_or_none_needs_no_reason(value, size):
    assert page_size(value, sizes=(10, 25, 50, 100), default=25, things="rows") == (size, None)


@pytest.mark.parametrize("value", ["1000", "0", "7", "all", "-10", "1e3", "9" * 5000])
def test_a_page_size_not_offered_gives_the_default_and_says_why(value):
    size, problem = page_size(value, sizes=(10, 25, 50, 100), default=25, things="rows")

    assert size == 25
    assert problem.startswith("A page can show 10, 25, 50 or 100 rows, not “")
    assert problem.endswith("”, so this page shows 25.")
    assert len(problem) < 200


class RowList(PagedMixin, ListView):
    queryset = ROWS
    paginate_by = 10


@pytest.mark.parametrize(
    ("number", "nearest"), [("2", 2), ("0", 1), ("99999", 3), ("letters", 1), ("", 1)]
)
def test_the_view_mixin_pages_by_the_same_rule_where_listview_answers_404(number, nearest):
    view = RowList()
    view.setup(RequestFactory().get("/", {"page": number}))

    paginator, page, rows, is_paginated = view.paginate_queryset(ROWS, 10)

    assert (paginator.num_pages, page.number, is_paginated) == (3, nearest, True)
    assert list(rows) == list(page.object_list)
