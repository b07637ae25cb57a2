"""The call page lists its communs; each défi has its page with its communs, counts, threads."""

import pytest

from appel.models import Call, Challenge
from appel.stewarding import launch_call
from contributions import discussing, reviewing
from resources import editing, teams

from ..conftest import web_client

CALL_PAGE = "/calls/eau/"
DEFI = "/calls/eau/challenges/nappes/"


@pytest.fixture
def defis(call):
    sols = Challenge.objects.create(call=call, slug="sols", title="Sols vivants", position=1)
    return call.challenges.get(slug="nappes"), sols


def propose(call, author, title, challenges):
    return editing.create_resource(
        call=call,
        author=author,
        title=title,
        content=f"# {title}\n\nTexte.\n",
        challenges=challenges,
    ).resource


@pytest.fixture
def communs(call, bob, charlie, rita, defis):
    """Three communs: validated (nappes, sols; team of 2), changes requested, pending (sols)."""
    nappes, sols = defis
    puits = propose(call, bob, "Carte des puits", [nappes, sols])
    teams.join(resource=puits, user=charlie)
    reviewing.record_review(version=puits.latest_version, reviewer=rita, verdict="approve")
    forages = propose(call, charlie, "Forages anciens", [nappes])
    reviewing.record_review(
        version=forages.latest_version,
        reviewer=rita,
        verdict="request_changes",
        comment="Sources ?",
    )
    humus = propose(call, bob, "Humus urbain", [sols])
    return puits, forages, humus


def test_the_call_page_lists_its_communs_with_defis_state_and_team(communs, client):
    page = client.get(CALL_PAGE).content.decode()
    for commun in communs:
        assert f'href="{commun.get_absolute_url()}"' in page
    assert 'href="/calls/eau/challenges/nappes/"' in page
    assert 'href="/calls/eau/challenges/sols/"' in page
    assert "badge-validated" in page and "badge-changes_requested" in page
    assert "badge-pending" in page
    assert "team of 2" in page


def test_the_call_page_caps_its_list_and_links_the_full_one(call, bob, defis, client, monkeypatch):
    from resources import hub

    monkeypatch.setattr(hub, "CALL_COMMUNS_SHOWN", 2)
    for n in range(3):
        propose(call, bob, f"Commun {n}", [])
    page = client.get(CALL_PAGE).content.decode()
    assert page.count('class="commun-title"') == 2
    assert 'href="/calls/eau/resources/">See all 3 resources' in page


def test_the_call_page_costs_the_same_queries_whatever_the_number_of_communs(
    call, bob, charlie, defis, django_assert_num_queries
):
    nappes, sols = defis
    client = web_client(None)
    propose(call, bob, "Commun 0", [nappes])
    # The page's state (appel/conditional.py), the call with its figures, its défis with their
    # counts, its members, whether its retribution is published, whether its ledger holds an
    # entry, its co-funders, its communs with their teams, their défis.
    with django_assert_num_queries(9):
        assert client.get(CALL_PAGE).status_code == 200
    for n in range(1, 12):
        commun = propose(call, bob, f"Commun {n}", [nappes, sols][: n % 3])
        teams.join(resource=commun, user=charlie)
    with django_assert_num_queries(9):
        page = client.get(CALL_PAGE).content.decode()
    assert page.count('class="commun-title"') == 12


def test_a_defi_page_shows_its_communs_counts_and_threads(communs, call, bob, client):
    puits, forages, humus = communs
    discussing.start_thread(
        call=call, author=bob, title="Quelle échelle ?", body="?", resource=puits
    )
    discussing.start_thread(
        call=call, author=bob, title="Humus ou compost", body="?", resource=humus
    )
    response = client.get(DEFI)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Les nappes." in page  # its description, rendered
    assert puits.get_absolute_url() in page and forages.get_absolute_url() in page
    assert humus.get_absolute_url() not in page
    # 2 communs, 1 validated, 2 participants (bob and charlie, in two teams)
    assert "2 communs" in page and "1 validated" in page and "2 participants" in page
    assert "Quelle échelle ?" in page and "Humus ou compost" not in page
    assert 'href="/calls/eau/resources/new/?challenge=nappes"' in page


def test_the_propose_link_preselects_the_defi(communs, bob):
    page = web_client(bob).get("/calls/eau/resources/new/?challenge=nappes").content.decode()
    assert 'value="nappes" id="id_challenges_0" checked' in page


def test_a_defi_page_costs_the_same_queries_whatever_the_number_of_communs(
    call, bob, charlie, defis, django_assert_num_queries
):
    nappes, sols = defis
    client = web_client(None)
    propose(call, bob, "Commun 0", [nappes])
    # The call's state (its ETag), the call, the défi, its communs with their teams, their
    # défis, the counts, the threads; a second visitor gets the cached page.
    with django_assert_num_queries(7):
        assert client.get(DEFI).status_code == 200
    for n in range(1, 12):
        commun = propose(call, bob, f"Commun {n}", [nappes, sols])
        teams.join(resource=commun, user=charlie)
        discussing.start_thread(
            call=call, author=charlie, title=f"Sujet {n}", body="?", resource=commun
        )
    with django_assert_num_queries(7):
        page = client.get(DEFI).content.decode()
    assert page.count('class="commun-title"') == 12 and "Sujet 11" in page


def test_a_drafts_defi_page_is_its_stewards_alone(alice, charlie):
    draft = launch_call(
        call=Call(
            slug="brouillon",
            title="Brouillon",
            allowed_licenses=["CC-BY-4.0"],
            budget_amount="1000.00",
        ),
        funder=alice,
    )
    Challenge.objects.create(call=draft, slug="secret", title="Secret")
    url = "/calls/brouillon/challenges/secret/"
    assert web_client(None).get(url).status_code == 404
    assert web_client(charlie).get(url).status_code == 404
    assert web_client(alice).get(url).status_code == 200
    assert web_client(None).get("/calls/eau/challenges/inconnu/").status_code == 404


def test_a_defi_page_is_in_french(communs, client):
    page = client.get(DEFI, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Communs qui répondent à ce défi" in page and "Proposer un commun pour ce défi" in page
    assert "équipe de 2" in page


def test_a_signed_in_reader_gets_the_calls_figures_counted_once_per_change(
    call, bob, charlie, defis
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nappes, _sols = defis
    propose(call, bob, "Commun 0", [nappes])
    reader = web_client(charlie)  # signed in: the page is rendered for them each time

    def visit():
        with CaptureQueriesContext(connection) as context:
            page = reader.get(CALL_PAGE).content.decode()
        counted = [q for q in context.captured_queries if "stats_versions" in q["sql"]]
        return page, counted

    page, counted = visit()
    assert "1 resource," in page and counted
    page, counted = visit()
    assert "1 resource," in page and not counted  # nothing changed: the figures come from the cache
    propose(call, bob, "Commun 1", [nappes])
    page, counted = visit()
    assert "2 resources," in page and "2 versions" in page and counted
