"""Proposing a near-duplicate: the close commun is suggested while typing, with its link
and a button to join it instead; the page stays axe-clean; search highlights words."""

from playwright.sync_api import expect

from resources.models import Participation
from tests.conftest import PASSWORD, make_resource
from tests.e2e.conftest import axe_violations, login


def test_a_near_duplicate_is_suggested_while_typing(new_page, call, bob, charlie):
    close = make_resource(
        call,
        bob,
        title="Carte des puits de la nappe du Doubs",
        content="Une carte collaborative des puits et forages de la nappe phréatique du Doubs.",
    )
    make_resource(call, bob, title="Guide du compostage", content="Composteurs partagés.")
    page = new_page(locale="en-US")
    login(page, "charlie", PASSWORD)
    page.goto(f"/calls/{call.slug}/resources/new/")
    page.fill("#id_title", "Carte des puits nappe du doubs")
    region = page.locator("#similarCommuns")
    link = region.get_by_role("link", name="Carte des puits de la nappe du Doubs")
    expect(link).to_have_attribute("href", close.get_absolute_url())
    expect(region.get_by_role("link", name="Guide du compostage")).to_have_count(0)
    assert axe_violations(page) == []

    region.get_by_role("button", name="Join this commun instead").click()
    page.wait_for_url(f"**{close.get_absolute_url()}**")
    assert Participation.objects.filter(resource=close, user=charlie).exists()


def test_search_highlights_words_without_accents(new_page, call, bob):
    make_resource(call, bob, title="Guide de l'école", content="Chauffer l'École sans gaspiller.")
    page = new_page(locale="fr-FR")
    page.goto("/search/?q=ecole")
    expect(page.locator(".excerpt mark").first).to_have_text("École")
    assert axe_violations(page) == []
