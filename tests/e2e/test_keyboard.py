"""Every action of the edit and review journeys reachable with Tab, Enter and Space alone."""

from playwright.sync_api import expect

from resources.models import Resource
from tests.conftest import PASSWORD
from tests.e2e.conftest import login, tab_to


def test_it_skips_to_the_content_with_the_first_tab(page, resource):
    page.goto(resource.get_absolute_url())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link')")
    expect(page.locator("a.skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_it_edits_a_resource_with_the_keyboard_only(new_page, resource):
    page = new_page(locale="en-US")
    login(page, "bob", PASSWORD)
    page.goto(resource.get_absolute_url())

    tab_to(page, "a[href$='/edit/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit/")
    tab_to(page, "textarea#id_content")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nUne phrase ajoutée au clavier.\n")
    tab_to(page, "input#id_comment")
    page.keyboard.type("Ajout au clavier")
    tab_to(page, "button[name=save]")
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("version 3")
    latest = Resource.objects.select_related("latest_version").get(pk=resource.pk).latest_version
    assert latest.number == 3 and latest.comment == "Ajout au clavier"
    assert "Une phrase ajoutée au clavier." in latest.content


def test_it_reviews_a_version_with_the_keyboard_only(new_page, resource, rita):
    page = new_page(locale="en-US")
    login(page, "rita", PASSWORD)
    page.goto(resource.call.get_absolute_url())

    tab_to(page, "a[href$='/reviews/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reviews/")
    tab_to(page, "a[href$='/versions/2/review/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/versions/2/review/")
    tab_to(page, "input[name=verdict]")
    # Arrow keys move within a radio group; Space checks the focused radio.
    while not page.evaluate("document.activeElement.value === 'approve'"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=comment], input[name=comment]")
    page.keyboard.type("Relu, clair.")
    tab_to(page, "#your-review button[type=submit]")
    page.keyboard.press("Enter")

    # Nothing else waits: on to the queue; the review is on the version's page.
    expect(page.locator(".messages")).to_contain_text("is recorded")
    page.goto(f"{resource.get_absolute_url()}versions/2/review/")
    expect(page.locator("#reviews")).to_contain_text("Relu, clair.")
    resource.refresh_from_db()
    assert resource.stable_version.number == 2


def test_it_switches_the_language_with_the_keyboard_only(new_page, resource):
    page = new_page(locale="en-US")
    page.goto(resource.get_absolute_url())
    assert page.get_attribute("html", "lang") == "en"

    tab_to(page, "#language-select")
    page.keyboard.press("ArrowUp")  # French comes first in the list
    assert page.get_attribute("html", "lang") == "en", "choosing alone must not reload the page"
    tab_to(page, ".lang-switch button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.input_value("#language-select") == "fr"
    assert page.url.endswith(resource.get_absolute_url())
