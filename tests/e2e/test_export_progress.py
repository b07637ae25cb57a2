"""The call export streams a zip of unknown size: the page shows its progress, then saves it."""

import zipfile

from playwright.sync_api import expect


def test_it_shows_progress_then_saves_the_zip(new_page, resource):
    page = new_page(locale="en-US")
    page.goto(f"/calls/{resource.call.slug}/export/")
    progress = page.locator("#export-progress")
    expect(progress).to_be_hidden()

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the zip").click()
    expect(progress).to_be_visible()
    expect(progress.locator("[data-status]")).to_contain_text("Done")
    assert page.eval_on_selector("#export-progress progress", "p => p.value") == 1

    download = info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
    assert any(name.endswith("README.md") for name in names), names
    assert any("guide-des-nappes" in name for name in names), names


def test_it_downloads_with_the_plain_link_without_javascript(browser, live_server, resource):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/calls/{resource.call.slug}/export/")
        with page.expect_download() as info:
            page.click("a[data-progress]")
        assert info.value.suggested_filename.endswith(".zip")
    finally:
        context.close()
