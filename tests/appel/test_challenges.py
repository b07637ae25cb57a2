import pytest

from appel.models import Challenge
from tests.conftest import client_for, web_client


def test_it_lists_challenges_in_order(bob, call):
    nappes = call.challenges.get()
    nappes.position = 5
    nappes.save()
    Challenge.objects.create(call=call, title="Sols", position=1)
    data = client_for(bob).get("/api/v1/calls/eau/challenges").json()
    assert [c["slug"] for c in data["results"]] == ["sols", "nappes"]
    assert data["results"][1] == {
        "slug": "nappes",
        "title": "Nappes phréatiques",
        "description": "Les nappes.",
        "description_html": "<p>Les nappes.</p>",
        "resource_count": 0,
    }


def test_it_adds_a_challenge_with_a_slug_from_its_title(alice, call):
    body = {"title": "Îlots de chaleur", "description": "## Pourquoi\n\n<script>x</script>"}
    response = client_for(alice).post("/api/v1/calls/eau/challenges", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["slug"] == "ilots-de-chaleur"
    assert data["resource_count"] == 0
    assert "<script>" not in data["description_html"]
    assert "&lt;script&gt;" in data["description_html"]
    again = client_for(alice).post("/api/v1/calls/eau/challenges", body, format="json")
    assert again.json()["slug"] == "ilots-de-chaleur-2"


def test_it_refuses_a_slug_taken_in_the_same_call_only(alice, olga, call, other_call):
    body = {"title": "Nappes", "slug": "nappes"}
    response = client_for(alice).post("/api/v1/calls/eau/challenges", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["slug"]
    response = client_for(olga).post("/api/v1/calls/mobilite/challenges", body, format="json")
    assert response.status_code == 201


def test_it_edits_a_challenge(alice, call):
    body = {"title": "Nappes et sources", "description": "*Les* nappes."}
    response = client_for(alice).patch("/api/v1/calls/eau/challenges/nappes", body, format="json")
    assert response.status_code == 200
    assert response.json()["description_html"] == "<p><em>Les</em> nappes.</p>"
    assert call.challenges.get().title == "Nappes et sources"


def test_it_refuses_renaming_onto_a_taken_slug(alice, call):
    Challenge.objects.create(call=call, title="Sols", slug="sols")
    client = client_for(alice)
    response = client.patch("/api/v1/calls/eau/challenges/sols", {"slug": "nappes"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["slug"]
    # Keeping its own slug is fine.
    response = client.patch("/api/v1/calls/eau/challenges/sols", {"slug": "sols"}, format="json")
    assert response.status_code == 200


def test_it_counts_the_resources_answering_a_challenge(bob, call):
    from resources.editing import create_resource

    nappes = call.challenges.get()
    create_resource(call=call, author=bob, title="Carte", content="x", challenge=nappes)
    create_resource(call=call, author=bob, title="Autre", content="y")
    response = client_for(bob).get("/api/v1/calls/eau/challenges/nappes")
    assert response.json()["resource_count"] == 1


@pytest.mark.parametrize("title", ["!!!", "日本語"])
def test_it_falls_back_to_a_plain_slug(alice, call, title):
    response = client_for(alice).post(
        "/api/v1/calls/eau/challenges", {"title": title}, format="json"
    )
    assert response.json()["slug"] == "defi"


# Pages


def test_it_adds_a_challenge_from_the_page(alice, call):
    data = {"title": "Sols vivants", "slug": "", "description": "Les sols."}
    response = web_client(alice).post("/calls/eau/challenges/new/", data)
    assert response.status_code == 302
    assert response["Location"] == "/calls/eau/challenges/sols-vivants/"
    assert call.challenges.get(slug="sols-vivants").description_html == "<p>Les sols.</p>"


def test_it_shows_the_same_slug_error_as_the_api(alice, call):
    data = {"title": "Nappes", "slug": "nappes"}
    page = web_client(alice).post("/calls/eau/challenges/new/", data)
    assert page.status_code == 200
    api = client_for(alice).post("/api/v1/calls/eau/challenges", data, format="json")
    assert page.context["form"].errors["slug"] == api.json()["errors"]["slug"]
    assert call.challenges.count() == 1


def test_it_edits_a_challenge_from_the_page(alice, call):
    page = web_client(alice).get("/calls/eau/challenges/nappes/edit/")
    assert 'value="Nappes phréatiques"' in page.content.decode()
    data = {"title": "Nappes", "slug": "nappes-phreatiques", "description": ""}
    response = web_client(alice).post("/calls/eau/challenges/nappes/edit/", data)
    assert response["Location"] == "/calls/eau/challenges/nappes-phreatiques/"
    assert call.challenges.get().slug == "nappes-phreatiques"


def test_it_answers_404_for_an_unknown_challenge_page(alice, call):
    assert web_client(alice).get("/calls/eau/challenges/sols/edit/").status_code == 404
