"""Money in a real browser: a co-funder added, the ledger, a commun's milestones and panel.

French interface, axe-clean, and nothing wider than a 360 px phone.
"""

import pytest
from playwright.sync_api import expect

from contributions import funding, ledger, reviewing
from tests.conftest import PASSWORD, select_at_cutoff
from tests.e2e.conftest import axe_violations, login


@pytest.fixture
def granted(resource, rita, alice, bob, charlie):
    """The e2e resource validated, granted 12 345,67 €, one milestone, split between two."""
    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="approve", comment=""
    )
    resource.refresh_from_db()
    call = resource.call
    select_at_cutoff(resource, steward=alice, amount="12345.67", title="Relevé de juin")
    funding.add_milestone(
        resource=resource, actor=alice, title="Prototype", due_date="2026-09-01", amount="5000"
    )
    ledger.record_entry(
        call=call,
        actor=alice,
        kind="split",
        resource=resource,
        recipients=[(bob, "6172.84"), (charlie, "6172.83")],
        reason="Parts égales.",
    )
    return resource


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_ledger_milestones_and_funders_pages_read_well(new_page, granted, width):
    page = new_page(width=width, height=800)
    login(page, "alice", PASSWORD)
    call = granted.call
    page.goto(f"/calls/{call.slug}/ledger/")
    expect(page.locator("h1")).to_contain_text("Registre")
    expect(page.locator("table.ledger")).to_contain_text("12\u00a0345,67\u00a0€")
    assert axe_violations(page) == []
    assert overflow(page) <= 0
    page.goto(f"/calls/{call.slug}/resources/{granted.slug}/milestones/")
    expect(page.locator("table.milestones")).to_contain_text("Prototype")
    assert axe_violations(page) == []
    assert overflow(page) <= 0
    page.goto(granted.get_absolute_url())
    expect(page.locator(".money-panel")).to_contain_text("12\u00a0345,67\u00a0€")
    assert axe_violations(page) == []
    assert overflow(page) <= 0
    page.goto(f"/calls/{call.slug}/funders/")
    page.fill("input[name=name]", "Fondation Macif")
    page.fill("input[name=budget_amount]", "20000")
    page.get_by_role("button", name="Ajouter le cofinanceur").click()
    expect(page.locator("table.funders")).to_contain_text("Fondation Macif")
    assert axe_violations(page) == []
    assert overflow(page) <= 0
