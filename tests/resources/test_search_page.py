"""The search page: calls, challenges and resources, for what the visitor may see."""

from appel.models import Call
from resources import editing
from tests.conftest import make_call


def test_it_finds_calls_challenges_and_resources(call, bob, olga, client):
    editing.create_resource(call=call, author=bob, title="Carte des nappes", content="x")
    make_call(olga, slug="secret", title="Nappes secrètes", status=Call.Status.DRAFT)
    response = client.get("/search/", {"q": "nappes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nappes phréatiques" in html and "/calls/eau/challenges/nappes/" in html
    assert "Carte des nappes" in html and "/calls/eau/resources/carte-des-nappes/" in html
    assert "Nappes secrètes" not in html
    client.force_login(olga)
    assert "Nappes secrètes" in client.get("/search/", {"q": "nappes"}).content.decode()


def test_it_says_when_nothing_matches(call, client):
    assert "Nothing matches" in client.get("/search/", {"q": "zzzz"}).content.decode()
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"q": "\x00<b>" * 100}).status_code == 200
