"""An archived call is a read-only record, for its stewards too (appel/stewarding.py)."""

import pytest

from appel.models import Call, Challenge, Membership
from appel.stewarding import CallArchived, save_challenge, set_member
from tests.conftest import client_for

from .conftest import as_form, call_body

MESSAGE = "The call “Eau et territoires” is archived: it is a read-only record."


@pytest.fixture
def archived(call):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ARCHIVED, budget_amount=1000)
    call.refresh_from_db()
    return call


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("patch", "/api/v1/calls/eau", {"title": "Nouveau titre"}),
        ("patch", "/api/v1/calls/eau", {"budget_amount": "5000.00"}),
        ("post", "/api/v1/calls/eau/challenges", {"title": "Nouveau défi"}),
        ("patch", "/api/v1/calls/eau/challenges/nappes", {"title": "Autre"}),
        ("post", "/api/v1/calls/eau/members", {"username": "bob", "role": "reviewer"}),
        ("delete", "/api/v1/calls/eau/members/rita", None),
        ("patch", "/api/v1/calls/eau/retribution", {"published": True}),
    ],
)
def test_the_api_refuses_every_change_to_an_archived_call(archived, alice, bob, method, url, body):
    response = getattr(client_for(alice), method)(url, body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == MESSAGE
    archived.refresh_from_db()
    assert (archived.title, archived.budget_amount) == ("Eau et territoires", 1000)
    assert list(archived.challenges.values_list("title", flat=True)) == ["Nappes phréatiques"]
    assert archived.memberships.count() == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/calls/eau/edit/", as_form(call_body(slug="eau", title="Nouveau titre"))),
        ("/calls/eau/challenges/new/", {"title": "Nouveau défi"}),
        ("/calls/eau/challenges/nappes/edit/", {"title": "Autre"}),
        ("/calls/eau/members/", {"username": "bob", "role": "reviewer"}),
    ],
)
def test_the_pages_refuse_every_change_to_an_archived_call(archived, alice, bob, client, url, data):
    client.force_login(alice)
    response = client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    archived.refresh_from_db()
    assert archived.title == "Eau et territoires"
    assert not Challenge.objects.filter(title__in=["Nouveau défi", "Autre"]).exists()


def test_removing_a_member_and_publishing_are_refused_on_the_pages(archived, alice, client):
    client.force_login(alice)
    response = client.post("/calls/eau/members/rita/remove/", follow=True)
    assert MESSAGE in response.content.decode()
    assert archived.memberships.filter(user__username="rita").exists()
    response = client.post("/calls/eau/retribution/", {"action": "publish"}, follow=True)
    assert MESSAGE in response.content.decode()


def test_the_domain_functions_refuse_it(archived, bob):
    with pytest.raises(CallArchived):
        set_member(call=archived, user=bob, role=Membership.Role.REVIEWER)
    with pytest.raises(CallArchived):
        save_challenge(challenge=Challenge(call=archived, title="Sols"))
