"""Stewards acting at the same instant, on PostgreSQL: nothing is lost, no rule is skipped.

Each thread calls appel/stewarding.py (directly or through the API) on its
own connection; the lock the module takes on the call row orders them, so
the second one reads what the first one stored: the last steward stays, a
status moves once, and two PATCHes of different fields both keep theirs.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from appel.models import AuditEntry, Call, Membership
from appel.stewarding import (
    LastSteward,
    StatusMoveRefused,
    move_status,
    remove_member,
    set_member,
)
from tests.conftest import client_for, make_call, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (set DATABASE_URL)")


def together(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def work(i):
        try:
            barrier.wait()
            actions[i]()
            outcomes[i] = "done"
        except Exception as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("round_", range(8))
def test_it_keeps_one_steward_when_two_leave_at_once(round_):
    alice, olga = make_user(f"alice{round_}"), make_user(f"olga{round_}")
    call = make_call(alice, slug=f"eau-{round_}")
    set_member(call=call, user=olga, role=Membership.Role.STEWARD)
    outcomes = together(
        lambda: remove_member(call=call, user=alice),
        lambda: remove_member(call=call, user=olga),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LastSteward", "str"]
    assert call.memberships.filter(role=Membership.Role.STEWARD).count() == 1


def test_it_keeps_one_steward_when_both_demote_each_other():
    alice, olga = make_user("alice"), make_user("olga")
    call = make_call(alice)
    set_member(call=call, user=olga, role=Membership.Role.STEWARD)
    outcomes = together(
        lambda: set_member(call=call, user=alice, role=Membership.Role.REVIEWER),
        lambda: set_member(call=call, user=olga, role=Membership.Role.REVIEWER),
    )
    assert sum(isinstance(outcome, LastSteward) for outcome in outcomes) == 1
    assert call.memberships.filter(role=Membership.Role.STEWARD).count() == 1


@pytest.mark.parametrize("round_", range(6))
def test_a_status_move_and_a_budget_change_at_once_both_stay(round_):
    """Two PATCHes at once: each writes only its own field, on the row read under lock."""
    alice = make_user(f"alice{round_}", funder=True)
    call = make_call(alice, slug=f"eau-{round_}")
    clients = [client_for(alice), client_for(alice)]
    url = f"/api/v1/calls/{call.slug}"
    codes = {}

    def patch(i, body):
        codes[i] = clients[i].patch(url, body, format="json").status_code

    outcomes = together(
        lambda: patch(0, {"status": "closed"}),
        lambda: patch(1, {"budget_amount": "31000.00"}),
    )
    assert (outcomes, codes) == (["done", "done"], {0: 200, 1: 200})
    call.refresh_from_db()
    assert (call.status, call.budget_amount) == (Call.Status.CLOSED, Decimal("31000.00"))
    moves = AuditEntry.objects.filter(call=call, action=AuditEntry.Action.STATUS_CHANGED)
    assert sorted((m.details["before"], m.details["after"]) for m in moves) == [
        ("draft", "open"),  # make_call opening it
        ("open", "closed"),
    ]


def test_two_moves_from_the_same_status_at_once_make_one_move():
    alice = make_user("alice", funder=True)
    call = make_call(alice, status=Call.Status.DRAFT)
    outcomes = together(
        lambda: move_status(call=Call.objects.get(pk=call.pk), to="open", actor=alice),
        lambda: move_status(call=Call.objects.get(pk=call.pk), to="open", actor=alice),
    )
    assert sum(isinstance(outcome, StatusMoveRefused) for outcome in outcomes) == 1
    assert AuditEntry.objects.filter(call=call, action="status_changed").count() == 1
