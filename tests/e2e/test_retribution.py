"""The retribution pages in a browser: axe-clean at 360 px, a split recorded by keyboard."""

import pytest

from contributions import ledger, reviewing
from contributions.models import LedgerEntry
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, login


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def granted(resource, rita, alice):
    """The resource's latest version validated by Rita, and 7,000 € granted to it."""
    resource.refresh_from_db()
    reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    ledger.record_entry(
        call=resource.call, actor=alice, kind="grant", resource=resource, amount="7000"
    )
    return resource


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_the_retribution_pages_are_clean_at_360px(new_page, granted, locale):
    call = granted.call
    page = new_page(locale=locale, width=360, height=740)
    login(page, "alice", PASSWORD)
    problems = {}
    for path in (
        f"/calls/{call.slug}/retribution/",
        f"/calls/{call.slug}/retribution/{granted.slug}/",
        f"/calls/{call.slug}/retribution/{granted.slug}/record/",
    ):
        page.goto(path)
        found = [(v["id"], v["impact"]) for v in axe_violations(page)]
        if found or overflow(page) > 0:
            problems[path] = (found, overflow(page))
    assert not problems, problems


def test_a_steward_records_a_split_with_the_keyboard(new_page, granted):
    call = granted.call
    page = new_page(locale="fr-FR")
    login(page, "alice", PASSWORD)
    page.goto(f"/calls/{call.slug}/retribution/{granted.slug}/")
    assert "7\u00a0000,00\u00a0€" in page.locator("main").inner_text()
    page.get_by_role("link", name="Enregistrer cette répartition").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/retribution/{granted.slug}/record/")
    assert "Enregistrer cette répartition de" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Enregistrer la répartition").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/retribution/{granted.slug}/")
    assert "La répartition est enregistrée dans le registre." in page.content()
    assert LedgerEntry.objects.filter(kind="split", resource=granted).count() == 1
