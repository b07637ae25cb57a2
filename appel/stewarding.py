"""Writes that run a call: launching it, editing it and its défis, moving its status, its members.

The HTML views and the API both call these functions. A call must always
keep at least one steward: without one, nobody could open, edit or even see
it (a draft is visible to its stewards alone). So every membership change
locks the call row first, and two stewards removing each other at the same
instant cannot leave the call orphaned. Once archived, a call is a
read-only record: every write here refuses it (CallArchived).
"""

import contextlib
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import audit, signals, tasks
from .models import Call, Challenge, Cutoff, Invitation, Membership, User

INVITATION_SALT = "appel.invitation"
INVITATION_MAX_AGE = 30 * 24 * 3600  # seconds: the e-mail says "30 days"


class LastSteward(Exception):
    """Refused: the change would leave the call without a steward."""

    def __init__(self, call):
        self.call = call
        super().__init__(
            _("A call needs at least one steward: add another steward before this change.")
        )


class CallArchived(Exception):
    """Refused: an archived call is a read-only record, for its stewards too.

    Its title, budget, défis, members and retribution stay as they were when
    it was archived; what was funded, and why, must not change afterwards.
    """

    def __init__(self, call):
        self.call = call
        super().__init__(
            _("The call “%(title)s” is archived: it is a read-only record.") % {"title": call.title}
        )


def refuse_if_archived(call):
    """Lock the call row and raise CallArchived if it is archived (read under the lock)."""
    status = Call.objects.select_for_update().filter(pk=call.pk).values_list("status", flat=True)
    if status.first() == Call.Status.ARCHIVED:
        raise CallArchived(call)


@transaction.atomic
def launch_call(*, call: Call, funder: User) -> Call:
    """Saves a new call as a draft, its funder as first steward, both or neither.

    `call` is an unsaved, validated instance (from the web form or the API).
    """
    call.status = Call.Status.DRAFT
    call.created_by = funder
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError:  # the same slug, taken an instant ago (a double submit)
        raise ValidationError({"slug": _("Another call took this slug a moment ago.")}) from None
    Membership.objects.create(call=call, user=funder, role=Membership.Role.STEWARD)
    _roles_changed(funder)
    return call


def _roles_changed(user):
    """Their header's review count was computed for their former roles."""
    transaction.on_commit(lambda: cache.delete(Membership.waiting_cache_key(user.pk)))


def _is_last_steward(call, membership):
    return (
        membership.role == Membership.Role.STEWARD
        and not call.memberships.filter(role=Membership.Role.STEWARD)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def set_member(*, call: Call, user: User, role: str, actor=None) -> tuple[Membership, bool]:
    """Gives `user` the `role` on `call`; returns (membership, created).

    Posting an existing member again changes their role, which is how a
    reviewer becomes a steward; demoting the last steward is refused.
    """
    refuse_if_archived(call)
    membership = Membership.objects.filter(call=call, user=user).first()
    if membership is None:
        membership = Membership.objects.create(call=call, user=user, role=role)
        _roles_changed(user)
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.MEMBER_ADDED,
            subject=user,
            target=user,
            role=role,
        )
        return membership, True
    if membership.role != role:
        if _is_last_steward(call, membership):
            raise LastSteward(call)
        before, membership.role = membership.role, role
        membership.save(update_fields=["role"])
        _roles_changed(user)
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.ROLE_CHANGED,
            subject=user,
            target=user,
            before=before,
            after=role,
        )
    return membership, False


@transaction.atomic
def remove_member(*, call: Call, user: User, actor=None) -> None:
    """Removes `user` from the call's members, unless they are its last steward.

    The membership is read again once the call is locked: a role read before
    the lock may have changed since.
    """
    refuse_if_archived(call)
    membership = Membership.objects.filter(call=call, user=user).first()
    if membership is None:
        return
    if _is_last_steward(call, membership):
        raise LastSteward(call)
    membership.delete()
    _roles_changed(user)
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.MEMBER_REMOVED,
        subject=user,
        target=user,
        role=membership.role,
    )


class StatusMoveRefused(Exception):
    """Refused: a call's status moves draft -> open -> closed -> archived, one step at a time."""

    def __init__(self, call, to):
        self.call, self.to = call, to
        super().__init__(
            _("A call cannot move from “%(current)s” to “%(status)s”.")
            % {"current": call.get_status_display(), "status": Call.Status(to).label}
        )


def _locked(call):
    """The call's row as stored now, locked until the transaction ends."""
    return Call.objects.select_for_update().get(pk=call.pk)


def _show(stored, call):
    """The caller's instance (with its prefetches and annotations) shows what is stored now."""
    for field in Call._meta.concrete_fields:
        setattr(call, field.attname, getattr(stored, field.attname))
    return call


