"""Joining and leaving a commun (resources/teams.py), over the API and the page."""

import pytest

from appel.models import Call
from resources import teams
from resources.models import Participation
from tests.conftest import client_for

from .conftest import PAGE, RES


def test_it_makes_the_creator_the_lead(resource, bob, api):
    answer = api.get(f"{RES}/participants").json()
    assert [(p["username"], p["role"]) for p in answer["results"]] == [("bob", "lead")]
    assert {"display_name", "joined_at"} <= set(answer["results"][0])
    assert api.get(RES).json()["participants_count"] == 1


def test_it_joins_once_and_leaves(resource, charlie):
    client = client_for(charlie)
    first = client.post(f"{RES}/participants")
    assert first.status_code == 201 and first.json()["role"] == "participant"
    assert client.post(f"{RES}/participants").status_code == 200
    assert Participation.objects.filter(resource=resource).count() == 2
    assert client.delete(f"{RES}/participants").status_code == 204
    assert not Participation.objects.filter(resource=resource, user=charlie).exists()


def test_it_keeps_the_last_lead(resource, bob, charlie):
    answer = client_for(bob).delete(f"{RES}/participants")
    assert answer.status_code == 409 and "last lead" in answer.json()["detail"]
    teams.join(resource=resource, user=charlie)
    assert client_for(bob).delete(f"{RES}/participants").status_code == 409  # charlie isn't lead
    Participation.objects.filter(user=charlie).update(role=Participation.Role.LEAD)
    assert client_for(bob).delete(f"{RES}/participants").status_code == 204


def test_it_refuses_changes_in_a_closed_call(resource, call, charlie):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    answer = client_for(charlie).post(f"{RES}/participants")
    assert answer.status_code == 409 and "closed" in answer.json()["detail"]


def test_it_hides_a_drafts_team(resource, call, charlie, alice):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DRAFT)
    for client in (client_for(charlie), client_for(charlie)):
        assert client.get(f"{RES}/participants").status_code == 404
        assert client.post(f"{RES}/participants").status_code == 404
    assert client_for(alice).get(f"{RES}/participants").status_code == 200


def test_it_joins_from_the_page_and_shows_the_team(resource, charlie, client, committed):
    client.force_login(charlie)
    page = client.get(f"{PAGE}/").content.decode()
    assert "Join this commun" in page and "Bob" in page
    with committed():
        response = client.post(f"{PAGE}/join/")
    response = client.get(response["Location"])
    page = response.content.decode()
    assert "You joined this commun" in page
    assert "Charlie" in page.split('id="team-title"')[1]  # the cached team list is fresh
    assert "Leave" in page
    client.post(f"{PAGE}/join/", {"leave": "1"})
    assert not Participation.objects.filter(user=charlie).exists()


def test_it_lists_ones_communs_on_the_profile(resource, bob, client):
    page = client.get("/users/bob/").content.decode()
    assert "Carte des puits" in page and "Lead" in page


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_it_hides_a_drafts_communs_on_profiles(resource, call, client, charlie, who):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DRAFT)
    if who == "charlie":
        client.force_login(charlie)
    assert "Carte des puits" not in client.get("/users/bob/").content.decode()


def test_a_lead_names_another_lead_who_may_then_let_them_go(resource, bob, charlie, client):
    teams.join(resource=resource, user=charlie)
    client.force_login(charlie)
    client.post(f"{PAGE}/join/", {"promote": "bob"})  # a participant names nobody
    assert teams.role_of(resource, charlie) == "participant"
    client.force_login(bob)
    assert "Manage the team" in client.get(f"{PAGE}/").content.decode()
    assert "Make lead" in client.get(f"{PAGE}/team/").content.decode()
    client.post(f"{PAGE}/join/", {"promote": "charlie"})
    assert teams.role_of(resource, charlie) == "lead"
    assert client_for(bob).delete(f"{RES}/participants").status_code == 204
    assert client.post(f"{PAGE}/join/", {"promote": "nobody"}).status_code == 404
