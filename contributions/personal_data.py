"""A person's own data: download all of it, or delete their account.

Here, at the top of the layers, because a person's data spans them all:
their account and roles (appel), the versions they saved and the files
they uploaded (resources), their reviews, threads, posts, watches and
notifications (contributions).

Deleting an account does not delete what the person wrote. Each version
was published under an open license, which cannot be withdrawn afterwards:
people who reused a text must be able to go on reusing it, and the license
requires them to credit its authors. So the versions stay, credited to the
account row, which stays too (without e-mail, password, sessions, token or
roles), and so do their files, threads and posts, which others answered;
their watches and notifications, which served only them, go. The person
chooses how the credits read from then on: their display name, or
"ancien contributeur n°N" / "former contributor no. N", which still lets
reusers credit "an author" distinctly without naming them. The audit log
keeps the deletion.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from appel import audit, sessions
from appel.models import AuditEntry, User
from appel.stewarding import LastSteward, remove_member
from resources import authorship, reading
from resources.models import FileRevision, ResourceVersion

from . import notifying
from .models import Notification, Post, Review, Thread, Watch

FORMAT_VERSION = 1


class AccountNotDeletable(Exception):
    """The account holds a role no one else can take over; the message says which."""


def export_data(user: User) -> dict:
    """Everything the platform keeps about `user`, and everything they wrote.

    Others appear only by their public username; nobody else's e-mail,
    sessions or private figures are included.
    """
    versions = list(
        ResourceVersion.objects.filter(author=user)
        .select_related("resource__call")
        .order_by("created_at", "pk")
    )
    reading.load_contents(versions)
    reviews = Review.objects.filter(reviewer=user).select_related("version__resource__call")
    entries = AuditEntry.objects.filter(actor=user).select_related("call", "subject")
    threads = Thread.objects.filter(author=user).select_related("call", "resource")
    posts = Post.objects.filter(author=user).select_related("thread")
    watches = Watch.objects.filter(user=user).select_related("call", "resource")
    files = FileRevision.objects.filter(uploaded_by=user).select_related("file__resource__call")
    return {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_funder": user.is_funder,
            "has_api_token": Token.objects.filter(user=user).exists(),
        },
        "preferences": {
            "email_notifications": user.email_notifications,
            "language": user.language,
        },
        "roles": [
            {"call": m.call.slug, "role": m.role, "since": m.created_at.isoformat()}
            for m in user.memberships.select_related("call").order_by("created_at", "pk")
        ],
        "versions": [
            {
                "call": v.resource.call.slug,
                "resource": v.resource.slug,
                "number": v.number,
                "created_at": v.created_at.isoformat(),
                "title": v.title,
                "comment": v.comment,
                "license": v.resource.license,
                # The words of this version that are theirs (who wrote what: authorship).
                "words_written": "".join(
                    text
                    for author_id, text in authorship.passages(v.content, v.authorship)
                    if author_id == user.pk
                ),
            }
            for v in versions
        ],
        "reviews": [
            {
                "call": r.version.resource.call.slug,
                "resource": r.version.resource.slug,
                "version": r.version.number,
                "verdict": r.verdict,
                "comment": r.comment,
                "created_at": r.created_at.isoformat(),
            }
            for r in reviews.order_by("created_at", "pk")
        ],
        "files": [
            {
                "call": f.file.resource.call.slug,
                "resource": f.file.resource.slug,
                "name": f.file.name,
                "revision": f.number,
                "size": f.size,
                "content_type": f.content_type,
                "sha256": f.sha256,
                "license": f.license,
                "uploaded_at": f.created_at.isoformat(),
            }
            for f in files.order_by("created_at", "pk")
        ],
        "threads": [
            {
                "id": t.pk,
                "call": t.call.slug,
                "resource": t.resource.slug if t.resource_id else None,
                "title": t.title,
                "quote": t.quote,
                "resolved": t.resolved,
                "created_at": t.created_at.isoformat(),
            }
            for t in threads.order_by("created_at", "pk")
        ],
        "posts": [
            {
                "thread": p.thread_id,
                "thread_title": p.thread.title,
                "body": p.body,
                "hidden": p.hidden,
                "created_at": p.created_at.isoformat(),
                "edited_at": p.edited_at.isoformat() if p.edited_at else None,
            }
            for p in posts.order_by("created_at", "pk")
        ],
        "watches": [
            {
                "call": w.call.slug,
                "resource": w.resource.slug if w.resource_id else None,
                "since": w.created_at.isoformat(),
            }
            for w in watches.order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "text": notifying.text_of(n),
                "url": notifying.url_of(n),
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in notifying.notifications_of(user)
        ],
        "audit_log": [
            {
                "call": e.call.slug if e.call_id else None,
                "action": e.action,
                "about": e.subject.username if e.subject_id else None,
                "target": e.target,
                "details": e.details,
                "created_at": e.created_at.isoformat(),
            }
            for e in entries.order_by("created_at", "pk")
        ],
        "sessions": [
            {
                "signed_in_at": s.created_at.isoformat(),
                "ip_address": s.ip_address,
                "browser": s.user_agent,
            }
            for s in sessions.sessions_of(user)
        ],
    }


@transaction.atomic
def delete_account(*, user: User, keep_name: bool) -> User:
    """Close `user`'s account; their contributions stay, credited as they choose.

    Their roles end first (through stewarding, so the call's audit log says
    so); a last funder of a call must hand it over before: AccountNotDeletable.
    Then the e-mail, password, sessions, API token, watches and
    notifications go; what they wrote (versions, threads, posts) and
    uploaded stays.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    for membership in user.memberships.select_related("call"):
        try:
            remove_member(call=membership.call, user=user, actor=user)
        except LastSteward:
            raise AccountNotDeletable(
                _(
                    "You are the last funder of the call “%(title)s”: name another funder "
                    "there before deleting your account."
                )
                % {"title": membership.call.title}
            ) from None
    audit.record(call=None, actor=user, action=audit.Action.ACCOUNT_DELETED, kept_name=keep_name)
    sessions.end_all_sessions(user)
    # Sessions from before the list was kept too: their signature no longer holds.
    user.sign_out_everywhere()
    user.email = ""
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.deleted_at = timezone.now()
    Watch.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    user.unread_notifications = 0
    if not keep_name:
        # The number is the account's own: unique, stable, and it reveals nothing.
        user.former_number = user.pk
        user.display_name = ""
        user.username = f"former-contributor-{user.pk}"
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user
