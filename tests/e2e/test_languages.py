"""The browser's language is chosen by default; the switcher shows the current one."""

import re

import pytest


@pytest.mark.parametrize(("locale", "lang"), [("fr-FR", "fr"), ("en-US", "en")])
def test_it_speaks_the_browser_language(new_page, resource, locale, lang):
    page = new_page(locale=locale)
    for path in ("/", resource.get_absolute_url()):
        page.goto(path)
        assert page.get_attribute("html", "lang") == lang
        assert page.input_value("#language-select") == lang
        selected = page.locator("#language-select option:checked")
        assert selected.get_attribute("lang") == lang


def test_it_keeps_the_chosen_language_without_javascript(browser, live_server, resource):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(resource.get_absolute_url())
        assert page.get_attribute("html", "lang") == "fr"
        page.select_option("#language-select", "en")
        page.locator(".lang-switch button[type=submit]").click()
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "en"
        assert page.url.endswith(resource.get_absolute_url())
        page.goto("/")
        assert page.get_attribute("html", "lang") == "en"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "budget"), [("fr-FR", r"20\s000,00"), ("en-US", r"€20,000\.00")]
)
def test_it_writes_amounts_the_way_the_language_does(new_page, call, locale, budget):
    page = new_page(locale=locale)
    page.goto(call.get_absolute_url())
    assert re.search(budget, page.locator(".budget").inner_text()), page.locator(
        ".budget"
    ).inner_text()
    opens = page.locator("time").first
    if opens.count():
        assert opens.get_attribute("datetime")
