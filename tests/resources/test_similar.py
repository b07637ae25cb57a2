"""Similar communs: a near-duplicate first with a high score, unrelated text low,
accents and case ignored, drafts 404, hostile or huge input never a 500 (SQLite and
PostgreSQL run the same tests)."""

import pytest

from appel.models import Call
from resources import similar
from tests.conftest import make_call, make_resource

HIGH, LOW = 0.6, 0.2

CORPUS = [
    (
        "Carte des puits de la nappe du Doubs",
        "Une carte collaborative des puits et forages qui puisent dans la nappe "
        "phréatique du Doubs, avec leur débit et leur profondeur.",
    ),
    (
        "Guide du compostage collectif",
        "Comment installer un composteur partagé en pied d'immeuble, le nourrir "
        "et distribuer le compost aux jardiniers du quartier.",
    ),
    (
        "Atlas des zones humides",
        "Inventaire des mares, tourbières et prairies inondables, avec les espèces "
        "protégées observées dans chaque site.",
    ),
    (
        "Tableau de bord de la qualité de l'air",
        "Capteurs citoyens de particules fines installés sur les balcons, données "
        "ouvertes publiées chaque heure.",
    ),
]


@pytest.fixture
def corpus(call, bob):
    return [make_resource(call, bob, title=t, content=c) for t, c in CORPUS]


def test_a_near_duplicate_comes_first_with_a_high_score(call, corpus):
    found = similar.similar_resources(
        call,
        "Carte des puits de la nappe du Doubs (version 2)",
        "Carte collaborative des puits et des forages puisant dans la nappe phréatique "
        "du Doubs : débits, profondeurs.",
    )
    (first, score), *others = found
    assert first == corpus[0]
    assert score >= HIGH
    assert all(0 <= other <= score for _, other in others)


def test_unrelated_text_scores_low(call, corpus):
    found = similar.similar_resources(
        call,
        "Vélos cargo en libre service",
        "Une flotte de vélos cargo électriques prêtés aux artisans du centre-ville.",
    )
    assert all(score < LOW for _, score in found)


def test_accents_and_case_are_ignored(call, corpus):
    plain = similar.similar_resources(call, "ATLAS DES ZONES HUMIDES", "inventaire des tourbieres")
    accented = similar.similar_resources(
        call, "Atlas des zônes humides", "Inventaire des TOURBIÈRES"
    )
    assert plain[0][0] == corpus[2] and accented[0][0] == corpus[2]
    assert plain[0][1] >= HIGH and accented[0][1] == pytest.approx(plain[0][1], abs=0.1)


def test_scores_stay_in_bounds_and_the_limit_holds(call, corpus):
    found = similar.similar_resources(call, "des", "de la du les", limit=2)
    assert len(found) <= 2
    found = similar.similar_resources(call, CORPUS[1][0], CORPUS[1][1], limit=50)
    assert found[0] == (corpus[1], found[0][1]) and 0.9 <= found[0][1] <= 1
    assert all(0 <= score <= 1 for _, score in found)


def test_only_the_calls_own_resources(call, other_call, corpus, bob):
    make_resource(
        other_call, bob, challenge=None, title="Guide du compostage collectif", content="x"
    )
    found = similar.similar_resources(call, "Guide du compostage collectif", "")
    assert {resource.call_id for resource, _ in found} == {call.pk}


def test_the_api_answers_slug_title_and_score(call, corpus, api):
    response = api.get(
        f"/api/v1/calls/{call.slug}/resources/similar",
        {"title": "carte des puits nappe doubs", "content": ""},
    )
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["slug"] == corpus[0].slug and first["title"] == corpus[0].title
    assert 0 <= first["score"] <= 1
    assert first["url"] == corpus[0].get_absolute_url()
    assert first["join_url"] == f"/calls/{call.slug}/resources/{corpus[0].slug}/join/"


def test_the_api_with_nothing_to_compare(call, corpus, api):
    url = f"/api/v1/calls/{call.slug}/resources/similar"
    assert api.get(url).json() == {"results": []}
    assert api.get(url, {"title": " ", "content": ""}).json() == {"results": []}
    assert api.get(url, {"title": "!!! ???"}).json() == {"results": []}


@pytest.mark.parametrize(
    "title",
    ['"', "NEAR(a b)", "a* OR ^b", "'; DROP TABLE x; --", "\x00", "é" * 10_000, "mot " * 5000],
)
def test_hostile_or_huge_input_never_fails(call, corpus, api, title):
    response = api.get(
        f"/api/v1/calls/{call.slug}/resources/similar",
        {"title": title, "content": title, "limit": "x"},
    )
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_a_draft_call_is_404_but_to_its_stewards(olga, api):
    make_call(olga, slug="brouillon", status=Call.Status.DRAFT)
    url = "/api/v1/calls/brouillon/resources/similar"
    assert api.get(url, {"title": "x"}).status_code == 404
    api.force_authenticate(olga)
    assert api.get(url, {"title": "x"}).status_code == 200


def test_unknown_call_is_404(db, api):
    assert api.get("/api/v1/calls/nope/resources/similar").status_code == 404


def test_the_api_costs_few_queries(call, corpus, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        api.get(f"/api/v1/calls/{call.slug}/resources/similar", {"title": "atlas zones"})


def test_the_resource_template_is_not_compared(alice, bob):
    template = "## Problème\n\n## Solution\n\n## Licence"
    call = make_call(alice, slug="gabarit", resource_template=template)
    make_resource(call, bob, challenge=None, title="Compostage", content=template + "\nCompost.")
    found = similar.similar_resources(call, "Vélos", template)
    assert all(score < LOW for _, score in found)


def test_the_proposal_page_shows_close_communs_after_a_preview(call, corpus, bob):
    from tests.conftest import web_client

    client = web_client(bob)
    page = client.get(f"/calls/{call.slug}/resources/new/").content.decode()
    assert 'id="similarCommuns"' in page and "js/similar.js" in page
    assert "Communs close to yours" not in page.split('id="similarTemplate"')[0]
    response = client.post(
        f"/calls/{call.slug}/resources/new/",
        {"title": "Atlas des zones humides", "content": "Inventaire des mares", "preview": "1"},
    )
    html = response.content.decode().split('id="similarTemplate"')[0]
    assert "Communs close to yours" in html
    assert corpus[2].get_absolute_url() in html
    assert f"/calls/{call.slug}/resources/{corpus[2].slug}/join/" in html
    assert corpus[3].get_absolute_url() not in html


def test_nul_characters_in_a_proposal_are_ignored(call, bob):
    """PostgreSQL refuses NUL in any text it is sent: a proposal typed with one still compares."""
    make_resource(call, bob, title="Guide des nappes", content="Les nappes phréatiques.")
    found = similar.similar_resources(call, "Guide\x00 des nappes", "Les\x00 nappes.")
    assert [resource.title for resource, _score in found][:1] == ["Guide des nappes"]
