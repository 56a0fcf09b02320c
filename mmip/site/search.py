"""Full-text search of the public record, for /search/?q=.

Each kind of result is matched through its model's search document exactly as its GIN
index holds it (mmip/fulltext.py), so PostgreSQL answers from the index.

Visitors type web-search syntax, which websearch_to_tsquery() reads and never rejects:
"quoted phrases", -excluded words and `or`. Whatever else they type (backslashes, SQL,
NUL bytes, 10,000 characters) is cleaned and capped here before PostgreSQL sees it, and
always travels as a query parameter.
"""

import difflib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, reduce

from django.apps import apps
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mmip.fulltext import CONFIG, indexed_document
from mmip.paging import page_of

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
GROUP_SIZE = 5  # results of each kind on the first page; "see all" pages show the rest
PAGE_SIZE = 20
VOCABULARY_LIMIT = 5000  # titles read to suggest a spelling when nothing matched

# ts_headline() returns the stored text as it is, markup and all, so it cannot be trusted
# as HTML. It marks matches with these private-use characters instead; marked() escapes
# everything else and only then turns them into <mark>. They never reach the database from
# a visitor: clean_query() removes every character that is not printable, these included.
START = "\ue000"
STOP = "\ue001"
WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Kind:
    """One kind of record the search returns, and how its results are shown."""

    key: str  # in the address: /search/?q=...&kind=awards
    label: str
    singular: str
    model: str
    heading: object  # the field or expression a result is titled with
    snippet: tuple[str, ...]
    order: tuple[str, ...]  # after rank, for results that rank alike
    related: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"site/search/{self.key}.html"

    def queryset(self):
        """The records of this kind the public may see: a result always leads to a page
        that answers."""
        return apps.get_model(self.model).objects.public()


KINDS = (
    Kind(
        key="organisations",
        label="Organisations",
        singular="organisation",
        model="mmip.Organisation",
        heading=Case(
            When(short_name="", then=F("name")),
            default=Concat("name", Value(" ("), "short_name", Value(")")),
            output_field=CharField(),
        ),
        snippet=("description",),
        order=("name",),
    ),
    Kind(
        key="workstreams",
        label="Workstreams",
        singular="workstream",
        model="workstreams.Workstream",
        heading=F("name"),
        snippet=("aim", "description"),
        order=("display_order", "name"),
    ),
    Kind(
        key="initiatives",
        label="Initiatives",
        singular="initiative",
        model="workstreams.Initiative",
        heading=F("name"),
        snippet=("summary", "description"),
        order=("name",),
        related=("workstream",),
    ),
    Kind(
        key="awards",
        label="Awards",
        singular="award",
        model="funding.Award",
        heading=F("title"),
        snippet=("description",),
        order=("-award_date", "identifier"),
        related=("funder", "recipient", "routed_through"),
    ),
    Kind(
        key="outputs",
        label="Outputs",
        singular="output",
        model="workstreams.Output",
        heading=F("title"),
        snippet=("summary",),
        order=("-date", "title"),
    ),
    Kind(
        key="milestones",
        label="Milestones",
        singular="milestone",
        model="workstreams.Milestone",
        heading=F("title"),
        snippet=("place", "description"),
        order=("-date", "title"),
        related=("workstream",),
    ),
    Kind(
        key="commitments",
        label="Commitments",
        singular="commitment",
        model="tracking.Commitment",
        heading=F("title"),
        snippet=("description",),
        order=("title",),
        related=("workstream",),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def marked(headline: str | None) -> SafeString:
    """A ts_headline() result as safe HTML: the text escaped, the matches in <mark>.

    Marks always pair up, even if a stray marker character were ever stored in a record."""
    html = []
    inside = False
    for piece in re.split(f"([{START}{STOP}])", headline or ""):
        if piece == START:
            if not inside:
                html.append("<mark>")
                inside = True
        elif piece == STOP:
            if inside:
                html.append("</mark>")
                inside = False
        else:
            html.append(escape(piece))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))


def clean_query(raw: str) -> tuple[str, list[str]]:
    """What a visitor typed, made safe to search for, and what we had to say about it.

    Control characters (NUL bytes among them) become spaces, runs of space become one, and
    a query longer than MAX_QUERY_LENGTH is cut at the last whole word before it."""
    text = "".join(character if character.isprintable() else " " for character in raw)
    text = " ".join(text.split())
    messages = []
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[: MAX_QUERY_LENGTH + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_LENGTH]
        messages.append(
            f"Searches can be up to {MAX_QUERY_LENGTH} characters long, so we searched "
            "for the first part of what you typed."
        )
    return text, messages


def to_tsquery(text) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


_SEARCHED_FOR = ContextVar("searched_for")


class SearchedFor(Expression):
    """The words being searched for, as a query parameter read when a query is compiled
    (inside searching_for()). Each kind's query is built once per process with it in place
    of the words, and only compiled for each search: building it (resolving its public
    rule, rank and headlines) cost as much as a quarter of a search."""

    output_field = TextField()

    def as_sql(self, compiler, connection):
        return "%s", [_SEARCHED_FOR.get()]


