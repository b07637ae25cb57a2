"""The editor: formatting buttons, live preview, a warning before losing unsaved text."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import login


def open_editor(new_page, resource):
    page = new_page(locale="en-US")
    login(page, "bob", PASSWORD)
    page.goto(f"{resource.get_absolute_url()}edit/")
    return page


def test_it_formats_the_selection_and_previews_it(new_page, resource):
    page = open_editor(new_page, resource)
    page.fill("#id_content", "Les nappes baissent.")
    page.eval_on_selector("#id_content", "t => t.setSelectionRange(11, 19)")
    page.get_by_role("button", name="Bold").click()
    expect(page.locator("#id_content")).to_have_value("Les nappes **baissent**.")
    expect(page.locator("#markdownPreview strong")).to_have_text("baissent")

    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Heading").click()
    expect(page.locator("#id_content")).to_have_value("Les nappes **baissent**.\n## Section")
    expect(page.locator("#markdownPreview h2")).to_have_text("Section")


def test_it_warns_before_leaving_unsaved_text(new_page, resource):
    page = open_editor(new_page, resource)
    page.locator("#id_content").press("End")
    page.keyboard.type(" Encore une phrase.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/"), "dismissing the warning keeps the editor and its text"
    assert "Encore une phrase." in page.locator("#id_content").input_value()


def test_it_saves_without_a_warning(new_page, resource):
    page = open_editor(new_page, resource)
    page.locator("#id_content").press("End")
    page.keyboard.type(" Encore.")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.click("button[name=save]")
    expect(page.locator(".messages")).to_contain_text("version 3")
    assert dialogs == []
