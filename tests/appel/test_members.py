import pytest
from django.contrib.messages import get_messages

from appel.models import Membership
from appel.stewarding import LastSteward, remove_member, set_member
from tests.conftest import client_for, web_client


def roles(call):
    return dict(call.memberships.values_list("user__username", "role"))


def test_it_lists_members(call, bob):
    data = client_for(bob).get("/api/v1/calls/eau/members").json()
    assert data["count"] == 2
    assert [(m["username"], m["display_name"], m["role"]) for m in data["results"]] == [
        ("rita", "Rita", "reviewer"),
        ("alice", "Alice", "steward"),
    ]


def test_it_adds_a_reviewer(alice, bob, call):
    body = {"username": "bob", "role": "reviewer"}
    response = client_for(alice).post("/api/v1/calls/eau/members", body, format="json")
    assert response.status_code == 201
    assert response.json()["username"] == "bob"
    assert roles(call)["bob"] == "reviewer"
    assert call.can_review(bob)


def test_it_changes_the_role_of_an_existing_member_with_200(alice, rita, call):
    body = {"username": "rita", "role": "steward"}
    response = client_for(alice).post("/api/v1/calls/eau/members", body, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "steward"
    assert roles(call) == {"alice": "steward", "rita": "steward"}
    # Posting the same role again changes nothing and says so with 200.
    response = client_for(alice).post("/api/v1/calls/eau/members", body, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "nobody", "role": "reviewer"}, "username"),
        ({"username": "bob", "role": "owner"}, "role"),
        ({"username": "bob"}, "role"),
        ({"role": "reviewer"}, "username"),
    ],
)
def test_it_refuses_unknown_users_and_roles(alice, bob, call, body, field):
    response = client_for(alice).post("/api/v1/calls/eau/members", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert roles(call) == {"alice": "steward", "rita": "reviewer"}


def test_it_removes_a_member(alice, call):
    response = client_for(alice).delete("/api/v1/calls/eau/members/rita")
    assert response.status_code == 204
    assert roles(call) == {"alice": "steward"}


def test_it_keeps_the_last_steward(alice, call):
    response = client_for(alice).delete("/api/v1/calls/eau/members/alice")
    assert response.status_code == 409
    assert response.json()["detail"]
    body = {"username": "alice", "role": "reviewer"}
    response = client_for(alice).post("/api/v1/calls/eau/members", body, format="json")
    assert response.status_code == 409
    assert roles(call) == {"alice": "steward", "rita": "reviewer"}


def test_it_lets_a_steward_leave_when_another_remains(alice, rita, call):
    set_member(call=call, user=rita, role=Membership.Role.STEWARD)
    assert client_for(alice).delete("/api/v1/calls/eau/members/alice").status_code == 204
    assert roles(call) == {"rita": "steward"}
    # alice is no longer a steward: she may not manage the call any more.
    assert client_for(alice).delete("/api/v1/calls/eau/members/rita").status_code == 403


def test_it_reads_the_role_again_once_the_call_is_locked(alice, rita, call):
    stale = call.memberships.get(user=rita)
    set_member(call=call, user=rita, role=Membership.Role.STEWARD)
    remove_member(call=call, user=alice)
    assert stale.role == "reviewer"  # what a caller might still hold
    with pytest.raises(LastSteward):
        remove_member(call=call, user=rita)


# Pages


def test_it_shows_the_members_page(alice, call):
    response = web_client(alice).get("/calls/eau/members/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/calls/eau/members/rita/remove/"' in body
    assert 'href="/users/rita/"' in body


def test_removing_a_member_asks_first_and_cancelling_keeps_them(alice, call):
    page = web_client(alice).get("/calls/eau/members/rita/remove/").content.decode()
    assert "Remove Rita from “Eau et territoires”?" in page
    assert 'href="/calls/eau/members/"' in page  # the way back
    assert roles(call)["rita"] == "reviewer"
    web_client(alice).post("/calls/eau/members/rita/remove/")
    assert "rita" not in roles(call)


def test_it_adds_a_member_from_the_page(alice, bob, call):
    data = {"username": "bob", "role": "steward"}
    response = web_client(alice).post("/calls/eau/members/", data)
    assert response.status_code == 302
    assert response["Location"] == "/calls/eau/members/"
    assert roles(call)["bob"] == "steward"


def test_it_ties_page_errors_to_their_fields(alice, call):
    response = web_client(alice).post("/calls/eau/members/", {"username": "nobody", "role": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"username", "role"}
    assert 'aria-describedby="id_username_helptext id_username_error"' in response.content.decode()


def test_it_explains_the_last_steward_rule_on_the_page(alice, call):
    client = web_client(alice)
    response = client.post("/calls/eau/members/", {"username": "alice", "role": "reviewer"})
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [str(LastSteward(call))]
    response = client.post("/calls/eau/members/alice/remove/")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [str(LastSteward(call))]
    assert roles(call) == {"alice": "steward", "rita": "reviewer"}


def test_it_removes_a_member_from_the_page(alice, call):
    response = web_client(alice).post("/calls/eau/members/rita/remove/")
    assert response["Location"] == "/calls/eau/members/"
    assert roles(call) == {"alice": "steward"}


def test_it_answers_404_for_a_non_member(alice, bob, call):
    assert web_client(alice).post("/calls/eau/members/bob/remove/").status_code == 404
