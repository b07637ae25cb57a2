"""Watching, notifications in the site, and the e-mails that tell of them.

Who hears of what:
- watchers of a commun hear of its new versions, threads and replies, and of
  who joins it; watchers of a call hear of its new communs and of the
  threads of its forum; creating, editing, joining or posting watches;
- the authors of a version hear of its reviews (and of its validation);
- whoever is `@mentioned` in a post hears of it (one notification per post,
  the mention taking the place of the reply);
- the authors and the team of a commun hear of the decision about it when
  its cut-off is published;
- never the person who acted, never an inactive account, and nobody about a
  draft call's objects but its stewards.

The domain functions only enqueue a task after their commit (`post_written`,
`review_recorded`, `decisions_published`; `resources.signals` for versions and joins, connected in
contributions/apps.py); the tasks (contributions/tasks.py) re-read the rows
and call `deliver`, which writes the notifications in bulk, keeps each
recipient's unread count (`User.unread_notifications`, read with the user
by the header's bell: no query per page) and sends the immediate e-mails.
A notification is e-mailed once at most (`emailed_at`): the daily digest
(`manage.py send_digests`) takes what is left.
"""

import re
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appel.models import Call, Membership, User

from .models import Notification, Watch

Kind = Notification.Kind
# @username as Django accepts usernames (letters, digits and @.+-_); a
# trailing dot or dash ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")
UNSUBSCRIBE_SALT = "contributions.unsubscribe"
DIGEST_WINDOW = timedelta(days=7)


# Watching


def watch(*, user, call: Call, resource=None) -> bool:
    """`user` watches `resource` (or `call` when None); True when they did not before."""
    if not user.is_authenticated:
        return False
    if resource is not None:
        call = resource.call
    try:
        with transaction.atomic():
            _, created = Watch.objects.get_or_create(user=user, call=call, resource=resource)
    except IntegrityError:  # the same watch, saved an instant ago
        return False
    return created


def unwatch(*, user, call: Call, resource=None) -> None:
    if resource is not None:
        Watch.objects.filter(user=user, resource=resource).delete()
    else:
        Watch.objects.filter(user=user, call=call, resource__isnull=True).delete()


def is_watching(user, *, call: Call, resource=None) -> bool:
    if not user.is_authenticated:
        return False
    if resource is not None:
        return Watch.objects.filter(user=user, resource=resource).exists()
    return Watch.objects.filter(user=user, call=call, resource__isnull=True).exists()


def watchers(*, call: Call, resource=None) -> set[int]:
    if resource is not None:
        found = Watch.objects.filter(resource=resource)
    else:
        found = Watch.objects.filter(call=call, resource__isnull=True)
    return set(found.values_list("user_id", flat=True))


# Enqueueing (called by the domain functions, inside their transactions)


def post_written(post) -> None:
    from . import tasks

    post_id = post.pk
    transaction.on_commit(lambda: tasks.notify_post.enqueue(post_id))


def review_recorded(review) -> None:
    from . import tasks

    review_id = review.pk
    transaction.on_commit(lambda: tasks.notify_review.enqueue(review_id))


def decisions_published(cutoff, actor) -> None:
    from . import tasks

    cutoff_id, actor_id = cutoff.pk, actor.pk
    transaction.on_commit(lambda: tasks.notify_decisions.enqueue(cutoff_id, actor_id))


def mentioned_usernames(body: str) -> set[str]:
    """The usernames `@mentioned` in a Markdown body (unknown ones are dropped later)."""
    return {name.rstrip(".-+@") for name in MENTION.findall(body)} - {""}


# Writing notifications (called by the tasks)


def _may_see(call: Call, user_ids: set[int]) -> set[int]:
    """Those of `user_ids` who may see `call`'s objects: a draft's are its stewards' alone."""
    people = User.objects.filter(pk__in=user_ids, is_active=True)
    if call.status == Call.Status.DRAFT:
        stewards = Membership.objects.filter(call=call, role=Membership.Role.STEWARD)
        people = people.filter(pk__in=stewards.values("user_id"))
    return set(people.values_list("pk", flat=True))


def deliver(*, kind, recipients, actor_id, call, **objects) -> list[Notification]:
    """Write one notification of `kind` for each recipient who may have it, in bulk.

    `objects`: resource, version, thread, post, review, decision (what the
    notification is about). Returns the notifications written.
    """
    return deliver_each(kind=kind, actor_id=actor_id, call=call, batches=[(recipients, objects)])


