"""From the home page to a commun through its défi, in clicks a person would make.

A reader opens the call from the home page, follows a défi from the call
page, then a commun answering it. The call page and the défi page are
axe-clean and fit a 360 px screen.
"""

from playwright.sync_api import expect

from appel.models import Challenge
from resources import editing
from tests.e2e.conftest import axe_violations


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_reader_reaches_a_commun_through_its_defi(new_page, call, bob, charlie):
    sols = Challenge.objects.create(call=call, slug="sols", title="Sols vivants", position=1)
    nappes = call.challenges.get(slug="nappes")
    editing.create_resource(
        call=call, author=bob, title="Carte des puits", content="# Puits\n", challenges=[nappes]
    )
    editing.create_resource(
        call=call, author=charlie, title="Humus urbain", content="# Humus\n", challenges=[sols]
    )

    for width in (1280, 360):
        page = new_page(locale="en-US", width=width)
        page.goto("/")
        page.get_by_role("link", name="Eau et territoires").first.click()
        expect(page.locator("h1").first).to_have_text("Eau et territoires")
        expect(page.locator(".commun-list")).to_contain_text("Humus urbain")
        assert overflow(page) <= 0, "the call page scrolls sideways"
        assert axe_violations(page) == []

        page.locator("#defis").get_by_role("link", name="Nappes phréatiques").click()
        expect(page.locator("h1").first).to_have_text("Nappes phréatiques")
        expect(page.locator(".challenge-counts")).to_contain_text("1 commun")
        assert overflow(page) <= 0, "the défi page scrolls sideways"
        assert axe_violations(page) == []
        expect(page.locator(".commun-list")).not_to_contain_text("Humus urbain")

        page.get_by_role("link", name="Carte des puits").click()
        expect(page.locator("h1").first).to_contain_text("Carte des puits")
        assert page.url.endswith("/calls/eau/resources/carte-des-puits/")
