"""The whole life of a commons resource, each step through the pages as a person does it.

A funder launches and opens a call with a défi and a reviewer; a contributor
proposes a resource while watching the live preview; a second contributor
edits it; the first saves from a stale version, lands on the conflict page
with their own text kept, resolves and saves; the reviewer validates; an
anonymous reader sees the validated text, its license and credits, and
downloads the Markdown export.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import login

TEXT = (
    "# Guide des nappes\n\nLes nappes se rechargent en hiver.\n\nMesurer le niveau chaque mois.\n"
)


def launch_call(page):
    page.goto("/")
    page.get_by_role("link", name="Launch a call").click()
    page.fill("#id_title", "Eau et territoires")
    page.fill("#id_summary", "Des communs pour l'eau.")
    page.fill("#id_description", "## Pourquoi\n\nParce que.")
    page.fill("#id_funder_name", "Région")
    page.fill("#id_budget_amount", "20000")
    page.check("input[name=allowed_licenses][value='CC-BY-SA-4.0']")
    page.select_option("#id_default_license", "CC-BY-SA-4.0")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("h1").first).to_have_text("Eau et territoires")
    expect(page.locator(".notice")).to_contain_text("draft")

    page.get_by_role("link", name="Add a challenge").click()
    page.fill("#id_title", "Nappes phréatiques")
    page.fill("#id_description", "Comment suivre les nappes ?")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#defis")).to_contain_text("Nappes phréatiques")

    page.get_by_role("link", name="Manage members").click()
    page.fill("#id_username", "rita")
    page.select_option("#id_role", "reviewer")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table.data")).to_contain_text("Rita")

    page.get_by_role("link", name="Back to the call").click()
    page.get_by_role("link", name="Open the call…").click()  # its confirmation page
    page.get_by_role("button", name="Open the call").click()
    expect(page.locator(".badge").first).to_have_text("Open")
    return page.url


def test_it_goes_from_a_new_call_to_a_validated_downloadable_resource(new_page, db):
    make_user("alice", funder=True)
    make_user("bob")
    make_user("charlie")
    make_user("rita")

    funder = new_page(locale="en-US")
    login(funder, "alice", PASSWORD)
    call_url = launch_call(funder)

    # Bob proposes a resource and watches the live preview render his heading.
    bob = new_page(locale="en-US")
    login(bob, "bob", PASSWORD)
    bob.goto(call_url)
    bob.get_by_role("link", name="Propose a resource").click()
    bob.fill("#id_title", "Guide des nappes")
    bob.get_by_label("Nappes phréatiques", exact=True).check()
    bob.fill("#id_content", TEXT)
    expect(bob.locator("#markdownPreview h1")).to_have_text("Guide des nappes")
    bob.get_by_role("button", name="Save", exact=True).click()
    expect(bob.locator(".messages")).to_contain_text("version 1")
    resource_url = bob.url

    # Bob opens the editor (base: version 1) and takes his time...
    bob.get_by_role("link", name="Edit", exact=True).click()
    expect(bob.locator("input[name=base_version]")).to_have_value("1")

    # ... while Charlie edits the same line and saves version 2.
    charlie = new_page(locale="en-US")
    login(charlie, "charlie", PASSWORD)
    charlie.goto(resource_url)
    charlie.get_by_role("link", name="Edit", exact=True).click()
    charlie.fill("#id_content", TEXT.replace("en hiver", "surtout en hiver"))
    charlie.fill("#id_comment", "Précision")
    charlie.get_by_role("button", name="Save", exact=True).click()
    expect(charlie.locator(".messages")).to_contain_text("version 2")

    # Bob saves from the stale base, same line: the conflict page keeps his text,
    # as sent and in a merged draft that shows both sides of the clash.
    mine = TEXT.replace("en hiver", "en hiver et au printemps")
    bob.fill("#id_content", mine)
    bob.get_by_role("button", name="Save", exact=True).click()
    expect(bob.locator("h1").first).to_contain_text("Edit conflict")
    expect(bob.locator("#sentText")).to_have_value(mine)
    expect(bob.locator("#id_content")).to_contain_text("surtout en hiver")
    expect(bob.locator("#id_content")).to_contain_text("en hiver et au printemps")
    expect(bob.locator("#id_base_version")).to_have_value("2")
    bob.fill("#id_content", TEXT.replace("en hiver", "surtout en hiver et au printemps"))
    bob.get_by_role("button", name="Save", exact=True).click()
    expect(bob.locator(".messages")).to_contain_text("version 3")

    # Rita finds it in the review queue and approves it.
    rita = new_page(locale="en-US")
    login(rita, "rita", PASSWORD)
    rita.goto(call_url)
    rita.get_by_role("link", name="Review queue").click()
    rita.get_by_role("link", name="Review version 3").click()
    rita.get_by_label("Approve").check()
    rita.get_by_role("button", name="Record my review").click()
    # Nothing else waits: on to the queue, which says so.
    expect(rita.locator(".messages")).to_contain_text("Nothing else waits for your review here.")

    # An anonymous reader sees the validated version, its license and credits.
    reader = new_page(locale="en-US")
    reader.goto(call_url)
    reader.get_by_role("link", name="See the resources").click()
    reader.get_by_role("link", name="Guide des nappes").first.click()
    expect(reader.locator(".resource-text")).to_contain_text("surtout en hiver et au printemps")
    expect(reader.locator(".state-badge, .badge").first).to_contain_text(
        re.compile("validated", re.I)
    )
    expect(reader.locator(".credit-panel")).to_contain_text("CC-BY-SA-4.0")
    expect(reader.locator(".credit-authors")).to_contain_text("Bob")
    expect(reader.locator(".credit-authors")).to_contain_text("Charlie")
    reader.get_by_role("link", name="Full attribution and credit line").click()
    credit = reader.locator("#credit-line").input_value()
    assert "Guide des nappes" in credit and "Attribution-ShareAlike 4.0" in credit, credit
    assert "Bob" in credit and "Charlie" in credit
    reader.go_back()

    reader.get_by_text("Cite or export").click()
    with reader.expect_download() as info:
        reader.get_by_role("link", name="Markdown with its metadata").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    front, body = markdown.split("\n---\n", 1)
    assert front.startswith("---\n")
    assert "Guide des nappes" in front and "CC-BY-SA-4.0" in front
    assert "version: 3" in front or "version: '3'" in front or '"version": 3' in front, front
    assert "surtout en hiver et au printemps" in body
