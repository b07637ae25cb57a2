"""axe-core on every main page: no serious or critical violation (RGAA / WCAG AA)."""

import re
from pprint import pformat

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import LONG_TEXT, axe_violations, login


def summary(violations):
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in violations]


def check(page, path, problems):
    if path:
        page.goto(path)
    name = re.sub(r"[^a-z0-9]+", "-", (path or "conflict").lower()).strip("-") or "home"
    page.screenshot(
        path=f"/tmp/e2e-axe-{page.evaluate('document.documentElement.lang')}-{name}.png"
    )
    found = axe_violations(page)
    if found:
        problems[path or page.url] = summary(found)


def open_conflict(page, resource):
    """Saves from version 1 although version 2 exists: the server answers with the conflict page."""
    page.goto(f"{resource.get_absolute_url()}edit/")
    page.evaluate("document.querySelector('input[name=base_version]').value = '1'")
    page.fill("#id_content", LONG_TEXT.replace("en hiver", "en hiver et au printemps"))
    page.click("button[name=save]")
    page.wait_for_selector(".notice.conflict")


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_it_has_no_serious_violation_on_the_main_pages(new_page, resource, rita, locale):
    call = resource.call
    base = resource.get_absolute_url()
    problems = {}

    anonymous = new_page(locale=locale)
    for path in (
        "/",
        call.get_absolute_url(),
        base,
        f"{base}history/",
        f"{base}diff/?from=1&to=2",
        "/accounts/signup/",
        "/accounts/login/",
    ):
        check(anonymous, path, problems)

    editor = new_page(locale=locale)
    login(editor, "bob", PASSWORD)
    check(editor, f"{base}edit/", problems)
    open_conflict(editor, resource)
    check(editor, None, problems)
    check(editor, "/accounts/profile/", problems)

    reviewer = new_page(locale=locale)
    login(reviewer, "rita", PASSWORD)
    check(reviewer, f"/calls/{call.slug}/reviews/", problems)
    check(reviewer, f"{base}versions/2/review/", problems)

    assert not problems, pformat(problems)


def test_it_ties_each_error_to_its_field(new_page, db):
    page = new_page(locale="en-US")
    page.goto("/accounts/signup/")
    page.fill("#id_username", "x y")
    page.click("main button[type=submit]")
    field = page.locator("#id_username")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    errors = [i for i in described if page.locator(f"#{i}.errorlist").count()]
    assert errors, described
    assert page.locator(f"#{errors[0]}").inner_text().strip()
    assert axe_violations(page) == []


def test_it_shows_where_the_focus_is(new_page, resource):
    page = new_page(locale="en-US")
    page.goto(resource.get_absolute_url())
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; })()"
        )
        # Thicker than the browser's thin default ring, which is easy to miss.
        assert outline[0] not in ("none", "auto") and float(outline[1][:-2]) >= 2, outline


def test_it_prints_the_text_and_its_license_without_the_navigation(new_page, resource):
    page = new_page(locale="en-US")
    page.goto(resource.get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".breadcrumbs").is_visible()
    assert page.locator(".resource-text").is_visible()
    assert page.locator(".credit-panel").is_visible()
    assert page.locator(".resource-meta [rel=license]").first.is_visible()


def test_it_has_no_serious_violation_on_the_other_pages(new_page, resource, alice):
    call = resource.call
    base = resource.get_absolute_url()
    problems = {}

    anonymous = new_page(locale="en-US")
    for path in (
        f"/calls/{call.slug}/resources/",
        f"/calls/{call.slug}/changes/",
        f"/calls/{call.slug}/changes/?user=nobody",
        "/changes/",
        f"/calls/{call.slug}/export/",
        f"/calls/{call.slug}/retribution/",
        f"{base}versions/1/",
        f"{base}attribution/",
        f"{base}versions/2/authors/",
        "/search/?q=nappes",
        "/users/bob/",
        "/accounts/password_reset/",
    ):
        check(anonymous, path, problems)

    steward = new_page(locale="en-US")
    login(steward, "alice", PASSWORD)
    for path in (
        call.get_absolute_url(),
        "/calls/new/",
        f"/calls/{call.slug}/edit/",
        f"/calls/{call.slug}/members/",
        f"/calls/{call.slug}/challenges/new/",
        f"/calls/{call.slug}/resources/new/",
        f"{base}history/",
        f"{base}derive/",
        f"{base}versions/2/review/",
        "/accounts/password_change/",
    ):
        check(steward, path, problems)

    assert not problems, pformat(problems)
