"""The one paging rule of every paged page: a page number that is not one (letters, 0,
99999, 5,000 digits) gives the nearest real page, never a 404 or a 500, and a page size that
is not offered gives the default. Each answer comes with a plain sentence saying why, for a
page that shows it (the funding explorer does).
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

from mmip.filtering import shown


def page_of(paginator: Paginator, number, *, things: str = "") -> tuple[Page, str | None]:
    """The page asked for, or the nearest real one and why: before the first is the first,
    past the last is the last, and anything that is not a whole number is the first. No
    number asks for the first page and needs no reason."""
    if number in (None, ""):
        return paginator.page(1), None
    try:
        return paginator.page(paginator.validate_number(number)), None
    except PageNotAnInteger:
        problem = f"“{shown(number)}” is not a page number, so this is the first page."
        return paginator.page(1), problem
    except EmptyPage:
        if int(number) < 1:
            return paginator.page(1), "Pages are numbered from 1, so this is the first page."
        last = paginator.num_pages
        pages = "is only 1 page" if last == 1 else f"are only {last} pages"
        of_these = f" of these {things}" if things else ""
        return paginator.page(last), f"There {pages}{of_these}, so this is the last."


def page_size(
    value, *, sizes: tuple[int, ...], default: int, things: str
) -> tuple[int, str | None]:
    """The page size asked for if it is one of sizes, else the default and why."""
    if value in (None, ""):
        return default, None
    if value in {str(size) for size in sizes}:
        return int(value), None
    offered = ", ".join(str(size) for size in sizes[:-1]) + f" or {sizes[-1]}"
    return default, (
        f"A page can show {offered} {things}, not “{shown(value)}”, so this page shows {default}."
    )


class PagedMixin:
    """For a ListView or a FilterView: pages by page_of() where ListView would answer a page
    number that is not one with a 404. These pages show the nearest page without saying why."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page, _ = page_of(paginator, self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
