"""Completeness of a commun's text against its call's required sections."""

import pytest

from resources import editing
from resources.completeness import completeness, outline

REQUIRED = ["Pitch", "Gouvernance", "Modèle économique"]


def check(markdown, required=REQUIRED):
    return completeness(outline(markdown), required)


def test_it_finds_every_section_filled():
    text = (
        "## Pitch\n\nUn pitch.\n\n## Gouvernance\n\nCollégiale.\n\n## Modèle économique\n\nDons.\n"
    )
    assert check(text) == {"required": REQUIRED, "missing": [], "empty": []}


def test_it_lists_an_absent_section_as_missing_not_empty():
    found = check("## Pitch\n\nUn pitch.\n\n## Gouvernance\n\nCollégiale.\n")
    assert found["missing"] == ["Modèle économique"]
    assert found["empty"] == []


def test_it_counts_a_heading_with_nothing_under_it_as_empty():
    text = "## Pitch\n\n## Gouvernance\n\nCollégiale.\n\n## Modèle économique\n\nDons.\n"
    assert check(text)["missing"] == ["Pitch"]
    assert check(text)["empty"] == ["Pitch"]


def test_guidance_comments_and_sub_headings_alone_do_not_fill_a_section():
    text = (
        "## Pitch\n\n<!-- En deux phrases : quel problème, pour qui. -->\n\n"
        "## Gouvernance\n\n### Qui décide\n\n"
        "## Modèle économique\n\n### Recettes\n\nDes dons.\n"
    )
    assert check(text)["empty"] == ["Pitch", "Gouvernance"]


def test_a_heading_at_another_level_counts():
    text = "# Pitch\nUn pitch.\n#### Gouvernance\nCollégiale.\n\nModèle économique\n---\nDons.\n"
    assert check(text)["missing"] == []


def test_case_accents_spaces_and_a_trailing_colon_do_not_matter():
    text = "## PITCH :\nx\n## gouvernance\nx\n##   Modele   economique\nx\n"
    assert check(text)["missing"] == []


def test_a_renamed_heading_does_not_count():
    text = "## Pitch\nx\n## Gouvernance\nx\n## Modèle éco\nDons.\n"
    assert check(text)["missing"] == ["Modèle économique"]
    assert check(text)["empty"] == []


def test_a_duplicated_heading_counts_when_either_copy_is_filled():
    assert check("## Pitch\n\n## Pitch\nEnfin.\n", ["Pitch"])["missing"] == []
    assert check("## Pitch\n\n## Pitch\n", ["Pitch"])["empty"] == ["Pitch"]


def test_headings_inside_code_blocks_are_text():
    text = "## Pitch\n\n```\n## Gouvernance\n```\n"
    assert check(text, ["Pitch", "Gouvernance"])["missing"] == ["Gouvernance"]


def test_nothing_is_required_without_sections():
    assert check("", []) == {"required": [], "missing": [], "empty": []}


@pytest.mark.django_db
def test_it_is_stored_at_save_and_served_by_the_api(call, bob, client):
    call.required_sections = ["Pitch", "Licence"]
    call.save()
    version = editing.create_resource(
        call=call, author=bob, title="Carte", content="## Pitch\n\nUne carte.\n\n## Licence\n"
    )
    resource = version.resource
    assert resource.outline == [[2, "Pitch", True], [2, "Licence", False]]
    answer = client.get(f"/api/v1/calls/eau/resources/{resource.slug}").json()
    assert answer["completeness"] == {
        "required": ["Pitch", "Licence"],
        "missing": ["Licence"],
        "empty": ["Licence"],
    }
    listed = client.get("/api/v1/calls/eau/resources").json()["results"][0]
    assert listed["completeness"]["missing"] == ["Licence"]
    # Missing sections never block a save; filling one updates the checklist.
    editing.edit_resource(
        resource=resource,
        author=bob,
        content="## Pitch\n\nUne carte.\n\n## Licence\n\nCC-BY.\n",
        base_version=1,
    )
    answer = client.get(f"/api/v1/calls/eau/resources/{resource.slug}").json()
    assert answer["completeness"]["missing"] == []


@pytest.mark.django_db
def test_the_pages_show_the_checklist(call, bob, client):
    call.required_sections = ["Pitch", "Licence"]
    call.save()
    resource = editing.create_resource(
        call=call, author=bob, title="Carte", content="## Pitch\n\nUne carte.\n"
    ).resource
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Fiche checklist" in page and 'Licence <span class="meta">— missing' in page
    listing = client.get("/calls/eau/resources/").content.decode()
    assert "1 section missing: Licence" in listing
    queue = client.get("/calls/eau/reviews/").content.decode()
    assert "1 section missing: Licence" in queue


@pytest.mark.django_db
def test_the_template_pre_fills_the_editor(call, bob, client):
    call.resource_template = "## Pitch\n\n<!-- En deux phrases -->\n"
    call.save()
    client.force_login(bob)
    page = client.get("/calls/eau/resources/new/").content.decode()
    assert "## Pitch" in page and "&lt;!-- En deux phrases --&gt;" in page
