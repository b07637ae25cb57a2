"""Discussion: threads on a commun or on a call, their posts, resolving, moderation.

The HTML views and the API both call these functions, so the rules live
here once:
- whoever may see a call may read its threads (`get_thread` applies the
  call's visibility: a draft's threads are 404 for all but its stewards);
  anyone signed in writes, except in an archived call (read-only);
- a thread is resolved or reopened by its author or a steward of the call;
- stewards hide a post with a reason (kept in the audit log); its body is
  then shown to stewards only, and the notifications it caused are withdrawn;
- authors edit their own posts, and the edit is marked;
- posting watches the commun (or the call) and enqueues one task that tells
  the watchers and the people `@mentioned` (contributions/tasks.py).
Bodies are Markdown through the one sanitizer (appel/markup.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from appel import audit
from appel.models import Call
from resources import pagecache
from resources.models import Resource, ResourceVersion

from . import notifying
from .models import Notification, Post, Thread

MAX_TITLE_CHARS = 200
# A post is a message, not a second copy of a commun.
MAX_BODY_CHARS = 20_000
MAX_QUOTE_CHARS = 2_000
MAX_REASON_CHARS = 500


class ReadOnlyCall(Exception):
    """The call is archived: its discussions can be read, not continued."""

    def __init__(self, call):
        self.call = call
        super().__init__(
            _("The call “%(title)s” is archived: its discussions can be read, not continued.")
            % {"title": call.title}
        )


def _text(value, *, field, label, limit, required=True):
    if not isinstance(value, str):
        raise ValidationError({field: [_("%(label)s must be text.") % {"label": label}]})
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationError({field: [_("%(label)s cannot be empty.") % {"label": label}]})
    if "\x00" in value:
        raise ValidationError(
            {field: [_("%(label)s contains a NUL character.") % {"label": label}]}
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (\ud800) from JSON: no database stores it
        raise ValidationError(
            {field: [_("%(label)s contains an invalid character.") % {"label": label}]}
        ) from None
    if len(value) > limit:
        raise ValidationError(
            {
                field: [
                    _("%(label)s is limited to %(limit)s characters.")
                    % {"label": label, "limit": limit}
                ]
            }
        )
    return value


def _check_body(body):
    return _text(body, field="body", label=_("The message"), limit=MAX_BODY_CHARS)


def _check_writable(call):
    if call.status == Call.Status.ARCHIVED:
        raise ReadOnlyCall(call)


def _after_commit(thread):
    if thread.resource_id:
        resource_id = thread.resource_id
        pagecache.renew_resource_after_commit(resource_id)


@transaction.atomic
def start_thread(
    *,
    call: Call,
    author,
    title: str,
    body: str,
    resource: Resource | None = None,
    version: ResourceVersion | None = None,
    quote: str = "",
) -> Thread:
    """Open a thread on `resource` (or on `call`, its forum) with its first post.

    `version` and `quote` anchor it to a passage of a version of that resource
    ("about this sentence"); a quote without a version is about the latest one.
    """
    _check_writable(call)
    title = _text(title, field="title", label=_("The title"), limit=MAX_TITLE_CHARS)
    body = _check_body(body)
    quote = _text(
        quote or "",
        field="quote",
        label=_("The quoted passage"),
        limit=MAX_QUOTE_CHARS,
        required=False,
    )
    if resource is not None and resource.call_id != call.pk:
        raise ValidationError({"resource": [_("This resource belongs to another call.")]})
    if version is not None and (resource is None or version.resource_id != resource.pk):
        raise ValidationError({"version": [_("This version belongs to another resource.")]})
    if quote and version is None:
        if resource is None:
            raise ValidationError({"quote": [_("Only a thread on a resource quotes a passage.")]})
        version = resource.latest_version
    now = timezone.now()
    thread = Thread.objects.create(
        call=call,
        resource=resource,
        author=author,
        title=title,
        version=version,
        quote=quote,
        posts_count=1,
        created_at=now,
        last_post_at=now,
    )
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    notifying.watch(user=author, call=call, resource=resource)
    notifying.post_written(post)
    _after_commit(thread)
    return thread


@transaction.atomic
def add_post(*, thread: Thread, author, body: str) -> Post:
    """Reply in `thread`; the thread moves up its list."""
    _check_writable(thread.call)
    body = _check_body(body)
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(posts_count=F("posts_count") + 1, last_post_at=now)
    notifying.watch(user=author, call=thread.call, resource=thread.resource)
    notifying.post_written(post)
    _after_commit(thread)
    return post


@transaction.atomic
def edit_post(*, post: Post, author, body: str) -> Post:
    """Its author changes a post; the page says it was edited, and when."""
    if post.author_id != author.pk:
        raise PermissionDenied(_("Only the author of a message edits it."))
    _check_writable(post.thread.call)
    if post.hidden:
        raise PermissionDenied(_("A hidden message cannot be edited."))
    post.body = _check_body(body)
    post.edited_at = timezone.now()
    post.save()
    _after_commit(post.thread)
    return post


def may_resolve(thread: Thread, user) -> bool:
    return user.is_authenticated and (thread.author_id == user.pk or thread.call.is_steward(user))


@transaction.atomic
def set_resolved(*, thread: Thread, actor, resolved: bool) -> Thread:
    """Its author or a steward marks the thread resolved, or reopens it."""
    if not may_resolve(thread, actor):
        raise PermissionDenied(_("Only the author of the thread or a steward resolves it."))
    _check_writable(thread.call)
    if not isinstance(resolved, bool):
        raise ValidationError({"resolved": [_("Send true or false.")]})
    if thread.resolved != resolved:
        thread.resolved = resolved
        thread.save(update_fields=["resolved"])
        _after_commit(thread)
    return thread


@transaction.atomic
def hide_post(*, post: Post, actor, reason: str) -> Post:
    """A steward hides a post (moderation): the reason goes to the audit log.

    Notifications the post caused (a mention, a reply) are withdrawn, so
    nobody is sent to read what was hidden.
    """
    call = post.thread.call
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the stewards of the call moderate its discussions."))
    reason = _text(reason, field="reason", label=_("The reason"), limit=MAX_REASON_CHARS)
    if not post.hidden:
        post.hidden, post.hidden_reason, post.hidden_by = True, reason, actor
        post.save(update_fields=["hidden", "hidden_reason", "hidden_by"])
        notifying.withdraw(Notification.objects.filter(post=post))
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.POST_HIDDEN,
            subject=post.author,
            target=post.thread.title,
            post=post.pk,
            author=post.author.username,
            reason=reason,
        )
        _after_commit(post.thread)
    return post


# Reading


def _threads():
    first = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "pk")
    return Thread.objects.select_related(
        "call", "resource__challenge", "author", "version"
    ).annotate(
        opening_html=Subquery(first.values("body_html")[:1]),
        opening_hidden=Subquery(first.values("hidden")[:1]),
    )


def opening_of(thread) -> tuple[str, bool]:
    """(HTML, hidden) of the thread's first post, from the list's annotations when there."""
    if hasattr(thread, "opening_html"):
        return thread.opening_html or "", bool(thread.opening_hidden)
    first = thread.posts.order_by("created_at", "pk").first()
    return (first.body_html, first.hidden) if first else ("", False)


def threads_of(*, call: Call, resource: Resource | None = None):
    """The threads of a commun, or of a call's forum (call threads only), latest first."""
    if resource is not None:
        return _threads().filter(resource=resource)
    return _threads().filter(call=call, resource__isnull=True)


