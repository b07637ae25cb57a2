"""Edits, history, diffs and restores through the API: the conflict table of shared/API.md."""

import json
from unittest import mock

import pytest
from rest_framework.parsers import JSONParser

from appel.models import Call
from resources import editing
from resources.models import ResourceVersion
from tests.conftest import client_for

from .conftest import API, BASE, SLUG, grow

VERSIONS = f"{API}/{SLUG}/versions"


def edit(user, content, base_version=1, **body):
    body = {"content": content, "base_version": base_version, **body}
    return client_for(user).post(VERSIONS, body, format="json")


def count(resource):
    return ResourceVersion.objects.filter(resource=resource).count()


def test_it_saves_an_edit_from_the_latest_version(resource, charlie):
    response = edit(charlie, BASE + "\nTroisième.\n", comment="ajout", title="Carte des forages")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["parent_number"], body["merged"]) == (2, 1, False)
    assert (body["author"], body["comment"], body["state"]) == ("charlie", "ajout", "pending")
    assert body["title"] == "Carte des forages"
    assert body["content"] == BASE + "\nTroisième.\n"
    assert "<p>Troisième.</p>" in body["html"] and body["reviews"] == []
    assert body["delta"] == len("\nTroisième.\n".encode())
    resource.refresh_from_db()
    assert resource.latest_version.number == 2 and resource.title == "Carte des forages"


def test_it_merges_edits_of_separate_paragraphs_from_a_stale_base(resource, bob, charlie):
    assert edit(charlie, BASE.replace("Premier", "Tout premier")).status_code == 201
    response = edit(bob, BASE.replace("Deuxième", "Second"), base_version=1)
    assert response.status_code == 201
    body = response.json()
    assert body["merged"] is True and body["number"] == 3
    assert "Tout premier paragraphe." in body["content"]
    assert "Second paragraphe." in body["content"]


def test_it_refuses_overlapping_edits_and_hands_the_text_back_unchanged(resource, bob, charlie):
    assert edit(charlie, BASE.replace("Premier", "Un")).status_code == 201
    # CRLF, trailing spaces, a tab, non-ASCII: all must come back byte for byte.
    mine = BASE.replace("Premier", "Le premier \t").replace("\n", "\r\n") + "Fin — ünïcode  "
    response = edit(bob, mine, base_version=1)
    assert response.status_code == 409
    body = response.json()
    assert body["content"] == mine
    assert body["latest_version"] == 2
    assert "version 2" in body["detail"]
    assert count(resource) == 2


def test_it_answers_200_and_saves_nothing_for_identical_content(resource, charlie):
    response = edit(charlie, BASE)
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["merged"]) == (1, False)
    assert count(resource) == 1


@pytest.mark.parametrize("base_version", [None, "abc", 0, -1, 1.5, True, 2**40])
def test_it_requires_a_valid_base_version(resource, charlie, base_version):
    body = {"content": "Autre.\n"}
    if base_version is not None:
        body["base_version"] = base_version
    response = client_for(charlie).post(VERSIONS, body, format="json")
    assert response.status_code == 400
    assert "base_version" in response.json()["errors"]
    assert count(resource) == 1


def test_it_refuses_a_base_version_that_does_not_exist_yet(resource, charlie):
    response = edit(charlie, "Autre.\n", base_version=7)
    assert response.status_code == 400 and "base_version" in response.json()["errors"]


@pytest.mark.parametrize("body", [{"base_version": 1}, {"content": 3}, {"content": ["a"]}])
def test_it_requires_text_content(resource, charlie, body):
    response = client_for(charlie).post(VERSIONS, body, format="json")
    assert response.status_code == 400 and "content" in response.json()["errors"]


@pytest.mark.parametrize("content", ["a" * 1_000_001, "é" * 500_001])
def test_it_refuses_texts_over_one_megabyte(resource, charlie, content):
    response = edit(charlie, content)
    assert response.status_code == 413
    assert "1000000" in response.json()["detail"]
    assert count(resource) == 1


def test_it_accepts_a_text_of_exactly_one_megabyte(resource, charlie):
    response = edit(charlie, "a" * 1_000_000)
    assert response.status_code == 201 and response.json()["size"] == 1_000_000


def test_it_refuses_huge_bodies_before_parsing_them(resource, charlie):
    payload = json.dumps({"content": "a" * 2_600_000, "base_version": 1})
    with mock.patch.object(JSONParser, "parse", side_effect=AssertionError("parsed")):
        response = client_for(charlie).post(VERSIONS, payload, content_type="application/json")
    assert response.status_code == 413
    assert count(resource) == 1


@pytest.mark.parametrize("status", [Call.Status.CLOSED, Call.Status.ARCHIVED])
def test_it_answers_409_when_the_call_is_not_open(resource, charlie, status):
    resource.call.status = status
    resource.call.save()
    response = edit(charlie, "Autre.\n")
    assert response.status_code == 409 and response.json()["detail"]
    assert count(resource) == 1
    assert client_for(charlie).get(VERSIONS).status_code == 200  # still readable


