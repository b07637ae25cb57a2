"""Inviting people: search by name, invitations by e-mail, the funder role from the site."""

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing

from appel.models import AuditEntry, Invitation, Membership, User
from appel.stewarding import INVITATION_SALT, invitation_link, invite
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def roles(call):
    return dict(call.memberships.values_list("user__username", "role"))


def test_an_address_without_account_gets_a_signed_link_that_makes_the_member_at_signup(
    call, alice, client, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/calls/eau/members/", {"username": "nina@example.org", "role": "reviewer"}
        )
    assert answer.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.accepted_at) == (
        "nina@example.org",
        "reviewer",
        None,
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@example.org"]
    # The signed token carries its date: read the link the e-mail holds.
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(invitation_link(invitation).rsplit(":", 2)[0])
    assert "nina@example.org" in client.get("/calls/eau/members/").content.decode()
    client.logout()
    page = client.get(link).content.decode()
    assert "invites you to be reviewer" in page
    token = link.split("/")[-2]
    signup = client.get(f"/accounts/signup/?invitation={token}").content.decode()
    assert 'value="nina@example.org"' in signup
    answer = client.post(
        "/accounts/signup/",
        {
            "username": "nina",
            "display_name": "Nina",
            "email": "nina@example.org",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "invitation": token,
        },
    )
    assert answer["Location"] == "/calls/eau/"
    assert roles(call)["nina"] == "reviewer"
    assert AuditEntry.objects.filter(action="invitation_accepted").count() == 1
    # Used once: the same link is refused afterwards.
    assert client.get(link).status_code == 404


def test_an_address_with_an_account_gives_the_role_at_once(call, alice, bob):
    membership, invitation = invite(
        call=call, email="BOB@example.org", role="reviewer", actor=alice, site_url="http://x"
    )
    assert invitation is None and membership.user == bob
    assert roles(call)["bob"] == "reviewer"


def test_a_signed_in_person_accepts_from_the_link(call, alice, charlie, client):
    _m, invitation = invite(
        call=call, email="other@example.org", role="steward", actor=alice, site_url="http://x"
    )
    client.force_login(charlie)
    link = invitation_link(invitation)
    assert client.post(link)["Location"] == "/calls/eau/"
    assert roles(call)["charlie"] == "steward"


def test_forged_or_expired_links_are_refused(call, alice, client):
    _m, invitation = invite(
        call=call, email="x@example.org", role="steward", actor=alice, site_url="http://x"
    )
    forged = signing.dumps(invitation.pk, salt="another.salt")
    assert client.get(f"/invitations/{forged}/").status_code == 404
    assert client.get("/invitations/nonsense/").status_code == 404
    token = signing.dumps(invitation.pk, salt=INVITATION_SALT)
    assert client.get(f"/invitations/{token}/").status_code == 200
    later = time.time() + 31 * 24 * 3600
    with mock.patch("time.time", return_value=later):
        assert client.get(f"/invitations/{token}/").status_code == 404


def test_bad_addresses_are_explained(call, alice, client):
    client.force_login(alice)
    page = client.post("/calls/eau/members/", {"username": "not@an@address", "role": "reviewer"})
    assert page.status_code == 200 and "valid e-mail address" in page.content.decode()
    page = client.post("/calls/eau/members/", {"username": "nobody", "role": "reviewer"})
    assert "No account has this username" in page.content.decode()
    assert not Invitation.objects.exists()


def test_the_search_finds_people_by_name_for_stewards_only(call, alice, bob, rita, client):
    make_user("claire").__class__.objects.filter(username="claire").update(
        display_name="Claire Dubois"
    )
    client.force_login(alice)
    found = client.get("/calls/eau/members/search/?q=dubo").json()["results"]
    assert found == [{"username": "claire", "display_name": "Claire Dubois"}]
    # An exact e-mail finds its account, without showing the address.
    found = client.get("/calls/eau/members/search/?q=claire@example.org").json()["results"]
    assert found == [{"username": "claire", "display_name": "Claire Dubois"}]
    assert "example.org" not in str(found)
    page = client.get("/calls/eau/members/?q=dubo").content.decode()
    assert "Claire Dubois" in page and "Add as reviewer" in page
    for person in (bob, rita):
        client.force_login(person)
        assert client.get("/calls/eau/members/search/?q=dubo").status_code == 403
    client.logout()
    assert client.get("/calls/eau/members/search/?q=dubo").status_code == 302


def test_a_one_letter_search_finds_nobody(call, alice, client):
    client.force_login(alice)
    assert client.get("/calls/eau/members/search/?q=a").json()["results"] == []


def test_staff_grant_and_withdraw_the_funder_role_from_the_site(bob, alice, client):
    staff = User.objects.create_user("sam", password="x", is_staff=True)
    client.force_login(staff)
    assert "Grant the funder role" in client.get("/users/bob/").content.decode()
    client.post("/users/bob/funder/", {"funder": "1"})
    assert User.objects.get(username="bob").is_funder
    client.post("/users/bob/funder/", {"funder": "0"})
    assert not User.objects.get(username="bob").is_funder
    assert AuditEntry.objects.filter(action="funder_granted", target="bob").exists()
    client.force_login(alice)  # a funder, but not staff
    assert client.post("/users/bob/funder/", {"funder": "1"}).status_code == 403
    assert "Grant the funder role" not in client.get("/users/bob/").content.decode()


def test_a_steward_invited_as_reviewer_stays_steward(call, alice, client):
    _m, invitation = invite(
        call=call, email="a2@example.org", role="reviewer", actor=alice, site_url="http://x"
    )
    client.force_login(alice)
    client.post(invitation_link(invitation))
    assert call.memberships.get(user=alice).role == Membership.Role.STEWARD
