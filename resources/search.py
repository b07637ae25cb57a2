"""Finding calls, challenges and resources by words, for the search page and the API.

On PostgreSQL the words go through French full-text search (stemming:
"nappes" finds "nappe"); a title containing the typed text matches too, for
partial words and names. A resource's words are stored with every save
(`Resource.search_document`, GIN-indexed: `set_document`), so a search
never re-reads the texts; calls and challenges are few and short, their
words are computed in the query. Elsewhere (SQLite) a plain
case-insensitive containment stands in. Only calls the visitor may see,
and their challenges and resources, are searched; each kind costs one
query, capped.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Left

from appel.models import Call, Challenge

MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 20
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
    return SearchVector(title, weight="A", config="french") + SearchVector(
        *[Left(other, _INDEXED_CHARS) for other in others], weight="B", config="french"
    )


def set_document(resource):
    """Before `resource.save()`: its words are written with the row (PostgreSQL only)."""
    if _postgres():
        resource.search_document = _vector(Value(resource.title), Value(resource.content))


def refresh_documents(queryset):
    """The words of resources written without `save()` (bulk loads), from their columns."""
    if _postgres():
        queryset.update(search_document=_vector("title", "content"))


def _match(queryset, q, *, title, others, stored=None):
    """Filter `queryset` on its `title` and `others` text fields; annotate `rank` on PostgreSQL.

    `stored` names a column holding exactly those words (see `set_document`).
    """
    if _postgres():
        vector = F(stored) if stored else _vector(title, *others)
        query = SearchQuery(q, config="french", search_type="websearch")
        return queryset.annotate(document=vector, rank=SearchRank(vector, query)).filter(
            Q(document=query) | Q(**{f"{title}__icontains": q})
        )
    condition = Q(**{f"{title}__icontains": q})
    for name in others:
        condition |= Q(**{f"{name}__icontains": q})
    return queryset.filter(condition)


def _best_first(queryset):
    return queryset.order_by("-rank", "-pk") if _postgres() else queryset.order_by("-pk")


def _best_resources(queryset, q, limit):
    """The `limit` resources of `queryset` that match `q` best, best first.

    The resource rows alone are matched and ranked, then what the results
    show is joined for those few only: when a word is in nearly every text,
    joining every match first costs seven times more (PostgreSQL, 45 ms
    against 6 on the bench's call).
    """
    matches = _match(queryset, q, title="title", others=["content"], stored="search_document")
    best = list(_best_first(matches).values_list("pk", flat=True)[:limit])
    found = queryset.in_bulk(best)
    return [found[pk] for pk in best]


def filter_resources(queryset, q):
    """Resources of `queryset` whose title or text matches `q` (the `?q=` of lists).

    The caller's order is kept: a list filtered by words stays sorted as asked.
    """
    q = clean_query(q)
    if not q:
        return queryset
    return _match(queryset, q, title="title", others=["content"], stored="search_document")


@dataclass
class Results:
    query: str
    calls: list = field(default_factory=list)
    challenges: list = field(default_factory=list)
    resources: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.calls or self.challenges or self.resources)


def search(*, user, q, resource_queryset, limit=DEFAULT_LIMIT):
    """Calls, challenges and resources matching `q`, best first, at most `limit` of each.

    `resource_queryset` is the caller's list of readable resources
    (resources.loaders.resources), so a result shows what a list shows.
    """
    q = clean_query(q)
    results = Results(query=q)
    if not q:
        return results
    visible = Call.objects.visible_to(user)
    calls = Call.objects.filter(pk__in=visible.values("pk"))
    calls = _match(calls, q, title="title", others=["summary", "description"])
    results.calls = list(_best_first(calls)[:limit])
    challenges = Challenge.objects.filter(call__in=visible.values("pk")).select_related("call")
    challenges = _match(challenges, q, title="title", others=["description"])
    results.challenges = list(_best_first(challenges)[:limit])
    results.resources = _best_resources(resource_queryset, q, limit)
    return results
