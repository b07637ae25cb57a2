"""The conflict table of API.md, through the editing module itself."""

import pytest
from django.core.exceptions import ValidationError

from resources import editing
from resources.models import ResourceVersion

BASE = "# Carte\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n"


def test_it_creates_version_one_with_metadata(resource, bob):
    v1 = resource.latest_version
    assert (v1.number, v1.parent_number, v1.author, v1.state) == (1, None, bob, "pending")
    assert v1.size == len(BASE.encode()) == v1.delta
    assert v1.html.startswith('<h1 id="carte">Carte</h1>')
    assert v1.content == BASE
    assert v1.authorship == [[bob.pk, 6]]
    assert resource.slug == "carte-des-puits"
    assert resource.license == "etalab-2.0"


def test_it_saves_an_edit_from_the_latest_version(resource, charlie):
    result = editing.edit_resource(
        resource=resource,
        author=charlie,
        content=BASE + "\nTroisième.\n",
        base_version=1,
        comment="ajout",
    )
    assert result.created and not result.merged
    assert (result.version.number, result.version.parent_number, result.version.comment) == (
        2,
        1,
        "ajout",
    )
    resource.refresh_from_db()
    assert resource.latest_version == result.version


def test_it_merges_separate_paragraphs_from_a_stale_base(resource, bob, charlie):
    editing.edit_resource(
        resource=resource,
        author=charlie,
        content=BASE.replace("Premier", "Tout premier"),
        base_version=1,
    )
    result = editing.edit_resource(
        resource=resource, author=bob, content=BASE.replace("Deuxième", "Second"), base_version=1
    )
    assert result.created and result.merged and result.version.number == 3
    text = result.version.content
    assert "Tout premier paragraphe." in text and "Second paragraphe." in text


def test_it_refuses_overlapping_edits_and_saves_nothing(resource, bob, charlie):
    editing.edit_resource(
        resource=resource, author=charlie, content=BASE.replace("Premier", "Un"), base_version=1
    )
    mine = BASE.replace("Premier", "Le premier")
    with pytest.raises(editing.EditConflict) as conflict:
        editing.edit_resource(resource=resource, author=bob, content=mine, base_version=1)
    assert conflict.value.content == mine
    assert conflict.value.latest.number == 2
    assert ResourceVersion.objects.filter(resource=resource).count() == 2


def test_it_creates_nothing_for_identical_content(resource, charlie):
    result = editing.edit_resource(resource=resource, author=charlie, content=BASE, base_version=1)
    assert not result.created and result.version.number == 1
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_it_treats_crlf_as_the_same_text(resource, charlie):
    result = editing.edit_resource(
        resource=resource, author=charlie, content=BASE.replace("\n", "\r\n"), base_version=1
    )
    assert not result.created


def test_it_requires_a_base_version_after_the_first(resource, charlie):
    with pytest.raises(ValidationError) as error:
        editing.edit_resource(resource=resource, author=charlie, content="x", base_version=None)
    assert "base_version" in error.value.message_dict
    with pytest.raises(ValidationError):
        editing.edit_resource(resource=resource, author=charlie, content="x", base_version=7)


def test_it_refuses_texts_over_one_megabyte(resource, charlie):
    with pytest.raises(editing.ContentTooLarge):
        editing.edit_resource(
            resource=resource, author=charlie, content="é" * 500_001, base_version=1
        )
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_it_restores_an_old_version_as_a_new_one(resource, bob, charlie):
    editing.edit_resource(
        resource=resource, author=charlie, content="Tout autre.\n", base_version=1
    )
    result = editing.restore_version(resource=resource, author=charlie, number=1)
    assert result.created and result.version.number == 3
    # No words stored: the code is the note, read in each reader's language.
    assert (result.version.comment, result.version.restored_from) == ("", 1)
    assert result.version.display_comment == "Restored version 1"
    assert result.version.content == BASE
    assert result.version.authorship == [[bob.pk, 6]]  # bob's words are bob's again


def test_it_refuses_edits_when_the_call_is_closed(resource, charlie):
    resource.call.status = "closed"
    resource.call.save()
    with pytest.raises(editing.CallNotOpen):
        editing.edit_resource(resource=resource, author=charlie, content="x", base_version=1)


def test_it_refuses_licenses_outside_the_call_policy(call, bob):
    for license in ("MIT", "CC-BY-NC-4.0", "nope"):
        with pytest.raises(ValidationError) as error:
            editing.create_resource(call=call, author=bob, title="T", content="x", license=license)
        assert "license" in error.value.message_dict


def test_it_credits_each_word_to_its_author(resource, bob, charlie):
    result = editing.edit_resource(
        resource=resource,
        author=charlie,
        content="# Carte\n\nPremier paragraphe complet.\n\nDeuxième paragraphe.\n",
        base_version=1,
    )
    # "# Carte Premier" bob, "paragraphe" -> "paragraphe complet." charlie x2, rest bob
    assert result.version.authorship == [[bob.pk, 3], [charlie.pk, 2], [bob.pk, 2]]


def test_it_sends_ambiguous_merges_of_repeated_paragraphs_to_a_person():
    """difflib's alignment made merge3 add a seventh paragraph (an extra "a b") here.

    The merge either finds the one right answer or hands it to a person.
    """
    from resources.diff import three_way_merge

    def text(paragraphs):
        return "\n\n".join(paragraphs) + "\n"

    base = ["a", "a b", "a b", "a b", "a b", "a b"]
    ours = ["b OURS", "b OURS", "a b", "a b", "a b", "a b"]
    theirs = ["a", "a b", "a b", "a THEIRS", "a THEIRS", "a b"]
    right = ["b OURS", "b OURS", "a b", "a THEIRS", "a THEIRS", "a b"]
    assert three_way_merge(text(base), text(ours), text(theirs)) in (None, text(right))
