"""The money API: co-funders, grants at publication, milestones, the ledger in JSON and CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appel.models import AuditEntry, Call
from appel.stewarding import add_cutoff
from contributions import deciding, funding, ledger
from contributions.models import Funder, LedgerEntry
from tests.conftest import client_for, make_call, make_resource

from .conftest import append, review

pytestmark = pytest.mark.django_db

DATE = datetime.date(2026, 6, 1)


@pytest.fixture
def capped(call):
    call.funding_min, call.funding_max = Decimal("1000.00"), Decimal("50000.00")
    call.save()
    return call


@pytest.fixture
def validated(capped, resource, rita):
    review(resource.latest_version, rita)
    resource.refresh_from_db()
    return resource


def select(call, resource, actor, amount="30000", title="Relevé de juin"):
    cutoff = add_cutoff(call=call, title=title, date=DATE, actor=actor)
    deciding.record_decision(
        cutoff=cutoff,
        resource=resource,
        version=resource.stable_version,
        decision="selected",
        answer="Retenu.",
        amount=amount,
        actor=actor,
    )
    return cutoff


@pytest.fixture
def granted(capped, validated, alice):
    deciding.publish_cutoff(cutoff=select(capped, validated, alice), actor=alice)
    return validated


# Co-funders


def test_a_steward_adds_a_cofunder_for_some_challenges(capped, alice):
    answer = client_for(alice).post(
        "/api/v1/calls/eau/funders",
        {"name": "Fondation Macif", "budget_amount": "40000.00", "challenges": ["nappes"]},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["challenges"] == ["nappes"]
    assert answer.json()["budget_amount"] == "40000.00"
    assert answer.json()["currency"] == "EUR"
    listed = client_for(alice).get("/api/v1/calls/eau/funders").json()
    assert [f["name"] for f in listed["results"]] == ["Fondation Macif"]
    assert AuditEntry.objects.filter(action="cofunder_saved").count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "", "budget_amount": "1"}, "name"),
        ({"name": "ADEME", "budget_amount": "beaucoup"}, "budget_amount"),
        ({"name": "ADEME", "budget_amount": "-1"}, "budget_amount"),
        ({"name": "ADEME", "budget_amount": "10", "challenges": ["inconnu"]}, "challenges"),
    ],
)
def test_bad_cofunders_are_refused_with_the_field(capped, alice, body, field):
    answer = client_for(alice).post("/api/v1/calls/eau/funders", body, format="json")
    assert answer.status_code == 400 and field in answer.json()["errors"]


def test_only_stewards_add_cofunders_and_drafts_stay_hidden(capped, alice, bob, rita, api):
    body = {"name": "ADEME", "budget_amount": "10"}
    assert (
        client_for(rita).post("/api/v1/calls/eau/funders", body, format="json").status_code == 403
    )
    assert api.post("/api/v1/calls/eau/funders", body, format="json").status_code == 401
    assert api.get("/api/v1/calls/eau/funders").status_code == 200
    Call.objects.filter(pk=capped.pk).update(status=Call.Status.DRAFT)
    assert client_for(bob).get("/api/v1/calls/eau/funders").status_code == 404
    assert client_for(alice).get("/api/v1/calls/eau/funders").status_code == 200


# Grants


def test_publishing_writes_a_grant_from_the_one_funder_of_the_challenge(capped, validated, alice):
    macif = funding.save_funder(
        call=capped, actor=alice, name="Macif", budget_amount="40000", challenges=["nappes"]
    )
    deciding.publish_cutoff(cutoff=select(capped, validated, alice), actor=alice)
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.resource, entry.funder, entry.amount) == (
        "grant",
        validated,
        macif,
        Decimal("30000.00"),
    )


def test_two_funders_fit_so_the_grant_is_the_lead_funders(capped, validated, alice):
    for name in ("ADEME", "Macif"):
        funding.save_funder(call=capped, actor=alice, name=name, budget_amount="40000")
    deciding.publish_cutoff(cutoff=select(capped, validated, alice), actor=alice)
    assert LedgerEntry.objects.get().funder is None


def test_a_publication_beyond_the_cap_is_refused_whole(granted, capped, alice):
    cutoff = select(capped, granted, alice, amount="20000.01", title="Relevé d'octobre")
    answer = client_for(alice).post(f"/api/v1/calls/eau/cutoffs/{cutoff.pk}/publish")
    assert answer.status_code == 409
    assert "50,000.01" in answer.json()["detail"] and "50,000.00" in answer.json()["detail"]
    cutoff.refresh_from_db()
    assert not cutoff.published and LedgerEntry.objects.count() == 1


def test_a_funders_budget_refuses_a_publication(capped, validated, alice):
    funding.save_funder(call=capped, actor=alice, name="ADEME", budget_amount="20000")
    cutoff = select(capped, validated, alice)
    answer = client_for(alice).post(f"/api/v1/calls/eau/cutoffs/{cutoff.pk}/publish")
    assert answer.status_code == 409 and "ADEME" in answer.json()["detail"]


# Milestones


def milestones_url(resource):
    return f"/api/v1/calls/eau/resources/{resource.slug}/milestones"


def test_milestones_are_set_then_met_by_a_validated_version(granted, alice, bob, rita, api):
    steward = client_for(alice)
    answer = steward.post(
        milestones_url(granted),
        {"title": "Prototype", "due_date": "2026-09-01", "amount": "10000"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    milestone = answer.json()
    assert milestone["met"] is False and milestone["amount"] == "10000.00"
    pending = append(granted, bob, "Un ajout.")
    meet = f"{milestones_url(granted)}/{milestone['id']}/meet"
    refused = steward.post(meet, {"version": pending.number}, format="json")
    assert refused.status_code == 409 and "not validated" in refused.json()["detail"]
    review(pending, rita)
    met = steward.post(meet, {"version": pending.number}, format="json")
    assert met.status_code == 200, met.json()
    assert met.json()["met"] and met.json()["version"] == pending.number
    again = steward.post(meet, {"version": pending.number}, format="json")
    assert again.status_code == 409
    entry = LedgerEntry.objects.get(pk=met.json()["ledger_entry"])
    assert entry.kind == "milestone" and entry.amount == Decimal("10000.00")
    listed = api.get(milestones_url(granted)).json()["results"]
    assert listed[0]["met"] and listed[0]["version"] == pending.number
    dashboard = steward.get("/api/v1/calls/eau/dashboard").json()["funding"]
    assert dashboard["granted"] == "30000.00" and dashboard["paid"] == "10000.00"


def test_another_communs_version_cannot_meet_a_milestone(granted, capped, alice, charlie, rita):
    other = make_resource(capped, charlie, title="Puits partagés", content="Puits.\n")
    review(other.latest_version, rita)
    milestone = funding.add_milestone(
        resource=granted, actor=alice, title="Prototype", due_date="2026-09-01", amount="100"
    )
    with pytest.raises(ValidationError) as refused:
        funding.meet_milestone(milestone=milestone, version=other.latest_version, actor=alice)
    assert "another commons" in str(refused.value.message_dict["version"])
    milestone.refresh_from_db()
    assert not milestone.met and not LedgerEntry.objects.filter(kind="milestone").exists()


def test_milestones_need_a_grant_and_stay_within_it(capped, validated, granted, alice):
    steward = client_for(alice)
    over = steward.post(
        milestones_url(granted),
        {"title": "Tout", "due_date": "2026-09-01", "amount": "30000.01"},
        format="json",
    )
    assert over.status_code == 409 and "30,000.00" in over.json()["detail"]
    bad = steward.post(
        milestones_url(granted), {"title": "", "due_date": "bientôt", "amount": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert {"title", "due_date"} <= set(bad.json()["errors"])
    bad = steward.post(
        milestones_url(granted),
        {"title": "A", "due_date": "2026-09-01", "amount": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "amount" in bad.json()["errors"]


def test_no_milestone_for_a_commons_granted_nothing(capped, validated, alice):
    answer = client_for(alice).post(
        milestones_url(validated),
        {"title": "Prototype", "due_date": "2026-09-01", "amount": "100"},
        format="json",
    )
    assert answer.status_code == 409


def test_only_stewards_set_milestones(granted, rita, bob):
    body = {"title": "Prototype", "due_date": "2026-09-01", "amount": "100"}
    for user in (rita, bob):
        assert (
            client_for(user).post(milestones_url(granted), body, format="json").status_code == 403
        )


# The ledger


def test_the_ledger_is_private_until_a_grant_is_published(capped, validated, alice, bob, api):
    select(capped, validated, alice)
    assert api.get("/api/v1/calls/eau/ledger").status_code == 401
    assert client_for(bob).get("/api/v1/calls/eau/ledger").status_code == 403
    assert client_for(alice).get("/api/v1/calls/eau/ledger").json()["count"] == 0


def test_the_public_ledger_in_json_and_csv_say_the_same(granted, capped, alice, bob, api):
    steward = client_for(alice)
    grant = LedgerEntry.objects.get()
    fixed = steward.post(
        "/api/v1/calls/eau/ledger",
        {"kind": "amendment", "supersedes": grant.pk, "amount": "28000.50", "reason": "Erreur."},
        format="json",
    )
    assert fixed.status_code == 201, fixed.json()
    assert fixed.json()["supersedes"] == grant.pk and fixed.json()["resource"] == granted.slug
    split = steward.post(
        "/api/v1/calls/eau/ledger",
        {
            "kind": "split",
            "resource": granted.slug,
            "recipients": [{"username": "bob", "amount": "28000.50"}],
            "reason": "Seul auteur.",
        },
        format="json",
    )
    assert split.status_code == 201, split.json()
    assert split.json()["amount"] == "28000.50"
    assert split.json()["recipients"] == [{"username": "bob", "amount": "28000.50"}]
    public = api.get("/api/v1/calls/eau/ledger").json()
    assert public["count"] == 3
    rows = list(
        csv.reader(io.StringIO(api.get("/api/v1/calls/eau/ledger?format=csv").content.decode()))
    )
    assert rows[0] == ledger.CSV_COLUMNS
    for row, entry in zip(rows[1:], public["results"], strict=True):
        as_csv = dict(zip(rows[0], row, strict=True))
        for column in ("id", "kind", "resource", "amount", "currency", "reason", "created_by"):
            assert as_csv[column] == str(entry[column] if entry[column] is not None else "")
        assert as_csv["created_at"] == entry["created_at"]
        assert as_csv["supersedes"] == (
            "" if entry["supersedes"] is None else str(entry["supersedes"])
        )
        assert as_csv["recipients"] == ";".join(
            f"{r['username']}={r['amount']}" for r in entry["recipients"]
        )
    people = api.get("/api/v1/calls/eau/ledger?person=bob").json()
    assert [e["kind"] for e in people["results"]] == ["split"]


def test_entries_are_never_changed_nor_deleted(granted, alice, api):
    entry = LedgerEntry.objects.get()
    steward = client_for(alice)
    for method in ("put", "patch", "delete"):
        for url in ("/api/v1/calls/eau/ledger", f"/api/v1/calls/eau/ledger/{entry.pk}"):
            answer = getattr(steward, method)(url, {"amount": "1"}, format="json")
            assert answer.status_code == 405, (method, url)
    assert api.get(f"/api/v1/calls/eau/ledger/{entry.pk}").json()["amount"] == "30000.00"
    assert LedgerEntry.objects.get().amount == Decimal("30000.00")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "grant", "resource": "carte-des-puits", "amount": "1"}, "kind"),
        ({"kind": "amendment", "amount": "1", "reason": "x"}, "supersedes"),
        ({"kind": "amendment", "supersedes": 999, "amount": "1", "reason": "x"}, "supersedes"),
        ({"kind": "split", "resource": "nope", "recipients": []}, "resource"),
        (
            {
                "kind": "split",
                "resource": "carte-des-puits",
                "amount": "10",
                "recipients": [{"username": "bob", "amount": "9.99"}],
            },
            "recipients",
        ),
        (
            {
                "kind": "split",
                "resource": "carte-des-puits",
                "recipients": [{"username": "personne", "amount": "1"}],
            },
            "recipients",
        ),
    ],
)
def test_bad_ledger_entries_are_refused_with_the_field(granted, alice, body, field):
    answer = client_for(alice).post("/api/v1/calls/eau/ledger", body, format="json")
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()["errors"]


def test_only_stewards_write_in_the_ledger(granted, rita, bob):
    body = {
        "kind": "split",
        "resource": granted.slug,
        "recipients": [{"username": "bob", "amount": "1"}],
    }
    for user in (rita, bob):
        assert (
            client_for(user).post("/api/v1/calls/eau/ledger", body, format="json").status_code
            == 403
        )


def test_a_draft_calls_ledger_is_hidden(alice, bob):
    make_call(alice, slug="brouillon", status=Call.Status.DRAFT)
    assert client_for(bob).get("/api/v1/calls/brouillon/ledger").status_code == 404
    assert client_for(alice).get("/api/v1/calls/brouillon/ledger").status_code == 200


def test_funders_are_shown_on_the_dashboard_lead_first(granted, capped, alice):
    Funder.objects.create(call=capped, name="ADEME", budget_amount=Decimal("5000"))
    funders = client_for(alice).get("/api/v1/calls/eau/dashboard").json()["funding"]["funders"]
    assert [(f["name"], f["lead"]) for f in funders] == [("Région", True), ("ADEME", False)]
    assert funders[0]["granted"] == "30000.00" and funders[1]["budget"] == "5000.00"


def test_the_ledger_filters_by_funder(granted, capped, alice, api, charlie, rita):
    ademe = funding.save_funder(call=capped, actor=alice, name="ADEME", budget_amount="40000")
    other = make_resource(capped, charlie, title="Puits partagés", content="Puits.\n")
    ledger.record_entry(
        call=capped, actor=alice, kind="grant", resource=other, funder=ademe, amount="2000"
    )

    def kinds(query):
        answer = api.get(f"/api/v1/calls/eau/ledger?{query}").json()["results"]
        return [(e["resource"], e["funder"]) for e in answer]

    assert kinds(f"funder={ademe.pk}") == [(other.slug, "ADEME")]
    assert kinds("funder=lead") == [(granted.slug, None)]
    assert kinds("funder=nobody") == []
    assert kinds("kind=milestone") == []