def deliver_each(*, kind, actor_id, call, batches) -> list[Notification]:
    """`deliver` for several objects of one call at once, still in bulk.

    `batches`: [(recipients, objects)], one notification of `kind` about
    `objects` for each of its recipients who may have it.
    """
    everyone = set().union(*(set(recipients) for recipients, _objects in batches))
    ids = _may_see(call, everyone - {actor_id, None})
    if not ids:
        return []
    now = timezone.now()
    written = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, kind=kind, actor_id=actor_id, call=call, created_at=now, **objects
            )
            for recipients, objects in batches
            for pk in sorted(ids & set(recipients))
        ]
    )
    # One UPDATE per distinct number of new notifications (one, nearly always).
    by_count = defaultdict(list)
    for pk, count in Counter(n.recipient_id for n in written).items():
        by_count[count].append(pk)
    for count, pks in by_count.items():
        User.objects.filter(pk__in=pks).update(
            unread_notifications=F("unread_notifications") + count
        )
    from . import tasks

    immediate = set(
        User.objects.filter(
            pk__in=ids, email_notifications=User.EmailNotifications.IMMEDIATE
        ).values_list("pk", flat=True)
    )
    for notification in written:
        if notification.recipient_id in immediate:
            tasks.email_notification.enqueue(notification.pk)
    return written


def _recount(user_ids) -> None:
    """Set the unread count of these users from their notifications (one UPDATE)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk__in=user_ids).update(unread_notifications=Coalesce(Subquery(unread), 0))


def withdraw(notifications) -> None:
    """Delete `notifications` (a queryset) and keep their recipients' counts right."""
    recipients = set(notifications.values_list("recipient_id", flat=True))
    notifications.delete()
    if recipients:
        _recount(recipients)


# Reading


def notifications_of(user, *, unread_only=False):
    """`user`'s notifications, newest first, with what their texts name (one query)."""
    found = Notification.objects.filter(recipient=user).select_related(
        "actor", "call", "resource", "version", "thread", "review", "decision__cutoff"
    )
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created_at", "-pk")


@transaction.atomic
def mark_read(*, user, ids=None) -> int:
    """Mark `ids` (all when None) of `user`'s notifications read; returns how many changed."""
    found = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        found = found.filter(pk__in=ids)
    changed = found.update(read_at=timezone.now())
    _recount([user.pk])
    return changed


def _actor(notification):
    actor = notification.actor
    return actor.name if actor else _("Someone")


def text_of(notification) -> str:
    """What a notification says, in the active language."""
    n = notification
    values = {
        "actor": _actor(n),
        "call": n.call.title,
        "resource": n.resource.title if n.resource_id else "",
        "number": n.version.number if n.version_id else "",
        "thread": n.thread.title if n.thread_id else "",
    }
    if n.kind == Kind.NEW_VERSION:
        if n.version_id and n.version.number == 1:
            return _("%(actor)s proposed a new commun, “%(resource)s”.") % values
        return _("%(actor)s saved version %(number)s of “%(resource)s”.") % values
    if n.kind == Kind.REVIEW:
        values["verdict"] = n.review.get_verdict_display().lower() if n.review_id else ""
        return _("%(actor)s reviewed version %(number)s of “%(resource)s”: %(verdict)s.") % values
    if n.kind == Kind.VALIDATED:
        return _("Version %(number)s of “%(resource)s” is validated.") % values
    if n.kind == Kind.THREAD:
        values["target"] = values["resource"] or values["call"]
        return _("%(actor)s opened the thread “%(thread)s” about “%(target)s”.") % values
    if n.kind == Kind.REPLY:
        return _("%(actor)s replied in “%(thread)s”.") % values
    if n.kind == Kind.MENTION:
        return _("%(actor)s mentioned you in “%(thread)s”.") % values
    if n.kind == Kind.JOINED:
        return _("%(actor)s joined “%(resource)s”.") % values
    if n.kind == Kind.CALL_STATUS:
        values["status"] = n.call.get_status_display().lower()
        return _("The call “%(call)s” is now %(status)s.") % values
    values["cutoff"] = n.decision.cutoff.title
    values["decision"] = n.decision.get_decision_display().lower()
    return (
        _("%(actor)s published the decision about “%(resource)s” (%(cutoff)s): %(decision)s.")
        % values
    )


def url_of(notification) -> str:
    """Where a notification leads (a path)."""
    n = notification
    call = n.call.slug
    if n.thread_id:
        n.thread.call = n.call
        if n.resource_id:
            n.thread.resource = n.resource
        url = n.thread.get_absolute_url()
        return f"{url}#post-{n.post_id}" if n.post_id else url
    if n.version_id:
        return reverse("resources:version-detail", args=[call, n.resource.slug, n.version.number])
    if n.resource_id:
        return reverse("resources:resource-detail", args=[call, n.resource.slug])
    return reverse("appel:call-detail", args=[call])


# Preferences and e-mails


