"""The append-only ledger: entries written once, amendments, totals, caps and budgets."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from contributions import ledger
from contributions.models import Funder, LedgerEntry, LedgerIsAppendOnly, LedgerShare

pytestmark = pytest.mark.django_db


@pytest.fixture
def capped(call):
    call.funding_max = Decimal("50000.00")
    call.save()
    return call


@pytest.fixture
def ademe(capped):
    return Funder.objects.create(call=capped, name="ADEME", budget_amount=Decimal("60000.00"))


def grant(call, resource, actor, amount, funder=None):
    return ledger.record_entry(
        call=call, actor=actor, kind="grant", resource=resource, funder=funder, amount=amount
    )


# Immutability, in the ORM


def test_a_stored_entry_cannot_be_saved_again_nor_deleted(capped, resource, alice):
    entry = grant(capped, resource, alice, "1000")
    entry.amount = Decimal("2000")
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("3"))
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1000.00")


def test_shares_cannot_be_changed_either(capped, resource, alice, bob):
    grant(capped, resource, alice, "1000")
    ledger.record_entry(
        call=capped, actor=alice, kind="split", resource=resource, recipients=[(bob, "1000")]
    )
    share = LedgerShare.objects.get()
    with pytest.raises(LedgerIsAppendOnly):
        LedgerShare.objects.filter(pk=share.pk).update(amount=1)
    with pytest.raises(LedgerIsAppendOnly):
        share.delete()


# Immutability, in the database


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE contributions_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM contributions_ledgerentry WHERE id = %s",
        "UPDATE contributions_ledgershare SET amount = 1 WHERE entry_id = %s",
        "DELETE FROM contributions_ledgershare WHERE entry_id = %s",
    ],
)
def test_postgresql_refuses_raw_updates_and_deletes(capped, resource, alice, bob, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (set DATABASE_URL)")
    grant(capped, resource, alice, "1000")
    entry = ledger.record_entry(
        call=capped, actor=alice, kind="split", resource=resource, recipients=[(bob, "1000")]
    )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1000.00")
    assert LedgerShare.objects.get(entry=entry).amount == Decimal("1000.00")


# Writing


def test_an_entry_records_who_when_and_the_calls_currency(capped, resource, alice):
    entry = grant(capped, resource, alice, "2500.50")
    assert entry.created_by == alice and entry.created_at is not None
    assert entry.currency == "EUR" and entry.amount == Decimal("2500.50")
    assert entry.counts_as == "grant"


def test_only_stewards_write(capped, resource, rita):
    with pytest.raises(PermissionDenied):
        grant(capped, resource, rita, "1000")


@pytest.mark.parametrize("amount", ["abc", "-1", "0", "12.345", "1e20", "NaN"])
def test_bad_amounts_are_refused(capped, resource, alice, amount):
    with pytest.raises(ValidationError) as refused:
        grant(capped, resource, alice, amount)
    assert "amount" in refused.value.message_dict


def test_a_split_sums_exactly_to_its_amount(capped, resource, alice, bob, charlie):
    grant(capped, resource, alice, "1000")
    with pytest.raises(ValidationError) as refused:
        ledger.record_entry(
            call=capped,
            actor=alice,
            kind="split",
            resource=resource,
            amount="1000",
            recipients=[(bob, "333.33"), (charlie, "666.66")],
        )
    assert "999.99" in str(refused.value)
    entry = ledger.record_entry(
        call=capped,
        actor=alice,
        kind="split",
        resource=resource,
        amount="1000",
        recipients=[(bob, "333.34"), (charlie, "666.66")],
    )
    assert sum(share.amount for share in entry.shares.all()) == entry.amount


def test_a_split_cannot_share_more_than_was_granted(capped, resource, alice, bob):
    grant(capped, resource, alice, "1000")
    with pytest.raises(ledger.LedgerRefused, match="1 000,01|1,000.01"):
        ledger.record_entry(
            call=capped, actor=alice, kind="split", resource=resource, recipients=[(bob, "1000.01")]
        )


# Caps and budgets


def test_a_commons_is_never_granted_beyond_the_cap(capped, resource, alice):
    grant(capped, resource, alice, "40000")
    with pytest.raises(ledger.LedgerRefused) as refused:
        grant(capped, resource, alice, "10000.01")
    sentence = str(refused.value)
    assert "50,000.01" in sentence and "40,000.00" in sentence and "50,000.00" in sentence
    assert grant(capped, resource, alice, "10000").amount == Decimal("10000.00")


def test_a_funder_never_grants_beyond_its_budget(capped, ademe, resource, alice, charlie):
    from tests.conftest import make_resource

    other = make_resource(capped, charlie, title="Puits partagés", content="Puits.\n")
    grant(capped, resource, alice, "40000", funder=ademe)
    with pytest.raises(ledger.LedgerRefused, match="ADEME.*60,000.00"):
        grant(capped, other, alice, "20000.01", funder=ademe)
    grant(capped, other, alice, "20000", funder=ademe)


# Amendments and totals


def test_an_amendment_replaces_the_amount_it_corrects_in_the_totals(
    capped, ademe, resource, alice, bob
):
    first = grant(capped, resource, alice, "30000", funder=ademe)
    assert ledger.totals(capped)["granted"] == Decimal("30000.00")
    fixed = ledger.record_entry(
        call=capped,
        actor=alice,
        kind="amendment",
        supersedes=first,
        amount="25000",
        reason="Erreur de saisie.",
    )
    assert fixed.counts_as == "grant" and fixed.resource == resource and fixed.funder == ademe
    totals = ledger.totals(capped)
    assert totals["granted"] == Decimal("25000.00")
    assert totals["by_resource"][resource.pk]["grant"] == Decimal("25000.00")
    assert totals["by_funder"][ademe.pk]["grant"] == Decimal("25000.00")
    # Both stay in the ledger, the corrected one beside its amendment.
    assert list(LedgerEntry.objects.values_list("amount", flat=True)) == [
        Decimal("30000.00"),
        Decimal("25000.00"),
    ]
    # The cap counts the amendment, not the corrected entry: 25,000 + 25,000 fits.
    grant(capped, resource, alice, "25000")
    # An entry is corrected once; a second correction amends the amendment.
    with pytest.raises(ledger.LedgerRefused):
        ledger.record_entry(
            call=capped, actor=alice, kind="amendment", supersedes=first, amount="1", reason="x"
        )
    ledger.record_entry(
        call=capped, actor=alice, kind="amendment", supersedes=fixed, amount="0", reason="Annulé."
    )
    assert ledger.totals(capped)["granted"] == Decimal("25000.00")


def test_amending_a_split_moves_the_persons_totals(capped, resource, alice, bob, charlie):
    grant(capped, resource, alice, "1000")
    split = ledger.record_entry(
        call=capped,
        actor=alice,
        kind="split",
        resource=resource,
        recipients=[(bob, "600"), (charlie, "400")],
    )
    by_person = ledger.totals(capped)["by_person"]
    assert by_person == {bob.pk: Decimal("600"), charlie.pk: Decimal("400")}
    ledger.record_entry(
        call=capped,
        actor=alice,
        kind="amendment",
        supersedes=split,
        recipients=[(bob, "500"), (charlie, "500")],
        reason="Bob et Charlie à parts égales.",
    )
    totals = ledger.totals(capped)
    assert totals["by_person"] == {bob.pk: Decimal("500"), charlie.pk: Decimal("500")}
    assert totals["split"] == Decimal("1000.00")
    received = ledger.received_by(bob, AnonymousUser())
    assert [(r["resource"], r["amount"]) for r in received] == [(resource, Decimal("500.00"))]


def test_an_amendment_needs_a_reason_and_an_entry_of_the_same_call(
    capped, other_call, resource, alice, olga
):
    first = grant(capped, resource, alice, "1000")
    with pytest.raises(ValidationError) as refused:
        ledger.record_entry(call=capped, actor=alice, kind="amendment", supersedes=first, amount=1)
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        ledger.record_entry(
            call=other_call, actor=olga, kind="amendment", supersedes=first, amount=1, reason="x"
        )
    assert "supersedes" in refused.value.message_dict


def test_the_ledger_is_public_once_it_holds_an_entry(capped, resource, alice, bob):
    assert not ledger.can_read(capped, bob) and ledger.can_read(capped, alice)
    grant(capped, resource, alice, "1000")
    assert ledger.can_read(capped, bob)
