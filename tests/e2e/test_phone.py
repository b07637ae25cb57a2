"""At 360 px, nothing scrolls sideways: long tables, code and URLs stay inside the screen."""

import pytest

from contributions import reviewing
from tests.conftest import PASSWORD
from tests.e2e.conftest import login


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_it_fits_a_long_resource_on_a_phone(new_page, resource):
    page = new_page(locale="fr-FR", width=360, height=740)
    page.goto(resource.get_absolute_url())
    assert page.locator(".prose table").count() == 1
    assert page.locator(".prose pre").count() == 1
    assert overflow(page) <= 0
    page.screenshot(path="/tmp/e2e-phone-resource.png", full_page=True)
    # The wide table and the code still scroll inside their own box, by keyboard too.
    assert page.eval_on_selector(".prose table", "t => t.scrollWidth > t.clientWidth")
    assert page.get_attribute(".prose table", "tabindex") == "0"


@pytest.mark.parametrize("username", [None, "bob"])
def test_it_fits_every_page_of_the_resource_on_a_phone(new_page, resource, username):
    page = new_page(locale="en-US", width=360, height=740)
    if username:
        login(page, username, PASSWORD)
    base = resource.get_absolute_url()
    paths = [
        "/",
        resource.call.get_absolute_url(),
        f"{base}history/",
        f"{base}diff/?from=1&to=2",
        f"{base}attribution/",
        f"{base}versions/2/authors/",
        f"/calls/{resource.call.slug}/reviews/",
        f"/calls/{resource.call.slug}/changes/",
        "/changes/",
        "/users/bob/",
    ]
    if username:
        paths += [f"{base}edit/", f"{base}versions/2/review/"]
    wide = {}
    for path in paths:
        page.goto(path)
        slug = "".join(c if c.isalnum() else "-" for c in path).strip("-") or "home"
        page.screenshot(path=f"/tmp/e2e-phone-{username or 'anonymous'}-{slug}.png")
        if overflow(page) > 0:
            wide[path] = overflow(page)
    assert wide == {}


def test_it_keeps_the_diff_view_choices_readable_on_a_phone(new_page, resource):
    """The radios of "in one text / side by side" are radios, not 16rem-wide text inputs."""
    page = new_page(locale="fr-FR", width=360, height=740)
    page.goto(f"{resource.get_absolute_url()}diff/?from=1&to=2")
    for choice in ("#view-inline", "#view-side"):
        radio = page.locator(choice).bounding_box()
        label = page.locator(f"label[for={choice[1:]}]").bounding_box()
        assert radio["width"] < 40, (choice, radio)
        # One line of text: the label is not squeezed to a letter per line.
        assert label["height"] < 40, (choice, label)


def test_a_radio_beside_a_long_label_keeps_its_size_on_a_phone(new_page, resource):
    """Flex rows shrank the radio of a two-line label (account deletion's credit choice)."""
    page = new_page(locale="fr-FR", width=360, height=740)
    login(page, "bob", PASSWORD)
    page.goto("/accounts/delete/")
    sizes = [
        box["width"]
        for box in map(lambda r: r.bounding_box(), page.locator("main input[type=radio]").all())
    ]
    assert len(sizes) == 2 and sizes[0] == sizes[1] >= 16, sizes  # 1.1rem


@pytest.mark.parametrize(
    ("path", "cell"),
    [
        ("members/", "main tbody td:last-child a"),
        ("retribution/", "main tbody td:last-child"),
        ("resources/", "main tbody td:last-child"),
    ],
)
def test_a_table_keeps_its_last_column_in_view_on_a_phone(new_page, resource, rita, path, cell):
    """The members' "Retirer", the retribution's "Montant", the resources' last change were
    scrolled out of the screen."""
    rita.display_name = "Rita Marguerite Delacroix-Fontaine (Conseil départemental)"
    rita.save()
    # Validated by Rita: the retribution counts validated text only.
    resource.refresh_from_db()
    reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    page = new_page(locale="fr-FR", width=360, height=740)
    login(page, "alice", PASSWORD)
    page.goto(f"/calls/{resource.call.slug}/{path}")
    box = page.locator(cell).first.bounding_box()
    assert box["x"] + box["width"] <= 360, box
