"""A steward runs the call in a real browser: cut-off decisions, confirmations, dashboard.

French interface (the product's default), keyboard only where the issue
asks it, axe-clean, and nothing wider than a 360 px phone.
"""

import pytest
from playwright.sync_api import expect

from appel.models import Call
from contributions import reviewing
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, login, tab_to


@pytest.fixture
def validated(resource, rita):
    """The e2e resource with its latest version (2) validated by rita."""
    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="approve", comment=""
    )
    resource.refresh_from_db()
    call = resource.call
    call.required_sections = ["Mesures", "Gouvernance"]
    call.funding_min, call.funding_max = "10000", "80000"
    call.save()
    return resource


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_steward_records_and_publishes_a_decision_seen_on_the_commons_page(
    new_page, validated, alice
):
    page = new_page()
    login(page, "alice", PASSWORD)
    page.goto(validated.call.get_absolute_url())
    page.get_by_role("link", name="Relevés", exact=True).first.click()
    page.fill("input[name=title]", "Relevé de juin")
    page.fill("input[name=date]", "2026-06-01")
    page.get_by_role("button", name="Ajouter le relevé").click()
    expect(page.locator("h1")).to_have_text("Relevé de juin")
    found = axe_violations(page)
    assert found == [], [n["html"] for v in found for n in v["nodes"]]

    page.select_option("select[name=resource]", validated.slug)
    page.check("input[name=decision][value=selected]")
    page.fill("input[name=amount]", "5000")  # under the floor: refused, nothing lost
    page.fill("textarea[name=answer]", "Retenu : **bravo** pour le guide.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator(".errorlist")).to_contain_text("de 10000.00 à 80000.00")
    expect(page.locator("textarea[name=answer]")).to_have_value("Retenu : **bravo** pour le guide.")
    page.fill("input[name=amount]", "40000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator(".messages")).to_contain_text("reste privée")

    # Not public yet: the commons' page says nothing.
    page.goto(validated.get_absolute_url())
    expect(page.locator(".decisions-panel")).to_have_count(0)
    expect(page.locator(".completeness-panel")).to_contain_text("Gouvernance")
    assert axe_violations(page) == []

    page.go_back()
    # The confirmation page, reached and cancelled with the keyboard.
    tab_to(page, "a[href$='/publish/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/publish/")
    expect(page.locator("main")).to_contain_text("irréversible")
    assert axe_violations(page) == []
    tab_to(page, "main a[href$='/cutoffs/1/'], main .actions a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cutoffs/*/")
    assert not validated.call.cutoffs.get().published

    tab_to(page, "a[href$='/publish/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/publish/")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("publiques et définitives")

    page.goto(validated.get_absolute_url())
    panel = page.locator(".decisions-panel")
    expect(panel).to_contain_text("Retenu pour financement")
    expect(panel).to_contain_text("40")
    expect(panel.locator("strong", has_text="bravo")).to_have_count(1)


def test_closing_a_call_is_confirmed_and_can_be_cancelled_by_keyboard(new_page, call, alice):
    page = new_page()
    login(page, "alice", PASSWORD)
    page.goto(call.get_absolute_url())
    tab_to(page, "a[href$='/status/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/status/")
    expect(page.locator("h1")).to_contain_text("Clore")
    expect(page.locator("main")).to_contain_text("un appel clos ne rouvre jamais")
    assert axe_violations(page) == []
    tab_to(page, "main .actions a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{call.get_absolute_url()}")
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN


def test_a_steward_schedules_a_call(new_page, alice):
    from datetime import timedelta

    from django.utils import timezone

    from tests.conftest import make_call

    opens = timezone.localtime() + timedelta(days=45)
    call = make_call(alice, status=Call.Status.DRAFT, opens_at=opens)
    page = new_page()
    login(page, "alice", PASSWORD)
    page.goto(call.get_absolute_url())
    page.get_by_role("link", name="Ouvrir l’appel…").click()
    expect(page.locator("main")).to_contain_text("s’ouvre de lui-même le")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Programmer l’ouverture").click()
    expect(page.locator(".badge-scheduled")).to_have_text("Programmé")
    expect(page.locator(".notice.scheduled")).to_contain_text(f"Ouvre le {opens.day} ")
    expect(page.get_by_role("link", name="Proposer une ressource")).to_have_count(0)
    call.refresh_from_db()
    assert (call.status, call.phase) == ("open", "scheduled")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_steering_pages_are_axe_clean_and_fit_a_phone(new_page, validated, alice, width):
    from datetime import date

    from appel.stewarding import add_cutoff

    add_cutoff(call=validated.call, title="Relevé de juin", date=date(2026, 6, 1), actor=alice)
    page = new_page(width=width)
    login(page, "alice", PASSWORD)
    call = validated.call.slug
    for path in (
        f"/calls/{call}/dashboard/",
        f"/calls/{call}/cutoffs/",
        f"/calls/{call}/cutoffs/1/",
        f"/calls/{call}/members/?q=bo",
        f"/calls/{call}/status/",
        validated.get_absolute_url(),
    ):
        page.goto(path)
        assert overflow(page) <= 0, path
        assert axe_violations(page) == [], path
        if width == 360 and path.endswith("/dashboard/"):
            page.screenshot(path="/tmp/wt15/dashboard-360.png", full_page=True)
        if width == 1280 and path.endswith("/dashboard/"):
            page.screenshot(path="/tmp/wt15/dashboard-1280.png", full_page=True)
