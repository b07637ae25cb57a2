"""Cut-off dates and decisions: domain rules, API contract, pages, role matrix."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appel.models import AuditEntry, Call
from appel.stewarding import add_cutoff
from contributions import deciding
from resources import editing
from tests.conftest import client_for

from .conftest import append, review

DATE = datetime.date(2026, 6, 1)


@pytest.fixture
def funded_call(call):
    call.funding_min, call.funding_max = "10000.00", "80000.00"
    call.save()
    return call


@pytest.fixture
def validated(resource, rita):
    """`resource` with version 1 validated by rita, and a pending version 2."""
    review(resource.latest_version, rita)
    append(resource, resource.created_by, "Un ajout en attente.")
    resource.refresh_from_db()
    assert resource.stable_version.number == 1 and resource.latest_version.number == 2
    return resource


@pytest.fixture
def other(call, charlie):
    return editing.create_resource(
        call=call, author=charlie, title="Puits partagés", content="## Pitch\n\nPuits.\n"
    ).resource


@pytest.fixture
def cutoff(funded_call, alice):
    return add_cutoff(call=funded_call, title="Relevé de juin", date=DATE, actor=alice)


def decide(cutoff, resource, actor, **fields):
    values = {
        "version": resource.stable_version,
        "decision": "selected",
        "answer": "Retenu : **bravo**.",
        "amount": "50000",
    }
    values.update(fields)
    return deciding.record_decision(cutoff=cutoff, resource=resource, actor=actor, **values)


# Domain


def test_it_records_a_selection_within_floor_and_cap(cutoff, validated, alice):
    decision, created = decide(cutoff, validated, alice)
    assert created and decision.amount == 50000 and decision.version.number == 1
    assert "<strong>bravo</strong>" in decision.answer_html
    assert AuditEntry.objects.filter(action="decision_recorded").count() == 1


@pytest.mark.parametrize("amount", ["9999.99", "80000.01", "0", "-5", None])
def test_it_refuses_amounts_outside_floor_and_cap(cutoff, validated, alice, amount):
    with pytest.raises(ValidationError) as refused:
        decide(cutoff, validated, alice, amount=amount)
    assert "amount" in refused.value.message_dict


def test_the_floor_and_cap_themselves_are_accepted(cutoff, validated, alice):
    assert decide(cutoff, validated, alice, amount="10000")[0].amount == 10000
    assert decide(cutoff, validated, alice, amount="80000.00")[0].amount == 80000


def test_it_refuses_a_version_that_is_not_validated(cutoff, validated, alice):
    with pytest.raises(ValidationError) as refused:
        decide(cutoff, validated, alice, version=validated.latest_version)
    assert "not validated" in refused.value.message_dict["version"][0]


def test_only_a_selection_has_an_amount_and_only_pooling_names_a_commons(
    cutoff, validated, other, alice
):
    with pytest.raises(ValidationError):
        decide(cutoff, validated, alice, decision="declined", amount="20000")
    with pytest.raises(ValidationError):
        decide(cutoff, validated, alice, decision="pool", amount=None)
    with pytest.raises(ValidationError):
        decide(cutoff, validated, alice, decision="pool", amount=None, pool_with=validated)
    decision, _ = decide(cutoff, validated, alice, decision="pool", amount=None, pool_with=other)
    assert decision.pool_with == other and decision.amount is None


def test_deciding_again_before_publication_replaces(cutoff, validated, alice):
    decide(cutoff, validated, alice)
    decision, created = decide(cutoff, validated, alice, decision="rework", amount=None)
    assert not created and decision.decision == "rework"
    assert cutoff.decisions.count() == 1


def test_only_stewards_decide_and_publish(cutoff, validated, rita, bob):
    for person in (rita, bob):
        with pytest.raises(PermissionDenied):
            decide(cutoff, validated, person)
        with pytest.raises(PermissionDenied):
            deciding.publish_cutoff(cutoff=cutoff, actor=person)


def test_published_decisions_are_final(cutoff, validated, other, alice):
    decide(cutoff, validated, alice)
    deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    with pytest.raises(deciding.CutoffPublished):
        decide(cutoff, validated, alice, decision="declined", amount=None)
    with pytest.raises(deciding.CutoffPublished):
        decide(cutoff, other, alice, decision="declined", amount=None, version=None)
    with pytest.raises(deciding.CutoffPublished):
        deciding.publish_cutoff(cutoff=cutoff, actor=alice)


# API


def url(cutoff, tail="decisions"):
    return f"/api/v1/calls/{cutoff.call.slug}/cutoffs/{cutoff.pk}/{tail}"


BODY = {"resource": "carte-des-puits", "version": 1, "decision": "selected", "answer": "Oui."}


def test_the_api_runs_a_cut_off_from_creation_to_publication(
    funded_call, validated, alice, bob, api
):
    steward = client_for(alice)
    created = steward.post(
        "/api/v1/calls/eau/cutoffs", {"title": "Relevé", "date": "2026-06-01"}, format="json"
    )
    assert created.status_code == 201
    assert set(created.json()) >= {"id", "title", "date", "published"}
    assert created.json()["published"] is False and created.json()["date"] == "2026-06-01"
    cutoff = funded_call.cutoffs.get()
    answer = steward.post(url(cutoff), {**BODY, "amount": "25000.00"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["amount"] == "25000.00" and answer.json()["version"] == 1
    # Private until published: outsiders get 403/401, the resource shows nothing.
    assert client_for(bob).get(url(cutoff)).status_code == 403
    assert api.get(url(cutoff)).status_code == 401
    assert api.get("/api/v1/calls/eau/resources/carte-des-puits").json()["decisions"] == []
    assert steward.get(url(cutoff)).json()["count"] == 1
    # Replacing before publication answers 200.
    again = steward.post(url(cutoff), {**BODY, "amount": "30000"}, format="json")
    assert again.status_code == 200 and again.json()["amount"] == "30000.00"
    published = steward.post(url(cutoff, "publish"))
    assert published.status_code == 200 and published.json()["published"] is True
    assert api.get(url(cutoff)).json()["results"][0]["amount"] == "30000.00"
    shown = api.get("/api/v1/calls/eau/resources/carte-des-puits").json()["decisions"]
    assert [(d["decision"], d["amount"], d["version"]) for d in shown] == [
        ("selected", "30000.00", 1)
    ]
    # Final: any change, a new decision, or publishing again is a conflict.
    assert steward.post(url(cutoff), BODY, format="json").status_code == 409
    assert steward.post(url(cutoff, "publish")).status_code == 409


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": "5000"}, "amount"),
        ({"amount": "90000"}, "amount"),
        ({}, "amount"),
        ({"version": 2}, "version"),
        ({"version": 9}, "version"),
        ({"resource": "nope"}, "resource"),
        ({"decision": "maybe"}, "decision"),
        ({"answer": ""}, "answer"),
        ({"decision": "pool", "amount": None}, "pool_with"),
        ({"decision": "declined", "amount": "20000"}, "amount"),
    ],
)
def test_the_api_explains_each_refusal(cutoff, validated, alice, change, field):
    body = {**BODY, "amount": "20000", **change}
    if change == {}:
        body.pop("amount")
    answer = client_for(alice).post(url(cutoff), body, format="json")
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()["errors"]


def test_role_matrix_on_the_api(cutoff, validated, alice, rita, bob, olga, api):
    body = {**BODY, "amount": "20000"}
    assert api.post(url(cutoff), body, format="json").status_code == 401
    for person in (rita, bob, olga):
        assert client_for(person).post(url(cutoff), body, format="json").status_code == 403
        assert client_for(person).post(url(cutoff, "publish")).status_code == 403
        created = client_for(person).post(
            "/api/v1/calls/eau/cutoffs", {"title": "x", "date": "2026-01-01"}, format="json"
        )
        assert created.status_code == 403
    assert api.get("/api/v1/calls/eau/cutoffs").status_code == 200


def test_a_draft_calls_cut_offs_are_404_for_all_but_its_stewards(cutoff, alice, bob, api):
    Call.objects.filter(pk=cutoff.call.pk).update(status=Call.Status.DRAFT)
    for client in (api, client_for(bob)):
        assert client.get("/api/v1/calls/eau/cutoffs").status_code == 404
        assert client.get(url(cutoff)).status_code == 404
        assert client.post(url(cutoff, "publish")).status_code == 404
        assert client.get(f"/calls/eau/cutoffs/{cutoff.pk}/").status_code == 404
    assert client_for(alice).get(url(cutoff)).status_code == 200


def test_unknown_or_huge_cut_off_ids_are_404(cutoff, alice):
    steward = client_for(alice)
    assert steward.get("/api/v1/calls/eau/cutoffs/999/decisions").status_code == 404
    assert steward.get(f"/api/v1/calls/eau/cutoffs/{2**70}/decisions").status_code == 404


# Pages


def test_a_steward_records_and_publishes_through_the_pages(cutoff, validated, alice, bob, client):
    client.force_login(alice)
    page = f"/calls/eau/cutoffs/{cutoff.pk}/"
    refused = client.post(
        page,
        {"resource": validated.slug, "decision": "selected", "amount": "1", "answer": "Oui."},
    )
    assert refused.status_code == 400 and "10000.00 to 80000.00" in refused.content.decode()
    answer = client.post(
        page,
        {"resource": validated.slug, "decision": "selected", "amount": "40000", "answer": "Oui."},
    )
    assert answer.status_code == 302
    resource_page = validated.get_absolute_url()
    assert "Funder&#x27;s decisions" not in client.get(resource_page).content.decode()
    confirm = client.get(f"{page}publish/")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert client.post(f"{page}publish/").status_code == 302
    cutoff.refresh_from_db()
    assert cutoff.published
    shown = client.get(resource_page).content.decode()
    assert "Selected for funding" in shown and "40" in shown
    client.force_login(bob)  # the author sees it on his profile
    assert "Selected for funding" in client.get("/accounts/profile/").content.decode()


def test_outsiders_see_unpublished_cut_offs_without_their_decisions(
    cutoff, validated, alice, bob, client
):
    decide(cutoff, validated, alice)
    client.force_login(bob)
    page = client.get(f"/calls/eau/cutoffs/{cutoff.pk}/").content.decode()
    assert "not published yet" in page and "bravo" not in page
    assert client.post(f"/calls/eau/cutoffs/{cutoff.pk}/", {}).status_code == 403


def test_an_archived_call_takes_no_cut_off_nor_decision(cutoff, validated, alice):
    from appel.stewarding import move_status

    move_status(call=cutoff.call, to="closed", actor=alice)
    move_status(call=cutoff.call, to="archived", actor=alice)
    steward = client_for(alice)
    body = {**BODY, "amount": "20000"}
    assert steward.post(url(cutoff), body, format="json").status_code == 409
    assert steward.post(url(cutoff, "publish")).status_code == 409
    created = steward.post(
        "/api/v1/calls/eau/cutoffs", {"title": "Trop tard", "date": "2027-01-01"}, format="json"
    )
    assert created.status_code == 409
    assert not cutoff.decisions.exists()
