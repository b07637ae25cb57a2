"""A commun answers one or several défis of its call: domain, API, pages, migration."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError

from appel.models import Call, Challenge
from appel.stewarding import move_status
from resources import editing
from resources.models import Participation, Resource, ResourceChallenge

from ..conftest import client_for, make_call, make_resource, web_client

API = "/api/v1/calls/eau/resources"


@pytest.fixture
def defis(call):
    """Three défis in the call's order: nappes (position 0), rivieres (1), sols (2)."""
    Challenge.objects.filter(call=call, slug="nappes").update(position=0)
    rivieres = Challenge.objects.create(call=call, slug="rivieres", title="Rivières", position=1)
    sols = Challenge.objects.create(call=call, slug="sols", title="Sols vivants", position=2)
    return call.challenges.get(slug="nappes"), rivieres, sols


def slugs(resource):
    return [c.slug for c in Resource.objects.get(pk=resource.pk).challenges.all()]


def test_a_commun_answers_several_challenges_the_first_in_the_calls_order(call, bob, defis):
    nappes, rivieres, sols = defis
    version = editing.create_resource(
        call=call, author=bob, title="Atlas", content="x", challenges=[sols, nappes, sols]
    )
    resource = version.resource
    assert slugs(resource) == ["nappes", "sols"]
    assert resource.challenge == nappes


def test_leads_and_stewards_change_the_challenges_others_may_not(call, alice, bob, charlie, defis):
    nappes, rivieres, sols = defis
    resource = make_resource(call, bob, title="Atlas", content="x")
    editing.set_challenges(resource=resource, user=bob, challenges=[sols, rivieres])
    assert slugs(resource) == ["rivieres", "sols"]
    assert Resource.objects.get(pk=resource.pk).challenge == rivieres
    editing.set_challenges(resource=resource, user=alice, challenges=[])
    assert slugs(resource) == [] and Resource.objects.get(pk=resource.pk).challenge is None
    Participation.objects.create(resource=resource, user=charlie)  # a participant, not a lead
    with pytest.raises(PermissionDenied):
        editing.set_challenges(resource=resource, user=charlie, challenges=[nappes])
    assert slugs(resource) == []


def test_a_challenge_of_another_call_is_refused(call, bob, olga, defis):
    other = make_call(olga, slug="mobilite", title="Mobilités")
    foreign = Challenge.objects.create(call=other, slug="velo", title="Vélo")
    resource = make_resource(call, bob, title="Atlas", content="x")
    with pytest.raises(ValidationError):
        editing.set_challenges(resource=resource, user=bob, challenges=[foreign])
    with pytest.raises(ValidationError):
        editing.create_resource(call=call, author=bob, title="B", content="x", challenges=[foreign])
    assert slugs(resource) == ["nappes"]