def set_preferences(*, user, email_notifications=None, language=None) -> User:
    """Change how `user` hears by e-mail (a ValidationError names a bad choice)."""
    fields = []
    if email_notifications is not None:
        if email_notifications not in User.EmailNotifications.values:
            raise ValidationError(
                {
                    "email_notifications": [
                        _("Choose one of: %(choices)s.")
                        % {"choices": ", ".join(User.EmailNotifications.values)}
                    ]
                }
            )
        user.email_notifications = email_notifications
        fields.append("email_notifications")
    if language is not None:
        codes = [code for code, _name in settings.LANGUAGES]
        if language not in codes:
            raise ValidationError(
                {"language": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(codes)}]}
            )
        user.language = language
        fields.append("language")
    if fields:
        User.objects.filter(pk=user.pk).update(**{name: getattr(user, name) for name in fields})
    return user


def unsubscribe_token(user, *, resource=None, call=None) -> str:
    """A signed token that stops e-mails (or unwatches one thing) without logging in."""
    payload = {"u": user.pk}
    if resource is not None:
        payload["r"] = resource.pk
    elif call is not None:
        payload["c"] = call.pk
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("u"), int) else None


@transaction.atomic
def unsubscribe(payload: dict) -> tuple[User, object]:
    """Apply a token's request: unwatch the resource or call it names, else stop e-mails."""
    from resources.models import Resource

    user = User.objects.get(pk=payload["u"])
    if "r" in payload:
        resource = Resource.objects.select_related("call").filter(pk=payload["r"]).first()
        if resource is not None:
            unwatch(user=user, call=resource.call, resource=resource)
        return user, resource
    if "c" in payload:
        call = Call.objects.filter(pk=payload["c"]).first()
        if call is not None:
            unwatch(user=user, call=call)
        return user, call
    set_preferences(user=user, email_notifications=User.EmailNotifications.NEVER)
    return user, None


def _absolute(path):
    """E-mails need whole addresses: SITE_URL, else the address `make run` serves."""
    return (settings.SITE_URL or "http://127.0.0.1:8000") + path


def compose_email(user, notifications, *, digest=False) -> EmailMultiAlternatives:
    """One e-mail telling `user` of `notifications`, plain text and HTML, in their language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = [
            {"text": text_of(n), "url": _absolute(url_of(n)), "created_at": n.created_at}
            for n in notifications
        ]
        unsubscribe_url = _absolute(
            reverse("contributions:unsubscribe", args=[unsubscribe_token(user)])
        )
        unwatch_url = None
        if not digest and notifications[0].resource_id:
            token = unsubscribe_token(user, resource=notifications[0].resource)
            unwatch_url = _absolute(reverse("contributions:unsubscribe", args=[token]))
        ctx = {
            "user": user,
            "items": items,
            "digest": digest,
            "unsubscribe_url": unsubscribe_url,
            "unwatch_url": unwatch_url,
            "notifications_url": _absolute(reverse("contributions:notifications")),
        }
        if digest:
            subject = _("Your day on the calls for commons: %(n)s notifications") % {
                "n": len(items)
            }
        else:
            subject = items[0]["text"]
        text = render_to_string("contributions/email/notifications.txt", ctx)
        html = render_to_string("contributions/email/notifications.html", ctx)
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def claim_for_email(notification_ids) -> list[Notification]:
    """Mark these notifications e-mailed and return those no one e-mailed before.

    The UPDATE is the claim: two runs of the same task, or a digest running
    beside an immediate e-mail, never tell of one notification twice.
    """
    now = timezone.now()
    claimed = []
    for notification in notifications_of_ids(notification_ids):
        changed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=now
        )
        if changed:
            claimed.append(notification)
    return claimed


def notifications_of_ids(ids):
    return list(
        Notification.objects.filter(pk__in=ids)
        .select_related(
            "recipient",
            "actor",
            "call",
            "resource",
            "version",
            "thread",
            "review",
            "decision__cutoff",
        )
        .order_by("created_at", "pk")
    )


def digest_ids(user) -> list[int]:
    """The notifications of the last days that no e-mail told `user` of yet."""
    since = timezone.now() - DIGEST_WINDOW
    return list(
        Notification.objects.filter(
            recipient=user, emailed_at__isnull=True, read_at__isnull=True, created_at__gte=since
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def digest_recipients():
    """Who takes the daily digest and has something waiting for it."""
    since = timezone.now() - DIGEST_WINDOW
    waiting = Notification.objects.filter(
        emailed_at__isnull=True, read_at__isnull=True, created_at__gte=since
    ).values("recipient_id")
    return (
        User.objects.filter(
            pk__in=waiting, is_active=True, email_notifications=User.EmailNotifications.DAILY
        )
        .exclude(email="")
        .values_list("pk", flat=True)
    )


def move_watches(sender=None, *, resource_id, into_id, **kwargs):
    """The watchers of a commun merged into another now watch the kept one (nobody twice)."""
    already = Watch.objects.filter(resource_id=into_id).values_list("user_id", flat=True)
    Watch.objects.filter(resource_id=resource_id).exclude(user_id__in=list(already)).update(
        resource_id=into_id
    )
    Watch.objects.filter(resource_id=resource_id).delete()