@transaction.atomic
def move_status(*, call: Call, to: str, actor) -> Call:
    """Moves `call` to the status `to`, the one next step (`Call.NEXT_STATUS`) or nothing.

    The web button, the API and any command or shell call go through here:
    the move is checked on the row read under lock, so two moves at once
    cannot both start from the same status, and a refused move raises
    StatusMoveRefused. Only the status (and `updated_at`) is written.
    """
    stored = _locked(call)
    if to not in Call.Status.values or not stored.can_move_to(to):
        raise StatusMoveRefused(stored, to if to in Call.Status.values else stored.status)
    before, stored.status = stored.status, to
    stored.save(update_fields=["status", "updated_at"])
    audit.record(
        call=stored,
        actor=actor,
        action=audit.Action.STATUS_CHANGED,
        target=stored.slug,
        before=before,
        after=to,
    )
    moved = {
        "call_id": stored.pk,
        "status": to,
        "actor_id": getattr(actor, "pk", None),
        "at": timezone.now().isoformat(),
    }
    transaction.on_commit(lambda: signals.call_status_changed.send(sender=None, **moved))
    return _show(stored, call)


@transaction.atomic
def open_call(*, call: Call, actor, at_once: bool = False) -> Call:
    """Opens a draft: scheduled while its opening date is ahead (it opens by itself then).

    `at_once` opens it now, a draft or an already scheduled call: the opening
    date becomes now, so that the page's status and dates say the same. A
    call whose closing date has passed is not opened (it would be closed at
    once): the steward moves the date first.
    """
    now = timezone.now()
    stored = _locked(call)
    if stored.closes_at is not None and stored.closes_at <= now:
        raise ValidationError(
            {"closes_at": _("The closing date has passed: move it before opening the call.")}
        )
    if stored.status == Call.Status.DRAFT:
        move_status(call=call, to=Call.Status.OPEN, actor=actor)
    elif not (at_once and stored.phase_at(now) == Call.SCHEDULED):
        raise StatusMoveRefused(stored, Call.Status.OPEN)
    if at_once and stored.opens_at is not None and stored.opens_at > now:
        save_call(call=call, actor=actor, changes={"opens_at": now})
    return call


@transaction.atomic
def close_call(*, call: Call, actor) -> Call:
    """Closes an open call now; a closing date still ahead becomes now (page and dates agree)."""
    now = timezone.now()
    move_status(call=call, to=Call.Status.CLOSED, actor=actor)
    changes = {}
    if call.closes_at is None or call.closes_at > now:
        changes["closes_at"] = now
    if call.opens_at is not None and call.opens_at > now:
        changes["opens_at"] = now  # closed before its announced opening: it never opened later
    return save_call(call=call, actor=actor, changes=changes) if changes else call


def change_status(*, call: Call, to: str, actor, at_once: bool = False) -> Call:
    """The one entry of the page's button and the API's PATCH: opening and closing follow
    the dates (`open_call`, `close_call`), other moves are `move_status`'s."""
    if to == Call.Status.OPEN:
        return open_call(call=call, actor=actor, at_once=at_once)
    if to == Call.Status.CLOSED:
        return close_call(call=call, actor=actor)
    return move_status(call=call, to=to, actor=actor)


def catch_up(call: Call) -> Call:
    """Records the close a call's closing date made, the first time anyone loads the call.

    No scheduler is needed for correctness: `Call.phase` already reads the
    dates; this writes the move (in the audit log, by nobody) so that the
    stored status, the lists filtered on it and the API agree afterwards.
    """
    if call.status == Call.Status.OPEN and call.phase == Call.Status.CLOSED:
        # Refused when someone moved it an instant ago: nothing left to record then.
        with contextlib.suppress(StatusMoveRefused):
            move_status(call=call, to=Call.Status.CLOSED, actor=None)
    return call


@transaction.atomic
def save_challenge(*, challenge: Challenge) -> Challenge:
    """Saves a new or edited défi, unless its call is archived."""
    refuse_if_archived(challenge.call)
    challenge.save()
    return challenge


# Written with a call's row, never by save_call's `changes`: the status moves
# through move_status; description_html follows description.
_NOT_CHANGES = frozenset({"id", "status", "description_html", "created_by", "created_at"})


