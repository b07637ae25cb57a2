"""Discussions in search: their words in the SQLite index, their matches on PostgreSQL.

A thread's words are its title, its quoted passage and the bodies of its
posts not hidden (a hidden post is never found by its words). `connect()`
(from contributions/apps.py) keeps the index of resources/fts.py in step
with every saved or deleted thread and post, hiding included;
`rebuild()` rewrites it all (`python manage.py rebuild_search_index`).
`matching_threads` answers resources' slot SEARCH_THREADS.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from resources import fts, search
from resources.loaders import CALL_TEXT_COLUMNS, RESOURCE_TEXT_COLUMNS, heavy_columns

from .models import Post, Thread


def _text(thread_id):
    bodies = Post.objects.filter(thread_id=thread_id, hidden=False).order_by("created_at", "pk")
    return "\n".join(bodies.values_list("body", flat=True))


def index_thread(thread):
    fts.put(
        "thread",
        thread.pk,
        call_id=thread.call_id,
        title=thread.title,
        body=f"{thread.quote}\n{_text(thread.pk)}",
    )


def _thread_saved(sender, instance, **kwargs):
    index_thread(instance)


def _thread_deleted(sender, instance, **kwargs):
    fts.remove("thread", instance.pk)


def _post_changed(sender, instance, **kwargs):
    thread = Thread.objects.filter(pk=instance.thread_id).first()
    if thread is not None:  # gone when its thread is being deleted
        index_thread(thread)


def connect():
    if not fts.enabled():
        return
    post_save.connect(_thread_saved, sender=Thread, dispatch_uid="search-thread-saved")
    post_delete.connect(_thread_deleted, sender=Thread, dispatch_uid="search-thread-deleted")
    post_save.connect(_post_changed, sender=Post, dispatch_uid="search-post-saved")
    post_delete.connect(_post_changed, sender=Post, dispatch_uid="search-post-deleted")


def rebuild():
    fts.clear("thread")
    for thread in Thread.objects.only("pk", "call_id", "title", "quote").iterator():
        index_thread(thread)


def matching_threads(*, q, visible_calls, ids, offset, limit):
    # What a result shows of its call and commun: titles and slugs, not their texts.
    threads = Thread.objects.select_related("call", "resource").defer(
        *heavy_columns("call__", columns=CALL_TEXT_COLUMNS),
        *heavy_columns("resource__", columns=RESOURCE_TEXT_COLUMNS),
    )
    if ids is not None:
        return list(threads.filter(pk__in=ids))
    query = SearchQuery(q, config=search.CONFIG, search_type="websearch")
    posts = (
        Post.objects.filter(hidden=False)
        .annotate(document=SearchVector("body", config=search.CONFIG))
        .filter(document=query)
        .values("thread")
    )
    vector = SearchVector("title", weight="A", config=search.CONFIG)
    found = (
        threads.filter(call__in=visible_calls)
        .annotate(document=vector, rank=SearchRank(vector, query))
        .filter(Q(document=query) | Q(title__icontains=q) | Q(pk__in=posts))
        .order_by("-rank", "-pk")[offset : offset + limit]
    )
    found = list(found)
    bodies = {}
    for thread_id, body in (
        Post.objects.filter(thread__in=found, hidden=False)
        .order_by("created_at", "pk")
        .values_list("thread_id", "body")
    ):
        bodies.setdefault(thread_id, []).append(body)
    for thread in found:
        thread.excerpt = search.highlight("\n".join(bodies.get(thread.pk, [])), q)
    return found
