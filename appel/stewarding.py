"""Writes that change who runs a call: launching it, adding and removing members.

The HTML views and the API both call these functions. A call must always
keep at least one steward: without one, nobody could open, edit or even see
it (a draft is visible to its stewards alone). So every membership change
locks the call row first, and two stewards removing each other at the same
instant cannot leave the call orphaned.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, signals
from .models import Call, Membership, User


class LastSteward(Exception):
    """Refused: the change would leave the call without a steward."""

    def __init__(self, call):
        self.call = call
        super().__init__(
            _("A call needs at least one steward: add another steward before this change.")
        )


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
    return call


def _lock(call):
    Call.objects.select_for_update().filter(pk=call.pk).exists()


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
    _lock(call)
    membership = Membership.objects.filter(call=call, user=user).first()
    if membership is None:
        membership = Membership.objects.create(call=call, user=user, role=role)
        audit.record(
            call=call, actor=actor, action=audit.Action.MEMBER_ADDED, target=user, role=role
        )
        return membership, True
    if membership.role != role:
        if _is_last_steward(call, membership):
            raise LastSteward(call)
        before, membership.role = membership.role, role
        membership.save(update_fields=["role"])
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.ROLE_CHANGED,
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
    _lock(call)
    membership = Membership.objects.filter(call=call, user=user).first()
    if membership is None:
        return
    if _is_last_steward(call, membership):
        raise LastSteward(call)
    membership.delete()
    audit.record(
        call=call,
        actor=actor,
        action=audit.Action.MEMBER_REMOVED,
        target=user,
        role=membership.role,
    )


@transaction.atomic
def save_call(*, call: Call, actor, fields=None) -> Call:
    """Saves a steward's changes to a call, logging status and budget moves.

    The web form, the status button and the API all save through here, so the
    audit log sees every change whichever way it came. The stored row is read
    under lock: what the log calls "before" is what was really there.
    """
    stored = Call.objects.select_for_update().filter(pk=call.pk).first()
    call.save(update_fields=fields)
    if stored is None:
        return call
    if stored.status != call.status:
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.STATUS_CHANGED,
            target=call.slug,
            before=stored.status,
            after=call.status,
        )
        moved = {
            "call_id": call.pk,
            "status": call.status,
            "actor_id": getattr(actor, "pk", None),
            "at": timezone.now().isoformat(),
        }
        transaction.on_commit(lambda: signals.call_status_changed.send(sender=None, **moved))
    budget_before = (stored.budget_amount, stored.budget_currency)
    budget_after = (call.budget_amount, call.budget_currency)
    # Form and API may hand the amount as a string: compare numbers.
    if (Decimal(str(budget_before[0])), budget_before[1]) != (
        Decimal(str(budget_after[0])),
        budget_after[1],
    ):
        audit.record(
            call=call,
            actor=actor,
            action=audit.Action.BUDGET_CHANGED,
            target=call.slug,
            before={"amount": budget_before[0], "currency": budget_before[1]},
            after={"amount": budget_after[0], "currency": budget_after[1]},
        )
    return call
