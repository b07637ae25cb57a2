"""POST/GET calls/{call}/resources and GET calls/{call}/resources/{res} (shared/API.md)."""

import pytest

from appel.models import Call
from resources import editing
from resources.models import Resource
from tests.conftest import client_for, make_call

from .conftest import API, BASE, SLUG

ETALAB = {
    "id": "etalab-2.0",
    "name": "Licence Ouverte / Open Licence 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def create(user, **body):
    body = {"title": "Carte des puits", "content": BASE, **body}
    return client_for(user).post(API, body, format="json")


def test_it_creates_a_resource_with_version_one(call, bob):
    response = create(bob, challenge="nappes", comment="premier jet")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == SLUG and body["title"] == "Carte des puits"
    assert (body["call"], body["challenge"], body["license"]) == ("eau", "nappes", ETALAB)
    latest = body["latest_version"]
    assert (latest["number"], latest["author"], latest["state"]) == (1, "bob", "pending")
    assert (latest["size"], latest["delta"]) == (len(BASE.encode()), len(BASE.encode()))
    assert latest["comment"] == "premier jet"
    assert body["stable_version"] is None and body["derived_from"] is None
    assert body["created_by"] == "bob" and body["created_at"]
    assert response["Location"] == f"http://testserver{API}/{SLUG}"
    assert body["url"] == f"http://testserver/calls/eau/resources/{SLUG}/"
    assert Resource.objects.get(slug=SLUG).latest_version.content == BASE


def test_it_takes_an_allowed_license_and_a_slug(call, bob):
    body = create(bob, license="CC-BY-SA-4.0", slug="puits").json()
    assert body["slug"] == "puits" and body["license"]["id"] == "CC-BY-SA-4.0"


@pytest.mark.parametrize("license", ["MIT", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "nope"])
def test_it_refuses_licenses_outside_the_call_policy(call, bob, license):
    response = create(bob, license=license)
    assert response.status_code == 400
    assert response.json()["errors"]["license"] and response.json()["detail"]
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"content": None}, "content"),
        ({"content": 12.5, "title": ["a"]}, "title"),
        ({"challenge": "inconnu"}, "challenge"),
        ({"slug": "pas un slug"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"comment": "x" * 501}, "comment"),
        ({"content": "a\x00b"}, "content"),
        ({"derived_from": {"call": "eau", "resource": "nope", "version": 1}}, "derived_from"),
        ({"derived_from": {"call": "eau"}}, "derived_from"),
        ({"derived_from": "eau/puits/1"}, "derived_from"),
    ],
)
def test_it_explains_invalid_input(call, bob, body, field):
    response = create(bob, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not Resource.objects.exists()


def test_it_refuses_a_taken_slug(resource, charlie):
    response = create(charlie, slug=SLUG)
    assert response.status_code == 400 and "slug" in response.json()["errors"]
    assert create(charlie).json()["slug"] == f"{SLUG}-2"


def test_it_never_makes_the_reserved_slug_from_a_title(call, bob):
    assert create(bob, title="New").json()["slug"] == "new-2"


def test_it_answers_400_for_bodies_that_are_not_objects(call, bob):
    api = client_for(bob)
    for payload in ("[1, 2]", '"text"', "{not json", ""):
        response = api.post(API, payload, content_type="application/json")
        assert response.status_code == 400, payload
        assert response.json()["detail"]


def test_it_requires_an_account(call, api):
    response = api.post(API, {"title": "T", "content": "x"}, format="json")
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("status", [Call.Status.CLOSED, Call.Status.ARCHIVED])
def test_it_answers_409_when_the_call_is_not_open(call, bob, status):
    call.status = status
    call.save()
    response = create(bob)
    assert response.status_code == 409
    assert "read" in response.json()["detail"]
    assert not Resource.objects.exists()


def test_it_hides_drafts_from_everyone_but_their_stewards(olga, bob):
    make_call(olga, slug="brouillon", status=Call.Status.DRAFT)
    url = "/api/v1/calls/brouillon/resources"
    assert (
        client_for(bob).post(url, {"title": "T", "content": "x"}, format="json").status_code == 404
    )
    assert client_for(bob).get(url).status_code == 404
    assert client_for(olga).get(url).status_code == 200
    assert (
        client_for(olga).post(url, {"title": "T", "content": "x"}, format="json").status_code == 409
    )


def test_it_answers_404_for_an_unknown_call(call, bob):
    response = client_for(bob).post("/api/v1/calls/inconnu/resources", {}, format="json")
    assert response.status_code == 404
    assert client_for(bob).get("/api/v1/calls/inconnu/resources/x").status_code == 404


def test_it_derives_a_resource_from_a_version(resource, other_call, charlie):
    source = {"call": "eau", "resource": SLUG, "version": 1}
    url = "/api/v1/calls/mobilite/resources"
    body = {"title": "Reprise", "content": BASE + "\nSuite.\n", "derived_from": source}
    response = client_for(charlie).post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["derived_from"] == source
    derived = Resource.objects.get(slug="reprise")
    assert derived.derived_from == resource.latest_version
    # bob keeps the credit for his words
    assert derived.latest_version.authorship[0][0] == resource.created_by_id


def test_it_refuses_a_license_the_source_does_not_allow(call, bob, charlie):
    editing.create_resource(
        call=call, author=bob, title="Partage", content="x", license="CC-BY-SA-4.0"
    )
    source = {"call": "eau", "resource": "partage", "version": 1}
    response = create(charlie, title="Reprise", license="etalab-2.0", derived_from=source)
    assert response.status_code == 400 and "license" in response.json()["errors"]


def test_it_lists_the_resources_of_a_call(resource, call, bob, api):
    editing.create_resource(call=call, author=bob, title="Sans défi", content="Des sources.")
    body = api.get(API).json()
    assert body["count"] == 2
    assert [r["slug"] for r in body["results"]] == ["sans-defi", SLUG]  # last changed first
    assert [r["slug"] for r in api.get(API, {"challenge": "nappes"}).json()["results"]] == [SLUG]
    assert api.get(API, {"challenge": "inconnu"}).json()["count"] == 0
    assert api.get(API, {"challenge": "a b\x00"}).json()["count"] == 0
    assert [r["slug"] for r in api.get(API, {"q": "sources"}).json()["results"]] == ["sans-defi"]
    assert api.get(API, {"q": "\x00" * 3}).status_code == 200


def test_it_shows_one_resource_with_its_stable_version(resource, rita, api):
    from contributions import reviewing

    version = resource.latest_version
    reviewing.record_review(version=version, reviewer=rita, verdict="approve")
    body = api.get(f"{API}/{SLUG}").json()
    assert body["stable_version"]["number"] == 1
    assert body["stable_version"]["state"] == "validated"
    assert body["latest_version"]["number"] == 1
    assert api.get(f"{API}/inconnu").status_code == 404
