"""Two stewards removing each other at the same instant, on PostgreSQL: one steward stays.

Each thread calls appel/stewarding.py on its own connection; the lock the
module takes on the call row orders them, so the second one sees that it
would remove the last steward and is refused.
"""

import threading

import pytest
from django.db import connection, connections

from appel.models import Membership
from appel.stewarding import LastSteward, remove_member, set_member
from tests.conftest import make_call, make_user

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
