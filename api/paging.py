"""Paging of every list in the API: 10 to 100 records a page (25 unless ``per_page`` says),
each page with the total count and links to the next and previous pages.

The links carry a cursor, not a page number. A page number becomes an OFFSET, which makes
PostgreSQL read and throw away every row before the page: page 200 of 100,000 awards costs
200 times page 1. A cursor names the last (or first) row of the page by its sort values, so
the next page is "the rows after these values", which an index finds directly however deep
the page. The list's own ordering gives the values (the awards' is the explorer's sort, with
the identifier last, so every row has one place and cursors never skip or repeat a row).
Cursors are signed: one that was changed, or made for another sort, is refused with a 400.

A list may sort on a column that can be empty: its NULLs come last or first as the ordering
says (PostgreSQL's default is last ascending, first descending), and a cursor at a NULL
knows which rows come after it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.errors import ParameterError
from mmip.filtering import shown

SIZE_PARAMETER = "per_page"
CURSOR_PARAMETER = "cursor"
PAGING_PARAMETERS = (SIZE_PARAMETER, CURSOR_PARAMETER)
SMALLEST_PAGE = 10
LARGEST_PAGE = 100
DEFAULT_PAGE = 25
CURSOR_SALT = "api.paging.cursor"
# Far longer than any cursor this module makes: a longer one is refused unread.
LONGEST_CURSOR = 1000
FORWARD, BACKWARD = "n", "p"


@dataclass(frozen=True)
class Key:
    """One column of a list's order: its path from the listed model (``workstream__name``),
    whether it is descending, whether its NULLs come after its values, and its model field,
    which reads a value back from a cursor."""

    path: str
    descending: bool
    nulls_last: bool
    field: object

    @property
    def name(self) -> str:
        """How a cursor names the key, so one made for another order is known."""
        nulls = ("" if self.nulls_last != self.descending else "|nulls-" + ("last" if self.nulls_last else "first"))  # fmt: skip
        return ("-" if self.descending else "") + self.path + nulls

    def value_of(self, row):
        value = row
        for part in self.path.split("__"):
            value = getattr(value, part)
            if value is None:
                return None
        return value

    def beyond(self, value) -> Q:
        """Rows that sort after value in this column alone."""
        if value is None:
            # After the NULLs come the values if the NULLs come first, else nothing.
            return Q(pk__in=[]) if self.nulls_last else Q(**{f"{self.path}__isnull": False})
        beyond = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        if self.nulls_last and self.field.null:
            beyond |= Q(**{f"{self.path}__isnull": True})
        return beyond

    def not_before(self, value) -> Q:
        """Rows that sort at value or after it in this column alone."""
        if value is None:
            # The NULLs and what follows them: only NULLs if they come last, else every row.
            return Q(**{f"{self.path}__isnull": True}) if self.nulls_last else Q()
        not_before = Q(**{f"{self.path}__{'lte' if self.descending else 'gte'}": value})
        if self.nulls_last and self.field.null:
            not_before |= Q(**{f"{self.path}__isnull": True})
        return not_before

    def same(self, value) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})

    def reversed(self) -> "Key":
        return Key(self.path, not self.descending, not self.nulls_last, self.field)


def _field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        model = field.related_model or model
    return field


def _key(model, item) -> Key:
    if isinstance(item, str):
        path, descending = item.removeprefix("-"), item.startswith("-")
        return Key(path, descending, not descending, _field(model, path))
    if isinstance(item, OrderBy) and isinstance(item.expression, F):
        path, descending = item.expression.name, item.descending
        nulls_last = item.nulls_last or (not descending and not item.nulls_first)
        return Key(path, descending, bool(nulls_last), _field(model, path))
    raise TypeError(f"Order lists by fields to page them, not {item!r}.")


def keys_of(queryset) -> list[Key]:
    """The keys of a queryset's ordering, which must be fields (names, or F() with asc() or
    desc()) and end with a unique one, so each row has one place."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    keys = [_key(queryset.model, item) for item in ordering]
    if not keys or not _unique(queryset.model, keys[-1]):
        raise TypeError("A paged list's ordering must end with a unique field.")
    return keys


def _unique(model, key: Key) -> bool:
    if key.path == "pk" or key.field.unique:
        return True
    return any(
        constraint.fields == (key.path,) for constraint in model._meta.total_unique_constraints
    )


def after(keys: list[Key], values: list) -> Q:
    """The rows that come after a row with these values, in the order of keys. The first
    key's bound is said again on its own: it changes no row, but PostgreSQL reads the
    alternatives above only as a filter, while a plain bound on the first column is one
    its index starts from, so a page deep in the list costs what the first page does."""
    condition = Q(pk__in=[])
    same_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= same_so_far & key.beyond(value)
        same_so_far &= key.same(value)
    return keys[0].not_before(values[0]) & condition


