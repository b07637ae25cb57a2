"""Finding calls, challenges and resources by words, for the search page and the API.

On PostgreSQL the words go through French full-text search (stemming:
"nappes" finds "nappe"), computed in the query so that no extra column or
trigger has to be kept in step; a title containing the typed text matches
too, for partial words and names. Elsewhere (SQLite) a plain case-insensitive
containment stands in. Only calls the visitor may see, and their challenges
and resources, are searched; each kind costs one query, capped.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
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


def _match(queryset, q, *, title, others):
    """Filter `queryset` on its `title` and `others` text fields; annotate `rank` on PostgreSQL."""
    if _postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(title, weight="A", config="french") + SearchVector(
            *[Left(name, _INDEXED_CHARS) for name in others], weight="B", config="french"
        )
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


def filter_resources(queryset, q):
    """Resources of `queryset` whose title or text matches `q` (the `?q=` of lists).

    The caller's order is kept: a list filtered by words stays sorted as asked.
    """
    q = clean_query(q)
    if not q:
        return queryset
    return _match(queryset, q, title="title", others=["content"])


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
    (reading.resources), so a result shows what a list shows.
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
    resources = _match(resource_queryset, q, title="title", others=["content"])
    results.resources = list(_best_first(resources)[:limit])
    return results