@contextmanager
def searching_for(text: str):
    """The words that matches() querysets search for while they are read in this block."""
    token = _SEARCHED_FOR.set(text)
    try:
        yield
    finally:
        _SEARCHED_FOR.reset(token)


def matches(kind: Kind, *, counted: bool = False):
    """Public records of one kind matching the words of searching_for(), best first, each
    annotated with its rank and its highlighted heading and snippet (marked, not yet
    escaped), and with ``counted`` the number of matches as ``total``. Read it inside
    searching_for()."""
    return _matches(kind.key, counted).all()


@cache
def _matches(key: str, counted: bool):
    kind = KINDS_BY_KEY[key]
    model = apps.get_model(kind.model)
    document = indexed_document(model)
    query = to_tsquery(SearchedFor())
    snippet_text = (
        F(kind.snippet[0])
        if len(kind.snippet) == 1
        else Concat(
            *[part for name in kind.snippet for part in (F(name), Value(" "))][:-1],
            output_field=TextField(),
        )
    )
    matching = (
        kind.queryset()
        .alias(document=document)
        .filter(document=query)
        .annotate(
            rank=SearchRank(document, query),
            search_heading=SearchHeadline(
                kind.heading,
                query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            ),
            search_snippet=SearchHeadline(
                snippet_text,
                query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .select_related(*kind.related)
        .order_by("-rank", *kind.order)
    )
    return matching.annotate(total=Window(Count("pk"))) if counted else matching


def plain(text: str) -> str:
    return " ".join(text.replace(START, "").replace(STOP, "").split())


def decorate(kind: Kind, record):
    """Give a result its heading and snippet as safe HTML, the snippet with an ellipsis
    at either end where it starts or stops in the middle of the record's text."""
    record.heading_html = marked(record.search_heading)
    snippet = record.search_snippet or ""
    text = plain(" ".join(str(getattr(record, name) or "") for name in kind.snippet))
    shown = plain(snippet)
    if shown and not text.startswith(shown[:30]):
        snippet = "… " + snippet
    if shown and not text.endswith(shown[-30:]):
        snippet += " …"
    record.snippet_html = marked(snippet)
    return record


@dataclass
class Group:
    kind: Kind
    results: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.results)


@dataclass
class Outcome:
    text: str
    kind: Kind | None = None
    groups: list[Group] = field(default_factory=list)
    page: Page | None = None
    only_common_words: bool = False
    suggestion: str | None = None

    @property
    def total(self) -> int:
        if self.page is not None:
            return self.page.paginator.count
        return sum(group.total for group in self.groups)


def search(text: str, *, kind: Kind | None = None, page_number=None) -> Outcome:
    """Every kind's best GROUP_SIZE results (one query per kind, its total counted in the
    same query), or with `kind` one page of that kind (a count and a page).

    When nothing matches, one more query tells whether the words were all too common to
    search for, and another reads the titles to suggest a spelling."""
    outcome = Outcome(text=text, kind=kind)
    with searching_for(text):
        if kind is None:
            for each in KINDS:
                rows = list(matches(each, counted=True)[:GROUP_SIZE])
                if rows:
                    outcome.groups.append(
                        Group(each, [decorate(each, row) for row in rows], rows[0].total)
                    )
        else:
            paginator = Paginator(matches(kind), PAGE_SIZE)
            outcome.page, _ = page_of(paginator, page_number)
            outcome.page.object_list = [decorate(kind, row) for row in outcome.page.object_list]
    if outcome.total == 0:
        outcome.only_common_words = not has_search_terms(text)
        if not outcome.only_common_words:
            outcome.suggestion = suggest_spelling(text)
    return outcome


def has_search_terms(text: str) -> bool:
    """False when the English configuration drops every word ("the", "and of")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [CONFIG, text])
        return cursor.fetchone()[0] > 0


def suggest_spelling(text: str) -> str | None:
    """The query with each unknown word replaced by the closest word in a public title,
    or None when no word looks misspelt."""
    words = {word.lower() for word in WORD.findall(text)}
    if not words:
        return None
    titles = reduce(lambda left, right: left.union(right, all=True), map(_titles, KINDS))
    vocabulary = set()
    for title in titles[:VOCABULARY_LIMIT]:
        vocabulary.update(word.lower() for word in WORD.findall(title))
    suggestion = text
    for word in sorted(words - vocabulary):
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        if close:
            suggestion = re.sub(
                rf"\b{re.escape(word)}\b", close[0], suggestion, flags=re.IGNORECASE
            )
    return suggestion if suggestion != text else None


def _titles(kind: Kind):
    queryset = kind.queryset().annotate(search_title=kind.heading)
    return queryset.values_list("search_title", flat=True).order_by()
