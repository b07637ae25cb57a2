"""The money pages: who funds what, milestones, the ledger, and what the commun and profile show."""

from decimal import Decimal

import pytest
from django.test import Client

from contributions import funding, ledger
from contributions.models import Funder, LedgerEntry, Milestone
from tests.conftest import make_resource, select_at_cutoff, web_client

from .conftest import append, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(call, resource, alice, rita):
    """ "Carte des puits" selected at a published cut-off with 1 234.56 € from ADEME."""
    call.funding_max = Decimal("50000.00")
    call.save()
    funding.save_funder(call=call, actor=alice, name="ADEME", budget_amount="40000")
    review(resource.latest_version, rita)
    resource.refresh_from_db()
    select_at_cutoff(resource, steward=alice, amount="1234.56")
    return resource


def french(path, user=None):
    client = web_client(user)
    return client.get(path, headers={"accept-language": "fr"})


def test_the_ledger_page_writes_amounts_as_the_reader_does(granted):
    page = french("/calls/eau/ledger/").content.decode()
    assert "1\xa0234,56\xa0€" in page
    assert "Registre" in page or "registre" in page
    english = Client().get("/calls/eau/ledger/", headers={"accept-language": "en"})
    assert "€1,234.56" in english.content.decode()


def test_the_ledger_page_shows_an_amendment_beside_what_it_corrects(granted, alice):
    grant = LedgerEntry.objects.get()
    fixed = ledger.record_entry(
        call=granted.call,
        actor=alice,
        kind="amendment",
        supersedes=grant,
        amount="1000",
        reason="Erreur de saisie.",
    )
    page = Client().get("/calls/eau/ledger/", headers={"accept-language": "en"}).content.decode()
    assert f"corrects #{grant.pk} (€1,234.56)" in page
    assert f"corrected by #{fixed.pk}: no longer counts" in page
    assert f'id="entry-{grant.pk}" class="superseded"' in page


def test_the_ledger_page_filters_and_costs_the_same_queries(
    granted, call, alice, bob, charlie, django_assert_max_num_queries
):
    ledger.record_entry(
        call=call,
        actor=alice,
        kind="split",
        resource=granted,
        recipients=[(bob, "1000"), (charlie, "234.56")],
    )
    client = Client()
    with django_assert_max_num_queries(12):
        page = client.get("/calls/eau/ledger/?person=charlie").content.decode()
    assert "234,56" in page or "234.56" in page
    assert page.count('<tr id="entry-') == 1
    for n in range(5):
        other = make_resource(call, bob, challenge=None, title=f"Autre {n}", content="x\n")
        LedgerEntry.objects.create(
            call=call,
            kind="grant",
            counts_as="grant",
            resource=other,
            amount=10,
            currency="EUR",
            created_by=alice,
        )
    with django_assert_max_num_queries(12):
        page = client.get("/calls/eau/ledger/").content.decode()
    assert page.count('<tr id="entry-') == 7


def test_the_ledger_page_is_the_stewards_until_a_grant_is_published(call, alice, bob):
    assert web_client(bob).get("/calls/eau/ledger/").status_code == 403
    assert web_client(alice).get("/calls/eau/ledger/").status_code == 200


def test_the_pages_csv_is_the_apis(granted, alice, bob):
    ledger.record_entry(
        call=granted.call,
        actor=alice,
        kind="split",
        resource=granted,
        recipients=[(bob, "1234.56")],
    )
    page_csv = Client().get("/calls/eau/ledger.csv").content
    api_csv = Client().get("/api/v1/calls/eau/ledger?format=csv").content
    assert page_csv == api_csv
    assert b"bob=1234.56" in page_csv
    assert Client().get("/calls/eau/ledger.csv?kind=split").content.count(b"\n") == 2


def test_a_steward_adds_a_cofunder_on_the_page(call, alice):
    client = web_client(alice)
    answer = client.post(
        "/calls/eau/funders/",
        {"name": "Fondation Macif", "budget_amount": "15000", "challenges": ["nappes"]},
    )
    assert answer.status_code == 302
    funder = Funder.objects.get(name="Fondation Macif")
    assert [c.slug for c in funder.challenges.all()] == ["nappes"]
    page = client.get("/calls/eau/funders/", headers={"accept-language": "fr"}).content.decode()
    assert "Fondation Macif" in page and "15\xa0000,00\xa0€" in page
    assert page.index("Région") < page.index("Fondation Macif")  # the lead funder first
    edit = client.post(
        f"/calls/eau/funders/{funder.pk}/edit/", {"name": "Fondation Macif", "budget_amount": "-3"}
    )
    assert edit.status_code == 400


def test_the_call_page_says_who_funds_what(call, alice):
    funding.save_funder(call=call, actor=alice, name="ADEME", budget_amount="40000")
    page = Client().get("/calls/eau/", headers={"accept-language": "en"}).content.decode()
    assert "Who funds what" in page and "ADEME" in page and "funds every challenge" in page


def test_a_steward_sets_and_meets_a_milestone_on_the_pages(granted, alice, bob, rita):
    client = web_client(alice)
    url = f"/calls/eau/resources/{granted.slug}/milestones/"
    answer = client.post(url, {"title": "Prototype", "due_date": "2026-09-01", "amount": "500"})
    assert answer.status_code == 302
    milestone = Milestone.objects.get()
    pending = append(granted, bob, "Un ajout.")
    client.post(f"{url}{milestone.pk}/meet/", {"version": pending.number})
    milestone.refresh_from_db()
    assert not milestone.met
    review(pending, rita)
    client.post(f"{url}{milestone.pk}/meet/", {"version": pending.number})
    milestone.refresh_from_db()
    assert milestone.met and milestone.version == pending
    # The commun's page shows its grant and the milestone met, with the version.
    page = Client().get(f"/calls/eau/resources/{granted.slug}/", headers={"accept-language": "en"})
    text = page.content.decode()
    assert "Granted: €1,234.56" in text
    assert f"met by version {pending.number}" in text


def test_a_profile_shows_what_the_person_received(granted, alice, bob):
    ledger.record_entry(
        call=granted.call,
        actor=alice,
        kind="split",
        resource=granted,
        recipients=[(bob, "1234.56")],
    )
    page = Client().get("/users/bob/", headers={"accept-language": "en"}).content.decode()
    assert "Received" in page and "€1,234.56" in page and granted.title in page


def test_the_dashboard_page_says_who_funds_what(granted, alice):
    page = web_client(alice).get("/calls/eau/dashboard/", headers={"accept-language": "en"})
    text = page.content.decode()
    assert "Who funds what" in text and "ADEME" in text and "All challenges" in text
    csv_file = web_client(alice).get("/calls/eau/dashboard/funders.csv").content.decode()
    assert csv_file.splitlines()[1].startswith("Région,All challenges,")
    assert "ADEME,All challenges,40000.00,1234.56,0.00" in csv_file