def test_it_requires_an_account(resource, api):
    response = api.post(VERSIONS, {"content": "x", "base_version": 1}, format="json")
    assert response.status_code == 401
    assert count(resource) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/calls/inconnu/resources/carte-des-puits/versions",
        f"{API}/inconnu/versions",
    ],
)
def test_it_answers_404_for_unknown_slugs(resource, charlie, url):
    assert (
        client_for(charlie)
        .post(url, {"content": "x", "base_version": 1}, format="json")
        .status_code
        == 404
    )
    assert client_for(charlie).get(url).status_code == 404


def test_it_lists_versions_newest_first_in_pages(resource, charlie, api):
    grow(resource, charlie, 4)
    body = api.get(VERSIONS, {"page_size": 2}).json()
    assert body["count"] == 5
    assert [v["number"] for v in body["results"]] == [5, 4]
    assert body["previous"] is None and "page=2" in body["next"]
    assert set(body["results"][0]) >= {
        "number",
        "author",
        "created_at",
        "comment",
        "size",
        "delta",
        "state",
    }
    last = api.get(VERSIONS, {"page_size": 2, "page": 3}).json()
    assert [v["number"] for v in last["results"]] == [1] and last["next"] is None
    assert api.get(VERSIONS, {"page": 9}).status_code == 404
    assert [v["number"] for v in api.get(VERSIONS).json()["results"]] == [5, 4, 3, 2, 1]


def test_it_shows_a_version_with_its_reviews(resource, rita, api):
    from contributions import reviewing

    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="approve", comment="**Bien**"
    )
    body = api.get(f"{VERSIONS}/1").json()
    assert (body["number"], body["title"], body["content"]) == (1, "Carte des puits", BASE)
    assert body["html"].startswith('<h1 id="carte">')
    assert body["state"] == "validated"
    [review] = body["reviews"]
    assert (review["reviewer"], review["verdict"], review["comment"]) == (
        "rita",
        "approve",
        "**Bien**",
    )
    assert review["comment_html"] == "<p><strong>Bien</strong></p>" and review["created_at"]
    assert api.get(f"{VERSIONS}/2").status_code == 404
    assert api.get(f"{VERSIONS}/99999999999999999999").status_code == 404


def test_it_diffs_two_versions_word_by_word(resource, charlie, api):
    edit(charlie, BASE.replace("Premier", "Un"))
    body = api.get(f"{API}/{SLUG}/diff", {"from": 1, "to": 2}).json()
    assert body["from"] == 1 and body["to"] == 2
    assert {"op": "delete", "text": "Premier"} in body["changes"]
    assert {"op": "insert", "text": "Un"} in body["changes"]
    assert "".join(c["text"] for c in body["changes"] if c["op"] != "insert") == BASE


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"to": 1}, 400, "from"),
        ({"from": 1}, 400, "to"),
        ({}, 400, "from"),
        ({"from": "a", "to": 1}, 400, "from"),
        ({"from": 1, "to": "1.5"}, 400, "to"),
        ({"from": 0, "to": 1}, 400, "from"),
        ({"from": "\x00", "to": 1}, 400, "from"),
        ({"from": 1, "to": 9}, 404, None),
        ({"from": 1, "to": 99999999999999999999}, 404, None),
    ],
)
def test_it_explains_bad_diff_numbers(resource, api, query, status, field):
    response = api.get(f"{API}/{SLUG}/diff", query)
    assert response.status_code == status
    if field:
        assert field in response.json()["errors"]


def test_it_restores_an_old_version_as_a_new_one(resource, bob, charlie):
    edit(charlie, "Tout autre.\n")
    url = f"{VERSIONS}/1/restore"
    response = client_for(charlie).post(url)
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["comment"], body["content"]) == (3, "Restored version 1", BASE)
    assert body["restored_from"] == 1 and body["merged"] is False
    # Restoring what is already the text saves nothing.
    again = client_for(charlie).post(url)
    assert again.status_code == 200 and again.json()["number"] == 3
    assert count(resource) == 3


def test_it_guards_restores(resource, charlie, api):
    assert api.post(f"{VERSIONS}/1/restore").status_code == 401
    assert client_for(charlie).get(f"{VERSIONS}/1/restore").status_code == 405
    assert client_for(charlie).post(f"{VERSIONS}/9/restore").status_code == 404
    resource.call.status = Call.Status.CLOSED
    resource.call.save()
    assert client_for(charlie).post(f"{VERSIONS}/1/restore").status_code == 409
    assert count(resource) == 1


def test_it_lists_the_recent_changes_of_a_call(resource, call, bob, charlie, api):
    edit(charlie, BASE + "\nAjout.\n", comment="ajout")
    editing.create_resource(call=call, author=bob, title="Autre", content="x")
    body = api.get("/api/v1/calls/eau/changes").json()
    assert body["count"] == 3
    first, second, third = body["results"]
    assert (first["resource"]["slug"], first["number"]) == ("autre", 1)
    assert (second["resource"]["slug"], second["number"], second["comment"]) == (SLUG, 2, "ajout")
    assert (third["resource"]["title"], third["number"]) == ("Carte des puits", 1)
    assert api.get("/api/v1/calls/inconnu/changes").status_code == 404


def test_it_keeps_the_title_unless_a_new_one_is_sent(resource, charlie):
    assert edit(charlie, "Autre.\n").json()["title"] == "Carte des puits"
    response = edit(charlie, "Autre.\n", base_version=2, title="   ")
    assert response.status_code == 400 and "title" in response.json()["errors"]
