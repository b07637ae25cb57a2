"""Background work of contributions, with Django's tasks framework (`django.tasks`).

Each task takes ids, re-reads the rows (they may have changed or gone
since it was enqueued) and is safe to run twice: a notification fan-out
does nothing when its notifications exist already, an e-mail is claimed
(`notifying.claim_for_email`) before it is sent. The backend is set in
settings.TASKS: the immediate one runs them at once (`make run`, tests),
django_tasks_db's worker (`manage.py db_worker`) in production.
"""

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.tasks import task

from appel.models import Call, Cutoff, User
from resources.models import Participation, Resource, ResourceVersion

from . import notifying, reviewing
from .models import Decision, Notification, Post, Review, Watch

Kind = Notification.Kind


@task
def notify_version(version_id: int, actor_id: int) -> None:
    """A version was saved: its author watches the commun; its watchers are told.

    Version 1 is a new commun: the call's watchers are told too.
    """
    version = (
        ResourceVersion.objects.select_related("resource__call")
        .defer("html", "authorship", "resource__content", "resource__search_document")
        .filter(pk=version_id)
        .first()
    )
    if (
        version is None
        or Notification.objects.filter(version=version, kind=Kind.NEW_VERSION).exists()
    ):
        return
    resource = version.resource
    actor = User.objects.filter(pk=actor_id).first()
    with transaction.atomic():
        if actor is not None:
            notifying.watch(user=actor, call=resource.call, resource=resource)
        recipients = notifying.watchers(call=resource.call, resource=resource)
        if version.number == 1:
            recipients |= notifying.watchers(call=resource.call)
        notifying.deliver(
            kind=Kind.NEW_VERSION,
            recipients=recipients,
            actor_id=actor_id,
            call=resource.call,
            resource=resource,
            version=version,
        )


@task
def notify_joined(resource_id: int, user_id: int) -> None:
    """Someone joined a commun: they watch it, and its team and watchers are told."""
    resource = Resource.objects.select_related("call").filter(pk=resource_id).first()
    user = User.objects.filter(pk=user_id).first()
    if resource is None or user is None:
        return
    if Notification.objects.filter(resource=resource, actor=user, kind=Kind.JOINED).exists():
        return
    with transaction.atomic():
        notifying.watch(user=user, call=resource.call, resource=resource)
        team = set(
            Participation.objects.filter(resource=resource).values_list("user_id", flat=True)
        )
        notifying.deliver(
            kind=Kind.JOINED,
            recipients=team | notifying.watchers(call=resource.call, resource=resource),
            actor_id=user_id,
            call=resource.call,
            resource=resource,
        )


@task
def notify_post(post_id: int) -> None:
    """A post was written: the watchers hear of the new thread or the reply, the mentioned of it."""
    post = (
        Post.objects.select_related("thread__call", "thread__resource", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.hidden or Notification.objects.filter(post=post).exists():
        return
    thread = post.thread
    first = thread.posts.order_by("created_at", "pk").values_list("pk", flat=True)[:1]
    first = list(first) == [post.pk]
    names = notifying.mentioned_usernames(post.body)
    mentioned = set(
        User.objects.filter(username__in=names).values_list("pk", flat=True) if names else []
    )
    objects = {"resource": thread.resource, "thread": thread, "post": post}
    with transaction.atomic():
        notifying.deliver(
            kind=Kind.MENTION,
            recipients=mentioned,
            actor_id=post.author_id,
            call=thread.call,
            **objects,
        )
        notifying.deliver(
            kind=Kind.THREAD if first else Kind.REPLY,
            recipients=notifying.watchers(call=thread.call, resource=thread.resource) - mentioned,
            actor_id=post.author_id,
            call=thread.call,
            **objects,
        )


@task
def notify_review(review_id: int) -> None:
    """A review was recorded: the authors of the version hear of it (or of its validation)."""
    review = (
        Review.objects.select_related("version__resource__call")
        .defer("version__html", "version__authorship", "version__resource__content")
        .filter(pk=review_id)
        .first()
    )
    if review is None or Notification.objects.filter(review=review).exists():
        return
    version = review.version
    validated = version.state == ResourceVersion.State.VALIDATED
    already = Notification.objects.filter(version=version, kind=Kind.VALIDATED).exists()
    notifying.deliver(
        kind=Kind.VALIDATED if validated and not already else Kind.REVIEW,
        recipients=reviewing.author_ids(version),
        actor_id=review.reviewer_id,
        call=version.resource.call,
        resource=version.resource,
        version=version,
        review=review,
    )


@task
def notify_call_status(call_id: int, status: str, actor_id: int | None, at: str) -> None:
    """A call moved: those who watch it or one of its communs are told."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None or call.status != status:  # gone, or moved again since: that move tells
        return
    moment = datetime.fromisoformat(at)
    if Notification.objects.filter(
        call=call, kind=Kind.CALL_STATUS, created_at__gte=moment
    ).exists():
        return
    recipients = set(Watch.objects.filter(call=call).values_list("user_id", flat=True).distinct())
    notifying.deliver(kind=Kind.CALL_STATUS, recipients=recipients, actor_id=actor_id, call=call)


@task
def notify_decisions(cutoff_id: int, actor_id: int) -> None:
    """A cut-off was published: the authors and the team of each commun decided about are told."""
    cutoff = Cutoff.objects.select_related("call").filter(pk=cutoff_id, published=True).first()
    if (
        cutoff is None
        or Notification.objects.filter(kind=Kind.DECISION, decision__cutoff=cutoff).exists()
    ):
        return
    decisions = list(Decision.objects.filter(cutoff=cutoff).order_by("pk").only("resource_id"))
    resources = [decision.resource_id for decision in decisions]
    people = defaultdict(set)
    authors = (
        ResourceVersion.objects.filter(resource_id__in=resources)
        .order_by()
        .values_list("resource_id", "author_id")
        .distinct()
    )
    team = Participation.objects.filter(resource_id__in=resources).values_list(
        "resource_id", "user_id"
    )
    for resource_id, user_id in [*authors, *team]:
        people[resource_id].add(user_id)
    with transaction.atomic():
        notifying.deliver_each(
            kind=Kind.DECISION,
            actor_id=actor_id,
            call=cutoff.call,
            batches=[
                (people[d.resource_id], {"resource_id": d.resource_id, "decision": d})
                for d in decisions
            ],
        )


@task
def email_notification(notification_id: int) -> None:
    """One notification by e-mail, to someone who asked for them at once."""
    # Claimed and sent in one transaction: a failed send gives the claim back (a retry
    # sends it), a second run finds it claimed (nothing is sent twice).
    with transaction.atomic():
        for notification in notifying.claim_for_email([notification_id]):
            user = notification.recipient
            if user.email and user.is_active:
                notifying.compose_email(user, [notification]).send()


@task
def send_digest(user_id: int) -> None:
    """The daily digest of one person: what no e-mail told them of yet."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    if user.email_notifications != User.EmailNotifications.DAILY:
        return
    with transaction.atomic():  # as above: sent, or left for the next run
        claimed = notifying.claim_for_email(notifying.digest_ids(user))
        if claimed:
            notifying.compose_email(user, claimed, digest=True).send()
