"""The full-text index of SQLite (FTS5): what search reads on the embedded default.

PostgreSQL keeps its own words (resources/search.py: a stored `tsvector` for
resources, computed vectors for the rest); on SQLite one FTS5 table,
`search_index`, holds the words of every call, challenge, resource and
discussion thread, with the tokenizer `unicode61 remove_diacritics 2` (case
and accents ignored: "ecole" finds "École"). It is created by the migration
resources/0010 on SQLite only.

A row's rowid says what it is: `object id * 8 + kind` (see KINDS), so a row
is replaced or removed by its rowid without scanning the table. Its columns
are `title` and `body` (weighed 10 and 1 by the table's `rank`) and
`call_id` (unindexed: the search keeps the calls the reader may see).

The rows follow the models through Django's `post_save` / `post_delete`
signals: resources/apps.py connects calls, challenges and resources,
contributions/apps.py threads and their posts (a lower app never imports a
higher one). Rows written without signals (`bulk_create`, `QuerySet.update`)
are caught up by `python manage.py rebuild_search_index`.
"""

import re

from django.db import connection

TABLE = "search_index"
KINDS = {"call": 1, "challenge": 2, "resource": 3, "thread": 4}
KIND_NAMES = {code: name for name, code in KINDS.items()}
MAX_WORDS = 12
# Words shorter than this match only whole words (a one-letter prefix matches everything).
PREFIX_FROM = 3
# The start of a long text says what it is about; the index need not hold megabytes.
INDEXED_CHARS = 100_000
# Markers around matched words in excerpts: private-use characters, removed from indexed
# text, so that the escaped excerpt can turn them, and only them, into <mark>.
START, STOP = "\ue000", "\ue001"

CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "title, body, call_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
)
RANK = f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('rank', 'bm25(10.0, 1.0)')"


def enabled():
    return connection.vendor == "sqlite"


def rowid(kind, pk):
    return int(pk) * 8 + KINDS[kind]


def split(rowid_value):
    """(kind, object id) of a row."""
    return KIND_NAMES[rowid_value % 8], rowid_value // 8


def _clean(text):
    text = (text or "")[:INDEXED_CHARS]
    return text.replace(START, " ").replace(STOP, " ").replace("\x00", " ")


def put(kind, pk, *, call_id, title, body=""):
    """Write (or rewrite) the words of one object."""
    if not enabled():
        return
    key = rowid(kind, pk)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [key])
        cursor.execute(
            f"INSERT INTO {TABLE}(rowid, title, body, call_id) VALUES (%s, %s, %s, %s)",
            [key, _clean(title), _clean(body), call_id],
        )


def remove(kind, pk):
    if not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [rowid(kind, pk)])


def clear(kind=None):
    """Remove every row (of one kind)."""
    if not enabled():
        return
    with connection.cursor() as cursor:
        if kind is None:
            cursor.execute(f"DELETE FROM {TABLE}")
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid %% 8 = %s", [KINDS[kind]])


def words(text):
    """The words of what someone typed, as our tokenizer sees them (letters and digits)."""
    return re.findall(r"[^\W_]+", text or "")[:MAX_WORDS]


def match_expression(text):
    """An FTS5 query matching every word of `text` in any order, or "" when there is none.

    Each word is quoted as an FTS5 string (only letters and digits go in, so no
    operator, quote or column filter survives); words long enough match as prefixes.
    """
    terms = []
    for word in words(text):
        terms.append(f'"{word}"*' if len(word) >= PREFIX_FROM else f'"{word}"')
    return " ".join(terms)


def any_word_expression(text):
    """An FTS5 query matching any word of `text` (the similar communs' wide net)."""
    return " OR ".join(f'"{word}"' for word in words(text))


def index_call(call):
    put(
        "call",
        call.pk,
        call_id=call.pk,
        title=call.title,
        body=f"{call.summary}\n{call.description}",
    )


def index_challenge(challenge):
    put(
        "challenge",
        challenge.pk,
        call_id=challenge.call_id,
        title=challenge.title,
        body=challenge.description,
    )


def index_resource(resource):
    put(
        "resource",
        resource.pk,
        call_id=resource.call_id,
        title=resource.title,
        body=resource.content,
    )


def rebuild(call_model, challenge_model, resource_model):
    """Rewrite the rows of every call, challenge and resource (models given: migrations too)."""
    if not enabled():
        return
    for kind in ("call", "challenge", "resource"):
        clear(kind)
    for call in call_model.objects.only("pk", "title", "summary", "description").iterator():
        index_call(call)
    for challenge in challenge_model.objects.only(
        "pk", "call_id", "title", "description"
    ).iterator():
        index_challenge(challenge)
    for resource in resource_model.objects.only("pk", "call_id", "title", "content").iterator():
        index_resource(resource)


def _saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not {"title", "content", "summary", "description"} & set(
        update_fields
    ):
        return  # a pointer or a counter moved: the words did not change
    INDEXERS[sender](instance)


def _deleted(sender, instance, **kwargs):
    remove(SENDER_KINDS[sender], instance.pk)


def _emptied(sender, using="default", **kwargs):
    """After `flush` (tests): no call left means no row may stay (their ids come back)."""
    from django.db import connections

    from appel.models import Call

    db = connections[using]
    if db.vendor != "sqlite" or TABLE not in db.introspection.table_names():
        return
    if not Call.objects.using(using).exists():
        with db.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")


INDEXERS, SENDER_KINDS = {}, {}


def connect(app_config):
    """Keep the rows of calls, challenges and resources in step (from resources/apps.py)."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    from appel.models import Call, Challenge

    from .models import Resource

    if not enabled():
        return
    INDEXERS.update({Call: index_call, Challenge: index_challenge, Resource: index_resource})
    SENDER_KINDS.update({Call: "call", Challenge: "challenge", Resource: "resource"})
    post_migrate.connect(_emptied, sender=app_config, dispatch_uid="search-index-emptied")
    for model in INDEXERS:
        uid = f"search-index-{model.__name__}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-deleted")