@transaction.atomic
def save_call(*, call: Call, actor, changes: dict) -> Call:
    """Saves a steward's `changes` ({field: value}) to a call, logging budget moves.

    The web form and the API save through here, so the audit log sees every
    change whichever way it came. The row is locked and read again, and only
    the changed fields are written: two stewards changing different fields
    at once both keep their change. The status never changes here
    (`move_status` does that). Returns `call`, showing what is stored now.
    """
    if refused := _NOT_CHANGES.intersection(changes):
        raise ValueError(f"save_call does not change {', '.join(sorted(refused))}")
    stored = _locked(call)
    if changes and stored.status == Call.Status.ARCHIVED:
        raise CallArchived(stored)
    budget_before = (stored.budget_amount, stored.budget_currency)
    for name, value in changes.items():
        setattr(stored, name, value)
    if changes:
        fields = [*changes, "updated_at"]
        if "description" in changes:
            fields.append("description_html")
        stored.save(update_fields=fields)
    budget_after = (stored.budget_amount, stored.budget_currency)
    # Form and API may hand the amount as a string: compare numbers.
    if (Decimal(str(budget_before[0])), budget_before[1]) != (
        Decimal(str(budget_after[0])),
        budget_after[1],
    ):
        audit.record(
            call=stored,
            actor=actor,
            action=audit.Action.BUDGET_CHANGED,
            target=stored.slug,
            before={"amount": budget_before[0], "currency": budget_before[1]},
            after={"amount": budget_after[0], "currency": budget_after[1]},
        )
    return _show(stored, call)


@transaction.atomic
def add_cutoff(*, call: Call, title: str, date, actor) -> Cutoff:
    """A new cut-off date ("relevé") of `call`; its decisions are taken in contributions."""
    if not call.is_steward(actor):
        raise PermissionDenied(_("Only the call's stewards set its cut-off dates."))
    refuse_if_archived(call)
    cutoff = Cutoff(call=call, title=title, date=date)
    cutoff.full_clean(exclude=["call", "published_by"])
    cutoff.save()
    audit.record(
        call=call, actor=actor, action=audit.Action.CUTOFF_ADDED, target=cutoff.title, date=date
    )
    return cutoff


class InvitationInvalid(Exception):
    """The link is forged, expired, or already used."""

    def __init__(self):
        super().__init__(
            _("This invitation link is not valid any more: ask the call's stewards for a new one.")
        )


def invitation_link(invitation: Invitation) -> str:
    """The path of the signed link that accepts `invitation`."""
    token = signing.dumps(invitation.pk, salt=INVITATION_SALT)
    return reverse("appel:invitation", args=[token])


@transaction.atomic
def invite(*, call: Call, email: str, role: str, actor, site_url: str):
    """Gives `role` to the account of `email`, or invites the address when it has none.

    Returns (membership, None) when an account has this address (the role is
    given at once), else (None, invitation): the address receives a signed
    link, mailed in the background, and the membership is created when
    someone signs up or logs in through it. Inviting the same address again
    updates the pending invitation's role and sends a new link.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    accounts = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(accounts) == 1:
        return set_member(call=call, user=accounts[0], role=role, actor=actor)[0], None
    refuse_if_archived(call)
    invitation = (
        Invitation.objects.filter(call=call, email__iexact=email, accepted_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    if invitation is None:
        invitation = Invitation(call=call, email=email)
    invitation.role, invitation.created_by = role, actor
    invitation.save()
    audit.record(
        call=call, actor=actor, action=audit.Action.MEMBER_INVITED, target=email, role=role
    )
    link, language = site_url.rstrip("/") + invitation_link(invitation), get_language()
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk, link, language))
    return None, invitation


def read_invitation(token: str) -> Invitation:
    """The pending invitation a link names, or InvitationInvalid."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        raise InvitationInvalid from None
    invitation = (
        Invitation.objects.select_related("call", "created_by")
        .filter(pk=pk, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise InvitationInvalid
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    """Makes `user` a member as invited; a steward invited as reviewer stays a steward."""
    invitation = read_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid
    call = invitation.call
    current = Membership.objects.filter(call=call, user=user).first()
    if current is not None and current.role == Membership.Role.STEWARD:
        membership = current
    else:
        membership = set_member(call=call, user=user, role=invitation.role, actor=user)[0]
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    audit.record(
        call=call,
        actor=user,
        action=audit.Action.INVITATION_ACCEPTED,
        target=invitation.email,
        role=membership.role,
    )
    return membership


def find_people(query: str, *, limit: int = 10):
    """Accounts whose display name, username or e-mail contains `query` (stewards' search).

    Only the call's stewards may run it (the views check): it looks into
    e-mail addresses, which nobody else may probe.
    """
    query = (query or "").strip()
    if len(query) < 2 or "\x00" in query:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(display_name__icontains=query) | Q(username__icontains=query) | Q(email__iexact=query)
        )
        .order_by("display_name", "username")[:limit]
    )


@transaction.atomic
def set_funder(*, user: User, funder: bool, actor) -> None:
    """Grants or withdraws the right to launch calls (the `funders` group); staff only."""
    if not (actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only the site's staff grant the funder role."))
    group, _created = Group.objects.get_or_create(name="funders")
    group.permissions.add(
        Permission.objects.get(codename="add_call", content_type__app_label="appel")
    )
    if funder:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    audit.record(
        call=None,
        actor=actor,
        action=audit.Action.FUNDER_GRANTED if funder else audit.Action.FUNDER_WITHDRAWN,
        subject=user,
        target=user.username,
    )
