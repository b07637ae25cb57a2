"""Communs close to a proposal: what "propose a resource" suggests joining instead.

`similar_resources(call, title, content)` returns the call's resources most
like a proposal, best first, each with a score in [0, 1] (accents and case
ignored). The database finds the candidates: on SQLite the FTS5 index
(resources/fts.py) ranks the call's resources by bm25 on any word of the
proposal; on PostgreSQL `pg_trgm` similarity of titles plus full-text
ranking of the stored words (`search_document`). The few candidates are then
scored here the same way on both databases:

    score = (title likeness + text likeness) / 2

- title likeness: trigram similarity of the two titles (pg_trgm's measure:
  shared trigrams of their words over all their trigrams), accents and
  case folded first;
- text likeness: cosine of the two sets of significant words (three letters
  or more, not a common French or English word) of title and start of text.

A near-duplicate (same title give or take a word or an accent, text largely
shared) scores above 0.6; unrelated texts of the same call score under 0.2
(tests/resources/test_similar.py). Lines the proposal shares with the call's
resource template (its headings) are not compared: every proposal has them.
"""

import math
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Left

from . import fts, search
from .models import Resource

DEFAULT_LIMIT = 5
# "Propose a resource" suggests the communs scoring this much or more.
SUGGEST_FROM = 0.25
MAX_LIMIT = 20
CANDIDATES = 20
TITLE_CHARS = 200
# The first text of a proposal, and the start of a commun, say what it is about.
TEXT_CHARS = 3_000
MAX_QUERY_WORDS = 40
_STOP = """les des une aux par pour sur dans avec sans que qui est sont ces ses son leur leurs
mais elle ils nous vous pas plus tout tous cette ont été être fait comme aussi entre
the and for with from that this are was not you your our"""


def fold(text):
    """`text` lowercased, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


STOP_WORDS = frozenset(fold(_STOP).split())


def _words(text):
    return re.findall(r"[^\W_]+", fold(text))


def significant_words(text):
    return {w for w in _words(text) if len(w) >= 3 and w not in STOP_WORDS and not w.isdigit()}


def trigrams(text):
    found = set()
    for word in _words(text):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def trigram_similarity(a, b):
    """pg_trgm's similarity of two texts, accents and case folded: in [0, 1]."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _cosine(first, second):
    if not first or not second:
        return 0.0
    return len(first & second) / math.sqrt(len(first) * len(second))


def score(title, words, other_title, other_text):
    """The likeness of a proposal (`title`, its significant `words`) to a commun, in [0, 1]."""
    text_words = significant_words(f"{other_title}\n{other_text}")
    return round((trigram_similarity(title, other_title) + _cosine(words, text_words)) / 2, 4)


def _without_template(call, content):
    template = {line.strip() for line in (call.resource_template or "").splitlines()}
    return "\n".join(line for line in content.splitlines() if line.strip() not in template)


def _query_words(title, content):
    """Distinct significant words, the title's first, in order, bounded."""
    ordered = []
    for word in _words(f"{title}\n{content}"):
        if len(word) >= 3 and word not in STOP_WORDS and word not in ordered:
            ordered.append(word)
    return ordered[:MAX_QUERY_WORDS]


def _candidates_sqlite(call, words):
    expression = " OR ".join(f'"{w}"' for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid / 8 FROM {fts.TABLE} WHERE {fts.TABLE} MATCH %s "
            "AND call_id = %s AND rowid %% 8 = %s ORDER BY rank LIMIT %s",
            [expression, call.pk, fts.KINDS["resource"], CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


def _candidates_postgres(call, title, words):
    query = SearchQuery(" OR ".join(words), config=search.CONFIG, search_type="websearch")
    found = (
        Resource.objects.filter(call=call)
        .annotate(likeness=TrigramSimilarity("title", title or " "))
        .annotate(rank=SearchRank(F("search_document"), query))
        .filter(Q(likeness__gt=0.2) | Q(search_document=query))
        .order_by(-(F("likeness") + F("rank")), "-pk")
    )
    return list(found.values_list("pk", flat=True)[:CANDIDATES])


def similar_resources(call, title, content="", *, limit=DEFAULT_LIMIT):
    """[(resource, score)] of `call`'s resources most like the proposal, best first.

    `title` and `content` are what someone is typing (bounded here); nothing
    to compare gives []. Resources come with only `slug`, `title` and their call.
    """
    # NUL characters: PostgreSQL refuses them in any text it is sent.
    title = " ".join((title or "")[:TITLE_CHARS].replace("\x00", "").split())
    content = _without_template(call, (content or "")[:TEXT_CHARS].replace("\x00", ""))
    words = _query_words(title, content)
    if not words:
        return []
    if fts.enabled():
        pks = _candidates_sqlite(call, words)
    else:
        pks = _candidates_postgres(call, title, words)
    if not pks:
        return []
    rows = (
        # A commun merged into another is no longer one to join: its heir is suggested.
        Resource.objects.filter(pk__in=pks, merged_into__isnull=True)
        .only("pk", "slug", "title", "call_id")
        .annotate(start=Left("content", TEXT_CHARS))
    )
    proposal = significant_words(f"{title}\n{content}")
    scored = []
    for resource in rows:
        resource.call = call
        scored.append((resource, score(title, proposal, resource.title, resource.start)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[: max(1, min(limit, MAX_LIMIT))]


def suggestions(call, title, content):
    """The communs "propose a resource" suggests joining: those scoring SUGGEST_FROM or more."""
    return [
        resource
        for resource, score in similar_resources(call, title, content)
        if score >= SUGGEST_FROM
    ]