def _plain(value):
    if isinstance(value, datetime.date | Decimal):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return value


def make_cursor(direction: str, keys: list[Key], values: list) -> str:
    ordering = [key.name for key in keys]
    return signing.dumps(
        [direction, ordering, [_plain(value) for value in values]], salt=CURSOR_SALT, compress=True
    )


TAMPERED = (
    "This cursor was not made by this API or has been changed. Follow the next and previous "
    "links as they are, or leave the cursor out to start at the first page."
)


def read_cursor(token: str, keys: list[Key]) -> tuple[str, list]:
    """(direction, values) of a cursor made by make_cursor() for this ordering."""
    if len(token) > LONGEST_CURSOR:
        raise ParameterError([(CURSOR_PARAMETER, TAMPERED)])
    try:
        direction, ordering, values = signing.loads(token, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ParameterError([(CURSOR_PARAMETER, TAMPERED)]) from None
    if ordering != [key.name for key in keys]:
        raise ParameterError(
            [
                (
                    CURSOR_PARAMETER,
                    "This cursor belongs to a list in another order. Keep the sort of the "
                    "address the cursor came from, or leave the cursor out to start again.",
                )
            ]
        )
    try:
        values = [
            None if value is None else key.field.to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValidationError, ValueError):
        raise ParameterError([(CURSOR_PARAMETER, TAMPERED)]) from None
    if direction not in (FORWARD, BACKWARD):
        raise ParameterError([(CURSOR_PARAMETER, TAMPERED)])
    return direction, values


def page_size(value, things: str) -> int:
    if value in (None, ""):
        return DEFAULT_PAGE
    if value.isdigit() and len(value) <= 3 and SMALLEST_PAGE <= int(value) <= LARGEST_PAGE:
        return int(value)
    raise ParameterError(
        [
            (
                SIZE_PARAMETER,
                f"A page holds from {SMALLEST_PAGE} to {LARGEST_PAGE} {things}, so “{shown(value)}” "
                f"cannot be the page size. Give a whole number from {SMALLEST_PAGE} to "
                f"{LARGEST_PAGE}, or leave per_page out for {DEFAULT_PAGE}.",
            )
        ]
    )


class CursorPaging(BasePagination):
    """Pages a list's queryset by cursor. The view may give ``count(queryset)`` (the awards
    read it from the explorer's cached figures) and ``things`` (its records' name in
    messages)."""

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        self.request = request
        self.per_page = page_size(params.get(SIZE_PARAMETER), getattr(view, "things", "records"))
        keys = keys_of(queryset)
        count = getattr(view, "count", None)
        self.count = count(queryset) if count else queryset.count()
        token = params.get(CURSOR_PARAMETER)
        direction, values = read_cursor(token, keys) if token else (None, None)
        size = self.per_page
        has_previous = has_next = False
        if direction == BACKWARD:
            before = queryset.reverse().filter(after([key.reversed() for key in keys], values))
            rows = list(before[: size + 1])
            has_previous = len(rows) > size
            if has_previous:
                rows = rows[:size][::-1]
                has_next = True
            else:
                # Back at the start: the first page, full, as the list gives it without a cursor.
                direction = None
        if direction is None:
            rows = list(queryset[: size + 1])
            has_next = len(rows) > size
            rows = rows[:size]
        elif direction == FORWARD:
            rows = list(queryset.filter(after(keys, values))[: size + 1])
            has_next = len(rows) > size
            rows = rows[:size]
            has_previous = True
        self.next_cursor = (
            make_cursor(FORWARD, keys, [key.value_of(rows[-1]) for key in keys])
            if has_next and rows
            else None
        )
        self.previous_cursor = (
            make_cursor(BACKWARD, keys, [key.value_of(rows[0]) for key in keys])
            if has_previous and rows
            else None
        )
        return rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAMETER, cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "perPage": self.per_page,
                "next": self._link(self.next_cursor),
                "previous": self._link(self.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "perPage", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "How many records the list holds, on every page.",
                },
                "perPage": {"type": "integer", "minimum": SMALLEST_PAGE, "maximum": LARGEST_PAGE},
                "next": {**link, "description": "The next page; null on the last."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": SIZE_PARAMETER,
                "in": "query",
                "required": False,
                "description": f"Records a page, {SMALLEST_PAGE} to {LARGEST_PAGE}; {DEFAULT_PAGE} if left out.",
                "schema": {"type": "integer", "minimum": SMALLEST_PAGE, "maximum": LARGEST_PAGE},
            },
            {
                "name": CURSOR_PARAMETER,
                "in": "query",
                "required": False,
                "description": "Where the page starts: take it from a page's next or previous link.",
                "schema": {"type": "string"},
            },
        ]
