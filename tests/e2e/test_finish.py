"""In a real browser: the reviewer's flow, the conflict page's three choices, the new pages.

Each page is checked with axe-core and at 360 px (nothing scrolls sideways).
"""

from pprint import pformat

import pytest

from resources.editing import create_resource, edit_resource
from resources.models import ResourceVersion
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, login


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def checked(page, problems):
    """axe and the phone width on the current page; what fails goes in `problems`."""
    found = axe_violations(page)
    if found:
        problems[page.url] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
    if page.viewport_size["width"] <= 360 and overflow(page) > 0:
        problems[page.url + " (width)"] = overflow(page)


@pytest.fixture
def waiting(call, bob, charlie):
    for author, slug in ((bob, "guide"), (charlie, "carte")):
        create_resource(
            call=call, author=author, title=slug.title(), slug=slug, content=f"# {slug}\n\nTexte.\n"
        )


@pytest.mark.parametrize("width", [1280, 360])
def test_a_reviewer_goes_from_the_header_through_the_queue(new_page, waiting, rita, width):
    page = new_page(locale="fr-FR", width=width)
    problems = {}
    login(page, "rita", PASSWORD)
    page.get_by_role("link", name="À relire (2)").click()
    page.wait_for_url("**/calls/eau/reviews/")
    checked(page, problems)
    action = page.get_by_role("link", name="Relire la version 1").first
    box = action.bounding_box()
    assert box["x"] + box["width"] <= width  # reachable without scrolling sideways
    page.screenshot(path=f"/tmp/e2e-finish-queue-{width}.png", full_page=True)
    action.click()
    page.wait_for_url("**/guide/versions/1/review/")
    checked(page, problems)
    page.get_by_label("Approbation").check()
    page.get_by_role("button", name="Enregistrer ma relecture").click()
    page.wait_for_url("**/carte/versions/1/review/")
    assert "Suivante dans la file : « Carte »." in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="À relire (1)").count() == 1
    checked(page, problems)
    page.screenshot(path=f"/tmp/e2e-finish-next-{width}.png", full_page=True)
    assert not problems, pformat(problems)


@pytest.fixture
def conflicted(call, bob, charlie):
    base = "# Carte\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n"
    resource = create_resource(
        call=call, author=bob, title="Carte", slug="carte", content=base
    ).resource
    theirs = base.replace("# Carte", "# Carte des puits").replace("Premier", "Un")
    edit_resource(resource=resource, author=bob, content=theirs, base_version=1)
    resource.refresh_from_db()
    return resource, base


def open_conflict(page, resource, base):
    page.goto(f"{resource.get_absolute_url()}edit/")
    page.evaluate("document.querySelector('#id_base_version').value = '1'")
    page.fill("#id_content", base.replace("Premier", "Le tout premier") + "\nMon ajout.\n")
    page.click("button[name=save]")
    page.wait_for_selector(".notice.conflict")


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("Garder mon texte", "# Carte des puits\n\nLe tout premier paragraphe."),
        ("Prendre le leur", "# Carte des puits\n\nUn paragraphe."),
    ],
)
def test_the_conflict_page_keeps_mine_or_takes_theirs(new_page, conflicted, choice, expected):
    resource, base = conflicted
    page = new_page(locale="fr-FR", width=360)
    login(page, "charlie", PASSWORD)
    open_conflict(page, resource, base)
    problems = {}
    checked(page, problems)
    page.screenshot(path="/tmp/e2e-finish-conflict-360.png", full_page=True)
    assert not problems, pformat(problems)
    page.get_by_role("button", name=choice).click()
    page.wait_for_url("**/versions/3/")
    saved = ResourceVersion.objects.get(resource=resource, number=3).content
    assert saved.startswith(expected) and saved.endswith("Mon ajout.\n")


def test_the_conflict_page_offers_a_merged_draft(new_page, conflicted):
    resource, base = conflicted
    page = new_page(locale="fr-FR")
    login(page, "charlie", PASSWORD)
    open_conflict(page, resource, base)
    page.get_by_role("link", name="Modifier un brouillon fusionné").click()
    draft = page.input_value("#id_content")
    assert "<<<<<<< version 2 de Bob\nUn paragraphe.\n=======\nLe tout premier" in draft
    # Saved with its markers: refused, and the draft stays in the editor.
    page.click("button[name=save]")
    page.wait_for_selector(".errorlist")
    assert page.input_value("#id_content") == draft
    settled = base.replace("Premier", "Un tout premier") + "\nMon ajout.\n"
    page.fill("#id_content", settled)
    page.click("button[name=save]")
    page.wait_for_url("**/versions/3/")
    assert ResourceVersion.objects.get(resource=resource, number=3).content == settled


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_the_new_pages_are_clean_and_fit_a_phone(new_page, conflicted, alice, locale):
    resource, base = conflicted
    page = new_page(locale=locale, width=360)
    problems = {}
    for path in (
        "/nowhere/",
        "/calls/eau/retribution/",
        "/pages/mentions-legales/",
        "/pages/donnees-personnelles/",
        "/pages/accessibilite/",
        f"{resource.get_absolute_url()}diff/?from=1&to=2&view=side",
    ):
        page.goto(path)
        checked(page, problems)
    login(page, "alice", PASSWORD)
    for path in ("/accounts/profile/", "/accounts/delete/", "/calls/eau/audit/"):
        page.goto(path)
        checked(page, problems)
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=f"/tmp/e2e-finish-{locale}-{name}.png", full_page=True)
    assert not problems, pformat(problems)
