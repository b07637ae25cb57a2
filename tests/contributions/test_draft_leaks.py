"""A draft call's objects reach nobody through a public resource or a public profile.

Only an SQL edit can put resources in a draft call today; if it ever
happens, the draft's slugs, titles and URLs must not show up in a derived
resource's `derived_from`, its credits and exports, nor on a profile.
"""

import pytest

from appel.models import Call
from resources.models import Resource

from ..conftest import client_for
from .conftest import review

DRAFT_WORDS = ("carte-des-puits", "Carte des puits", "Eau et territoires", "/calls/eau/")


@pytest.fixture
def derived(resource, other_call, victor, rita):
    """ "Puits mobiles" in the open call "mobilite", from "carte-des-puits"; "eau" then a draft."""
    review(resource.latest_version, rita, verdict="comment")
    response = client_for(victor).post(
        "/api/v1/calls/mobilite/resources",
        {
            "title": "Puits mobiles",
            "content": "# Puits mobiles\n\nTexte de victor.\n",
            "license": "CC-BY-SA-4.0",
            "derived_from": {"call": "eau", "resource": "carte-des-puits", "version": 1},
        },
        format="json",
    )
    assert response.status_code == 201
    Call.objects.filter(slug="eau").update(status=Call.Status.DRAFT)
    return Resource.objects.get(slug="puits-mobiles")


def assert_no_draft(text):
    for word in DRAFT_WORDS:
        assert word not in text, word


def test_the_api_hides_a_draft_source(derived, api):
    base = "/api/v1/calls/mobilite/resources/puits-mobiles"
    assert api.get(base).json()["derived_from"] is None
    credit = api.get(f"{base}/attribution")
    assert credit.json()["derived_from"] is None
    assert_no_draft(credit.content.decode())
    assert_no_draft(api.get(f"{base}/export?format=md").content.decode())


def test_the_pages_hide_a_draft_source(derived, client):
    base = "/calls/mobilite/resources/puits-mobiles/"
    for page in ("", "attribution/", "export/?format=html"):
        response = client.get(base + page)
        assert response.status_code == 200
        assert_no_draft(response.content.decode())


def test_a_public_profile_hides_reviews_in_a_draft(derived, bob, client):
    page = client.get(f"/users/{bob.username}/").content.decode()
    assert_no_draft(page)
    # bob himself sees nothing of the draft either (he is not its steward).
    client.force_login(bob)
    assert_no_draft(client.get("/accounts/profile/").content.decode())


def test_the_drafts_stewards_still_see_the_review_on_their_own_call(derived, alice, bob, client):
    client.force_login(alice)
    assert "Carte des puits" in client.get(f"/users/{bob.username}/").content.decode()


def test_a_funder_learns_only_that_a_drafts_slug_is_taken(call, olga):
    Call.objects.filter(slug="eau").update(status=Call.Status.DRAFT)
    body = {"title": "Autre", "slug": "eau", "allowed_licenses": ["MIT"]}
    response = client_for(olga).post("/api/v1/calls", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"slug": ["This address is taken: choose another slug."]}
    assert_no_draft(response.content.decode().replace('"eau"', ""))
