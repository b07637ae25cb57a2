"""Writes that run a call: launching it, editing it and its défis, moving its status, its members.

The HTML views and the API both call these functions. A call must always
keep at least one steward: without one, nobody could open, edit or even see
it (a draft is visible to its stewards alone). So every membership change
locks the call row first, and two stewards removing each other at the same
instant cannot leave the call orphaned. Once archived, a call is a
read-only record: every write here refuses it (CallArchived).
"""

from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, signals
from .models import Call, Challenge, Membership, User


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
