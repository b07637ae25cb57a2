"""Finding calls, challenges, resources and discussions by words, for the search page and the API.

On PostgreSQL the words go through French full-text search (stemming:
"nappes" finds "nappe"); a title containing the typed text matches too, for
partial words and names. A resource's words are stored with every save
(`Resource.search_document`, GIN-indexed: `set_document`), so a search
never re-reads the texts; calls and challenges are few and short, their
words are computed in the query. On SQLite the FTS5 index of resources/fts.py
answers (accents and case ignored, every typed word in any order, prefixes).
Only calls the visitor may see, and their challenges, resources and threads,
are searched. Each result carries an `excerpt`: escaped text where only our
`<mark>` around the matched words is HTML. Threads belong to contributions,
which answers for them through `slots.SEARCH_THREADS`.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import mark_safe

from appel.models import Call, Challenge

from . import fts, slots

MAX_QUERY_CHARS = 200
# French stemming with accents removed ("ecole" finds "écoles"): the text search
# configuration made by the migration resources/0010 on PostgreSQL.
CONFIG = "french_unaccent"
DEFAULT_LIMIT = 20
MAX_PAGE = 50
EXCERPT_CHARS = 220
# Where an excerpt is looked for on PostgreSQL: the start of a resource's text.
EXCERPT_SOURCE_CHARS = 20_000
# PostgreSQL refuses to build a tsvector over 1 MB; the start of a text says
# what it is about well enough.
_INDEXED_CHARS = 100_000


def clean_query(text):
    """What a visitor typed, made safe to send to the database (no NUL, bounded)."""
    return " ".join((text or "").replace("\x00", " ").split())[:MAX_QUERY_CHARS]


def _postgres():
    return connection.vendor == "postgresql"


def _vector(title, *others):
    """Title words weigh more than the others; `title` and `others` are columns or values."""
    return SearchVector(title, weight="A", config=CONFIG) + SearchVector(
        *[Left(other, _INDEXED_CHARS) for other in others], weight="B", config=CONFIG
    )


def set_document(resource):
    """Before `resource.save()`: its words are written with the row (PostgreSQL only)."""
    if _postgres():
        resource.search_document = _vector(Value(resource.title), Value(resource.content))


def refresh_documents(queryset):
    """The words of resources written without `save()` (bulk loads), from their columns."""
    if _postgres():
        queryset.update(search_document=_vector("title", "content"))
    elif fts.enabled():
        for resource in queryset.only("pk", "call_id", "title", "content").iterator():
            fts.index_resource(resource)


def _match(queryset, q, *, title, others, stored=None):
    """Filter `queryset` on its `title` and `others` text fields; annotate `rank` on PostgreSQL.

    `stored` names a column holding exactly those words (see `set_document`).
    """
    if _postgres():
        vector = F(stored) if stored else _vector(title, *others)
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        return queryset.annotate(document=vector, rank=SearchRank(vector, query)).filter(
            Q(document=query) | Q(**{f"{title}__icontains": q})
        )
    condition = Q(**{f"{title}__icontains": q})
    for name in others:
        condition |= Q(**{f"{name}__icontains": q})
    return queryset.filter(condition)


def _best_first(queryset):
    return queryset.order_by("-rank", "-pk") if _postgres() else queryset.order_by("-pk")


def _best_resources(queryset, q, end, offset=0):
    """The resources of `queryset` ranked `offset` to `end` (excluded) on `q`, best first.

    The resource rows alone are matched and ranked, then what the results
    show is joined for those few only: when a word is in nearly every text,
    joining every match first costs seven times more (PostgreSQL, 45 ms
    against 6 on the bench's call).
    """
    matches = _match(queryset, q, title="title", others=["content"], stored="search_document")
    best = list(_best_first(matches).values_list("pk", flat=True)[offset:end])
    found = queryset.annotate(start=Left("content", EXCERPT_SOURCE_CHARS)).in_bulk(best)
    return [found[pk] for pk in best]


def filter_resources(queryset, q):
    """Resources of `queryset` whose title or text matches `q` (the `?q=` of lists).

    The caller's order is kept: a list filtered by words stays sorted as asked.
    """
    q = clean_query(q)
    if not q:
        return queryset
    if fts.enabled() and (expression := fts.match_expression(q)):
        found = RawSQL(
            f"SELECT rowid / 8 FROM {fts.TABLE} WHERE {fts.TABLE} MATCH %s AND rowid %% 8 = %s",
            [expression, fts.KINDS["resource"]],
        )
        return queryset.filter(pk__in=found)
    return _match(queryset, q, title="title", others=["content"], stored="search_document")


def marked(text):
    """Escaped `text` in which only the markers of resources/fts.py become `<mark>`."""
    html = escape(text).replace(fts.START, "<mark>").replace(fts.STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; our own tags only


class _Folding(dict):
    """Code point -> that character lowercased without its accents (one character), for translate().

    Filled as characters are met; past the alphabets (U+3000 on) a character
    is folded each time rather than kept, so that no text can grow it much.
    """

    def __missing__(self, code):
        char = chr(code)
        parts = unicodedata.normalize("NFKD", char)
        bare = "".join(c for c in parts if not unicodedata.combining(c))
        folded = (bare.lower() or char)[:1] or char
        if code < 0x3000:
            self[code] = folded
        return folded


_FOLDING = _Folding()


def _fold(text):
    """`text` lowercased without accents, character for character (same length)."""
    return text.lower() if text.isascii() else text.translate(_FOLDING)


def highlight(text, q, size=EXCERPT_CHARS):
    """An excerpt of `text` around the first word of `q` found, the found words marked.

    Accents and case are ignored; a word of `q` long enough matches the start
    of a word ("nappe" marks "nappes"). Safe HTML: the text is escaped.
    """
    text = " ".join((text or "")[: fts.INDEXED_CHARS].split())
    # Each word of `q` at the start of a word of the text: the whole word if
    # it is long enough to match as a prefix, else that word exactly.
    wanted = [
        re.escape(word) + (r"[^\W_]*" if len(word) >= fts.PREFIX_FROM else r"(?![^\W_])")
        for word in map(_fold, fts.words(q))
        if word
    ]
    found = re.compile(r"(?<![^\W_])(?:" + "|".join(wanted) + ")") if wanted else None
    spans = [m.span() for m in found.finditer(_fold(text))] if found else []
    start = max(0, spans[0][0] - size // 4) if spans else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + size)
    pieces, at = [], start
    for left, right in spans:
        if left < start or right > end:
            continue
        pieces += [text[at:left], fts.START, text[left:right], fts.STOP]
        at = right
    pieces.append(text[at:end])
    excerpt = "".join(pieces)
    return marked(("… " if start else "") + excerpt + (" …" if end < len(text) else ""))


@dataclass
class Results:
    query: str
    page: int = 1
    calls: list = field(default_factory=list)
    challenges: list = field(default_factory=list)
    resources: list = field(default_factory=list)
    threads: list = field(default_factory=list)
    # True when some kind has more matches on the next page.
    more: bool = False

    def __bool__(self):
        return bool(self.calls or self.challenges or self.resources or self.threads)


def _page_number(page):
    try:
        return min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def search(*, user, q, resource_queryset, limit=DEFAULT_LIMIT, page=1):
    """Calls, challenges, resources and threads matching `q`, best first, grouped by kind.

    `page` (from 1) shows, for each kind, its matches ranked
    `(page - 1) * limit + 1` to `page * limit`; `more` says whether a next page
    has some. `resource_queryset` is the caller's list of readable resources
    (resources.loaders.resources), so a result shows what a list shows. Each
    result gets an `excerpt` (safe HTML, matched words in `<mark>`).
    """
    q = clean_query(q)
    results = Results(query=q, page=_page_number(page))
    if not q:
        return results
    visible = Call.objects.visible_to(user).order_by().values("pk")
    offset = (results.page - 1) * limit
    if fts.enabled():
        _search_index(results, visible, resource_queryset, offset, limit)
    else:
        _search_postgres(results, visible, resource_queryset, offset, limit)
    return results


def _keep(results, kind, found, limit):
    """`found` (best first, one more than a page) as the page of `kind`."""
    results.more = results.more or len(found) > limit
    setattr(results, kind, found[:limit])


def _search_index(results, visible, resource_queryset, offset, limit):
    """The FTS5 path: two queries on the index, then one per kind found."""
    expression = fts.match_expression(results.query)
    if not expression:
        return
    calls_sql, calls_params = visible.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT rowid AS id, row_number() OVER ("
            f"PARTITION BY rowid %% 8 ORDER BY rank, rowid DESC) AS n FROM {fts.TABLE} "
            f"WHERE {fts.TABLE} MATCH %s AND call_id IN ({calls_sql})) "
            "WHERE n > %s AND n <= %s ORDER BY n",
            [expression, *calls_params, offset, offset + limit + 1],
        )
        rowids = [row[0] for row in cursor.fetchall()]
        if not rowids:
            return
        marks = ", ".join(["%s"] * len(rowids))
        cursor.execute(
            f"SELECT rowid, snippet({fts.TABLE}, 1, %s, %s, '…', 24) FROM {fts.TABLE} "
            f"WHERE {fts.TABLE} MATCH %s AND rowid IN ({marks})",
            [fts.START, fts.STOP, expression, *rowids],
        )
        excerpts = dict(cursor.fetchall())
    ids = {kind: [] for kind in fts.KINDS}
    for rowid in rowids:
        kind, pk = fts.split(rowid)
        ids[kind].append(pk)
    loaders = {
        "calls": ("call", lambda pks: Call.objects.in_bulk(pks)),
        "challenges": (
            "challenge",
            lambda pks: Challenge.objects.select_related("call").in_bulk(pks),
        ),
        "resources": ("resource", lambda pks: resource_queryset.in_bulk(pks)),
        "threads": ("thread", _threads_by_id),
    }
    for attribute, (kind, load) in loaders.items():
        found = load(ids[kind]) if ids[kind] else {}
        listed = []
        for pk in ids[kind]:
            if pk in found:
                found[pk].excerpt = marked(excerpts.get(fts.rowid(kind, pk)) or "")
                listed.append(found[pk])
        _keep(results, attribute, listed, limit)


def _threads_by_id(pks):
    found = {}
    for part in slots.SEARCH_THREADS.fill(q=None, visible_calls=None, ids=pks, offset=0, limit=0):
        found.update({thread.pk: thread for thread in part})
    return found


def _search_postgres(results, visible, resource_queryset, offset, limit):
    q, end = results.query, offset + limit + 1
    calls = _match(
        Call.objects.filter(pk__in=visible), q, title="title", others=["summary", "description"]
    )
    calls = list(_best_first(calls)[offset:end])
    for call in calls:
        call.excerpt = highlight(f"{call.summary} {call.description}", q)
    _keep(results, "calls", calls, limit)
    challenges = Challenge.objects.filter(call__in=visible).select_related("call")
    challenges = _match(challenges, q, title="title", others=["description"])
    challenges = list(_best_first(challenges)[offset:end])
    for challenge in challenges:
        challenge.excerpt = highlight(challenge.description, q)
    _keep(results, "challenges", challenges, limit)
    resources = _best_resources(resource_queryset, q, end, offset)
    for resource in resources:
        resource.excerpt = highlight(resource.start, q)
    _keep(results, "resources", resources, limit)
    threads = []
    for part in slots.SEARCH_THREADS.fill(
        q=q, visible_calls=visible, ids=None, offset=offset, limit=limit + 1
    ):
        threads += part
    _keep(results, "threads", threads, limit)
