"""Files and links in a real browser: upload without JS, drop with JS, 360 px, axe-clean."""

import pytest

from resources import editing, files
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, login
from tests.resources.samples import image_bytes, pdf_bytes, upload


@pytest.fixture
def guide(resource, call, bob, charlie):
    """The e2e resource with two files, one shown in its text, and a page linking to it."""
    files.upload_file(resource=resource, uploader=bob, upload=upload("puits.png", image_bytes()))
    files.upload_file(resource=resource, uploader=bob, upload=upload("rapport.pdf", pdf_bytes()))
    resource.refresh_from_db()
    editing.edit_resource(
        resource=resource,
        author=bob,
        content="![Le puits](files/puits.png)\n\n[Le rapport](files/rapport.pdf) et [[mare]].\n",
        base_version=resource.latest_version.number,
    )
    editing.create_resource(
        call=call, author=charlie, title="Atlas", content=f"Voir [[{resource.slug}]]."
    )
    resource.refresh_from_db()
    return resource


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_it_shows_files_links_and_backlinks_in_french_at_360px(new_page, guide):
    page = new_page(locale="fr-FR", width=360, height=740)
    page.goto(guide.get_absolute_url())
    assert page.locator(".prose img").evaluate("img => img.naturalWidth") == 40
    assert page.locator(".resource-files img").count() == 1
    assert "Pages liées" in page.locator(".backlinks").inner_text()
    assert page.locator(".prose a.wikilink-missing").inner_text() == "Mare (à écrire)"
    page.screenshot(path="/tmp/e2e-files-resource-360.png", full_page=True)
    assert overflow(page) <= 0
    assert axe_violations(page) == []
    page.goto(f"{guide.get_absolute_url()}files/")
    page.screenshot(path="/tmp/e2e-files-list-360.png", full_page=True)
    assert overflow(page) <= 0
    assert axe_violations(page) == []
    english = new_page(locale="en-US", width=360, height=740)
    english.goto(guide.get_absolute_url())
    assert english.locator(".prose a.wikilink-missing").inner_text() == "Mare (to be written)"


def test_it_uploads_from_the_edit_page_without_javascript(browser, live_server, guide):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-FR",
        viewport={"width": 360, "height": 740},
    )  # fmt: skip
    page = context.new_page()
    login(page, "bob", PASSWORD)
    page.goto(f"{guide.get_absolute_url()}edit/")
    page.fill("textarea[name=content]", "Texte tapé, pas encore enregistré.")
    page.set_input_files("input[name=upload-file]", files=[
        {"name": "carte.png", "mimeType": "image/png", "buffer": image_bytes()}
    ])  # fmt: skip
    page.click("button[name=upload]")
    assert page.locator("textarea[name=content]").input_value() == (
        "Texte tapé, pas encore enregistré."
    )
    assert "![…](files/carte.png)" in page.content()
    page.screenshot(path="/tmp/e2e-files-edit-nojs-360.png", full_page=True)
    assert overflow(page) <= 0
    context.close()
    assert files.get_file(guide, "carte.png").latest.uploaded_by.username == "bob"


def test_dropping_a_file_uploads_it_and_inserts_its_reference(new_page, guide):
    page = new_page(locale="en-US")
    login(page, "bob", PASSWORD)
    page.goto(f"{guide.get_absolute_url()}edit/")
    # Emptying the text asks for a live preview: let it answer before the upload, since the
    # test server shares one in-memory SQLite connection between its request threads.
    with page.expect_response(lambda response: "/preview/" in response.url):
        page.fill("textarea[name=content]", "")
    box = page.locator("[data-file-drop]")
    data = list(image_bytes(color=(0, 200, 0)))
    handle = page.evaluate_handle(
        """bytes => {
            const transfer = new DataTransfer();
            const file = new File([new Uint8Array(bytes)], "dropped.png", {type: "image/png"});
            transfer.items.add(file);
            return transfer;
        }""",
        data,
    )
    box.dispatch_event("drop", {"dataTransfer": handle})
    page.wait_for_function(
        "() => document.querySelector('textarea[name=content]').value.includes('files/dropped')"
    )
    assert "![dropped.png](files/dropped.png)" in page.input_value("textarea[name=content]")
    assert "dropped.png" in box.inner_text()
    page.locator("button[data-insert]").first.click()
    assert page.input_value("textarea[name=content]").count("](files/") == 2
    # The toolbar's "File" button wraps the selection as a file of the resource.
    page.fill("textarea[name=content]", "puits.png")
    page.eval_on_selector("textarea[name=content]", "t => t.setSelectionRange(0, 9)")
    page.click(".markdown-toolbar button[data-md=file]")
    assert page.input_value("textarea[name=content]") == "![puits.png](files/puits.png)"
    assert axe_violations(page) == []
    assert files.get_file(guide, "dropped.png").latest.content_type == "image/png"
