"""GET search?q= : calls, challenges and resources the visitor may see."""

import pytest

from appel.models import Call, Challenge
from resources import editing
from tests.conftest import client_for, make_call

URL = "/api/v1/search"


@pytest.fixture
def corpus(call, bob, olga):
    editing.create_resource(
        call=call, author=bob, title="Carte des puits", content="Relevés des nappes phréatiques."
    )
    editing.create_resource(call=call, author=bob, title="Vélos", content="Rien à voir.")
    draft = make_call(olga, slug="secret", title="Nappes secrètes", status=Call.Status.DRAFT)
    Challenge.objects.create(call=draft, slug="cache", title="Nappes cachées")
    return draft


def slugs(body, kind):
    return [item["slug"] for item in body[kind]]


def test_it_finds_calls_challenges_and_resources(corpus, api):
    body = api.get(URL, {"q": "nappes"}).json()
    assert slugs(body, "challenges") == ["nappes"]
    assert slugs(body, "resources") == ["carte-des-puits"]
    assert body["resources"][0]["license"]["id"] == "etalab-2.0"
    assert slugs(body, "calls") == []
    assert {(item["type"], item["slug"]) for item in body["results"]} == {
        ("challenge", "nappes"),
        ("resource", "carte-des-puits"),
    }
    assert body["count"] == 2
    assert slugs(api.get(URL, {"q": "territoires"}).json(), "calls") == ["eau"]


def test_it_keeps_drafts_to_their_stewards(corpus, bob, olga):
    assert slugs(client_for(bob).get(URL, {"q": "nappes"}).json(), "calls") == []
    body = client_for(olga).get(URL, {"q": "nappes"}).json()
    assert slugs(body, "calls") == ["secret"]
    assert set(slugs(body, "challenges")) == {"nappes", "cache"}


@pytest.mark.parametrize("q", ["", "   ", "\x00", "a" * 5000, "'\"&|!:*()<>", "nappes & | !"])
def test_it_answers_any_query_without_error(corpus, api, q):
    response = api.get(URL, {"q": q})
    assert response.status_code == 200
    assert set(response.json()) >= {"calls", "challenges", "resources", "results", "count"}


def test_it_costs_the_same_few_queries_whatever_the_matches(
    corpus, call, bob, api, django_assert_num_queries
):
    from django.db import connection

    # PostgreSQL: calls, défis, the best resources, then those resources' rows, their défis,
    # files counts, backlinks and published decisions, and threads. SQLite: the index
    # (matches, then their excerpts), then the rows of each kind found and the resources'
    # extras.
    queries = 8 if connection.vendor == "sqlite" else 9
    with django_assert_num_queries(queries):
        api.get(URL, {"q": "nappes"})
    for n in range(5):
        editing.create_resource(call=call, author=bob, title=f"Nappes {n}", content="x")
    with django_assert_num_queries(queries):
        body = api.get(URL, {"q": "nappes"}).json()
    assert len(body["resources"]) == 6


@pytest.mark.postgres
def test_it_matches_word_forms_on_postgresql(call, bob, api):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("French stemming is PostgreSQL's full-text search")
    editing.create_resource(call=call, author=bob, title="Forages", content="La nappe baisse.")
    body = api.get(URL, {"q": "nappes baisse"}).json()
    assert slugs(body, "resources") == ["forages"]


@pytest.mark.postgres
def test_it_searches_the_stored_words_of_the_latest_version_on_postgresql(call, bob, charlie, api):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Stored search words are PostgreSQL's")
    version = editing.create_resource(
        call=call, author=bob, title="Forages", content="Les puits anciens."
    )
    assert slugs(api.get(URL, {"q": "anciens"}).json(), "resources") == ["forages"]
    editing.edit_resource(
        resource=version.resource,
        author=charlie,
        content="Les sources captées.",
        base_version=1,
    )
    assert slugs(api.get(URL, {"q": "sources"}).json(), "resources") == ["forages"]
    assert slugs(api.get(URL, {"q": "anciens"}).json(), "resources") == []


@pytest.mark.postgres
def test_bulk_refreshed_words_are_the_saved_ones_on_postgresql(call, bob):
    from django.db import connection

    from resources import search
    from resources.models import Resource

    if connection.vendor != "postgresql":
        pytest.skip("Stored search words are PostgreSQL's")
    editing.create_resource(call=call, author=bob, title="Nappes", content="## Niveaux\n\nBas.")
    rows = Resource.objects.filter(call=call)
    saved = list(rows.values_list("search_document", flat=True))
    assert saved[0]
    rows.update(search_document=None)
    search.refresh_documents(rows)
    assert list(rows.values_list("search_document", flat=True)) == saved
