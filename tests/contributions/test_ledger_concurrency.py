"""Two stewards granting at the same instant, on PostgreSQL: no cap, no budget is exceeded.

record_entry locks the call's row before it reads the totals: the second
steward's grant is checked against the first one's, never against the
totals as they stood before either.
"""

from decimal import Decimal

import pytest
from django.db import connection

from appel.models import Membership
from appel.stewarding import set_member
from contributions import ledger
from contributions.models import Funder, LedgerEntry
from tests.appel.test_stewarding_concurrency import together
from tests.conftest import make_call, make_resource, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (set DATABASE_URL)")


def _grant(call, resource, actor, amount, funder=None):
    return lambda: ledger.record_entry(
        call=call, actor=actor, kind="grant", resource=resource, funder=funder, amount=amount
    )


@pytest.mark.parametrize("round_", range(6))
def test_two_stewards_granting_one_commons_at_once_stay_within_the_cap(round_):
    alice, olga, bob = make_user("alice"), make_user("olga"), make_user("bob")
    call = make_call(alice, funding_max=Decimal("50000.00"))
    set_member(call=call, user=olga, role=Membership.Role.STEWARD)
    resource = make_resource(call, bob, challenge=None, title="Carte", content="Texte.\n")
    outcomes = together(
        _grant(call, resource, alice, "30000"), _grant(call, resource, olga, "30000")
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LedgerRefused", "str"]
    assert ledger.totals(call)["granted"] == Decimal("30000.00")
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("round_", range(4))
def test_two_stewards_granting_from_one_funder_at_once_stay_within_its_budget(round_):
    alice, olga, bob = make_user("alice"), make_user("olga"), make_user("bob")
    call = make_call(alice)
    set_member(call=call, user=olga, role=Membership.Role.STEWARD)
    ademe = Funder.objects.create(call=call, name="ADEME", budget_amount=Decimal("40000"))
    first = make_resource(call, bob, challenge=None, title="Carte", content="Texte.\n")
    second = make_resource(call, bob, challenge=None, title="Puits", content="Texte.\n")
    outcomes = together(
        _grant(call, first, alice, "25000", ademe), _grant(call, second, olga, "25000", ademe)
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LedgerRefused", "str"]
    assert ledger.totals(call)["by_funder"][ademe.pk]["grant"] == Decimal("25000.00")