def challenge_threads(challenge):
    """The open threads of the communs answering `challenge`, the latest active first."""
    return (
        Thread.objects.filter(resource__challenges=challenge, resolved=False)
        .select_related("resource")
        .order_by("-last_post_at", "-pk")
    )


def open_threads(resource: Resource):
    """A commun's open threads, latest active first, with what its panel shows (title, count)."""
    return Thread.objects.filter(resource=resource, resolved=False).only(
        "pk", "title", "posts_count", "last_post_at"
    )


def get_thread(user, *, call_slug: str, pk, resource_slug: str | None = None) -> Thread:
    """A thread the user may see, at the address it lives at, else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("No such thread.")) from None
    if not 1 <= pk <= 2**63 - 1:
        raise Http404(_("No such thread."))
    queryset = _threads().filter(call__in=Call.objects.visible_to(user), call__slug=call_slug)
    if resource_slug is None:
        queryset = queryset.filter(resource__isnull=True)
    else:
        queryset = queryset.filter(resource__slug=resource_slug)
    thread = get_object_or_404(queryset, pk=pk)
    if thread.resource is not None:
        thread.resource.call = thread.call
    return thread


def posts_of(thread: Thread):
    """The thread's posts in order, with their authors (one query)."""
    return thread.posts.select_related("author").order_by("created_at", "pk")


def get_post(thread: Thread, pk) -> Post:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("No such message.")) from None
    if not 1 <= pk <= 2**63 - 1:
        raise Http404(_("No such message."))
    post = get_object_or_404(Post.objects.select_related("author"), thread=thread, pk=pk)
    post.thread = thread
    return post
