"""A call's status moves one step at a time, refused by the domain function itself.

`appel.stewarding.move_status` is the only way a status changes: the web
button and the API map its refusal, and a shell or a command that calls it
gets the same refusal. `save_call` never changes the status.
"""

import pytest
from django.core.management import call_command

from appel.models import AuditEntry, Call
from appel.stewarding import StatusMoveRefused, move_status, save_call
from tests.conftest import make_call


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("draft", "closed"),
        ("draft", "archived"),
        ("open", "draft"),
        ("open", "archived"),
        ("open", "open"),
        ("closed", "open"),
        ("archived", "closed"),
        ("archived", "draft"),
        ("open", "nonsense"),
    ],
)
def test_a_move_the_wrong_way_is_refused_and_changes_nothing(alice, start, to):
    call = make_call(alice, status=start)
    logged = AuditEntry.objects.filter(call=call).count()
    with pytest.raises(StatusMoveRefused):
        move_status(call=call, to=to, actor=alice)
    call.refresh_from_db()
    assert call.status == start
    assert AuditEntry.objects.filter(call=call).count() == logged


@pytest.mark.parametrize(
    ("start", "to"), [("draft", "open"), ("open", "closed"), ("closed", "archived")]
)
def test_the_next_step_is_made_and_logged(alice, start, to):
    call = make_call(alice, status=start)
    assert move_status(call=call, to=to, actor=alice).status == to
    assert Call.objects.get(pk=call.pk).status == to
    entry = AuditEntry.objects.filter(call=call, action="status_changed").latest("pk")
    assert (entry.actor, entry.details) == (alice, {"before": start, "after": to})


def test_the_move_is_checked_on_the_stored_row_not_the_callers_copy(alice):
    call = make_call(alice, status=Call.Status.OPEN)
    stale = Call.objects.get(pk=call.pk)
    move_status(call=call, to="closed", actor=alice)
    with pytest.raises(StatusMoveRefused):
        move_status(call=stale, to="closed", actor=alice)  # stale says open, the row says closed


def test_save_call_never_changes_the_status(alice):
    call = make_call(alice, status=Call.Status.OPEN)
    with pytest.raises(ValueError, match="status"):
        save_call(call=call, actor=alice, changes={"status": "archived"})
    assert Call.objects.get(pk=call.pk).status == Call.Status.OPEN


def test_save_call_writes_only_the_changed_fields(alice):
    call = make_call(alice, status=Call.Status.OPEN)
    stale = Call.objects.get(pk=call.pk)
    Call.objects.filter(pk=call.pk).update(title="Renamed meanwhile")
    save_call(call=stale, actor=alice, changes={"budget_amount": "5.00"})
    call.refresh_from_db()
    assert (call.title, str(call.budget_amount)) == ("Renamed meanwhile", "5.00")
    assert stale.title == "Renamed meanwhile"  # the caller's copy shows what is stored


def test_a_shell_script_in_a_management_command_is_refused_too(alice):
    call = make_call(alice, status=Call.Status.ARCHIVED)
    with pytest.raises(StatusMoveRefused):
        call_command(
            "shell",
            command=(
                "from appel.models import Call\n"
                "from appel.stewarding import move_status\n"
                f"move_status(call=Call.objects.get(pk={call.pk}), to='open', actor=None)\n"
            ),
        )
    assert Call.objects.get(pk=call.pk).status == Call.Status.ARCHIVED