def test_the_api_reads_and_writes_challenges(call, bob, charlie, defis):
    client = client_for(bob)
    body = {"title": "Atlas", "content": "x", "challenges": ["sols", "rivieres"]}
    response = client.post(API, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["challenges"] == ["rivieres", "sols"] and data["challenge"] == "rivieres"
    url = f"{API}/{data['slug']}"
    # The single `challenge` of older clients is still accepted.
    response = client.patch(url, {"challenge": "nappes"}, format="json")
    assert response.status_code == 200 and response.json()["challenges"] == ["nappes"]
    response = client.patch(url, {"challenges": ["nappes", "sols"]}, format="json")
    assert response.json()["challenges"] == ["nappes", "sols"]
    listed = client.get(API, {"challenge": "sols"}).json()["results"]
    assert [r["slug"] for r in listed] == [data["slug"]]
    assert listed[0]["challenges"] == ["nappes", "sols"]
    assert client.get(API, {"challenge": "rivieres"}).json()["count"] == 0
    # Not a lead: 403; anonymous: 401.
    assert client_for(charlie).patch(url, {"challenges": []}, format="json").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().patch(url, {"challenges": []}, format="json").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"challenges": ["inconnu"]},
        {"challenges": "nappes"},
        {"challenges": [3]},
        {"challenges": ["velo"]},  # a défi of another call
        {"challenge": "inconnu"},
        {},
    ],
)
def test_the_api_explains_a_bad_challenge(call, bob, olga, defis, body):
    other = make_call(olga, slug="mobilite", title="Mobilités")
    Challenge.objects.create(call=other, slug="velo", title="Vélo")
    resource = make_resource(call, bob, title="Atlas", content="x")
    response = client_for(bob).patch(f"{API}/{resource.slug}", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["detail"] and response.json()["errors"]
    assert slugs(resource) == ["nappes"]
    created = client_for(bob).post(API, {"title": "B", "content": "x", **body}, format="json")
    if body:
        assert created.status_code == 400, created.json()


def test_a_closed_call_keeps_its_challenges(call, alice, bob, defis):
    resource = make_resource(call, bob, title="Atlas", content="x")
    move_status(call=call, to=Call.Status.CLOSED, actor=alice)
    response = client_for(bob).patch(f"{API}/{resource.slug}", {"challenges": []}, format="json")
    assert response.status_code == 409
    assert slugs(resource) == ["nappes"]


def test_the_challenges_page_lets_a_lead_choose_with_checkboxes(call, bob, charlie, defis):
    resource = make_resource(call, bob, title="Atlas", content="x")
    url = f"/calls/eau/resources/{resource.slug}/challenges/"
    edit = web_client(bob).get(f"/calls/eau/resources/{resource.slug}/edit/").content.decode()
    assert url in edit
    page = web_client(bob).get(url).content.decode()
    assert 'type="checkbox" name="challenges" value="sols"' in page
    response = web_client(bob).post(url, {"challenges": ["sols", "rivieres"]})
    assert response.status_code == 302
    assert slugs(resource) == ["rivieres", "sols"]
    assert web_client(charlie).get(url).status_code == 403
    assert (
        url
        not in web_client(charlie)
        .get(f"/calls/eau/resources/{resource.slug}/edit/")
        .content.decode()
    )
    assert web_client(charlie).post(url, {"challenges": []}).status_code == 403
    assert slugs(resource) == ["rivieres", "sols"]


def test_the_resource_list_and_dashboard_count_every_challenge(call, alice, bob, defis):
    nappes, rivieres, sols = defis
    editing.create_resource(
        call=call, author=bob, title="Atlas", content="x", challenges=[nappes, sols]
    )
    page = web_client(None).get("/calls/eau/resources/", {"challenge": "sols"})
    assert [r.title for r in page.context["page"]] == ["Atlas"]
    data = client_for(alice).get("/api/v1/calls/eau/dashboard").json()
    counts = {row["challenge"]: row["resources"] for row in data["by_challenge"]}
    assert counts == {"nappes": 1, "rivieres": 0, "sols": 1}


def test_the_migration_keeps_each_communs_single_challenge(call, bob, defis):
    resource = make_resource(call, bob, title="Atlas", content="x")
    ResourceChallenge.objects.filter(resource=resource).delete()
    migration = importlib.import_module("resources.migrations.0010_resource_challenges")
    migration.keep_single_challenge(global_apps, None)
    assert slugs(resource) == ["nappes"]


def test_the_first_defi_follows_a_deleted_or_moved_defi(call, bob, defis):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nappes, rivieres, sols = defis
    atlas = editing.create_resource(
        call=call, author=bob, title="Atlas", content="x", challenges=[nappes, sols]
    ).resource
    alone = editing.create_resource(
        call=call, author=bob, title="Seul", content="x", challenges=[nappes]
    ).resource
    other = editing.create_resource(
        call=call, author=bob, title="Rives", content="x", challenges=[rivieres]
    ).resource

    def first(resource):
        return Resource.objects.get(pk=resource.pk).challenge

    nappes.position = 5  # moved after the others (the admin sets positions)
    nappes.save()
    assert (first(atlas), first(alone), first(other)) == (sols, nappes, rivieres)
    sols.delete()  # deleted by the admin: a commun keeps its other défi
    assert (first(atlas), first(alone), first(other)) == (nappes, nappes, rivieres)
    assert slugs(atlas) == ["nappes"]
    Challenge.objects.get(pk=nappes.pk).delete()
    assert (first(atlas), first(alone), first(other)) == (None, None, rivieres)
    with CaptureQueriesContext(connection) as saved:
        rivieres.save(update_fields=["title"])
    # A défi saved that moves no commun's first défi writes no commun.
    assert not [q for q in saved.captured_queries if 'UPDATE "resources_resource"' in q["sql"]]
