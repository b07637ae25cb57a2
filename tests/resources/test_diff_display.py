"""The diff reads well: a gap between removed and added words, rows, side by side."""

from django.test import Client

from resources import diffview, editing
from resources.diff import word_diff

OLD = "# Jeu\n\nUn paquet de 52\n\n- un\n- deux\n"
NEW = "# Jeu de cartes\n\nDes cartes\n\n- un\n- trois\n"


def test_rows_keep_every_character_of_both_texts():
    rows = diffview.rows(word_diff(OLD, NEW))
    old = "\n".join("".join(t for op, t, _ in row.old) for row in rows)
    new = "\n".join("".join(t for op, t, _ in row.new) for row in rows)
    assert old == OLD.rstrip("\n") and new == NEW.rstrip("\n")


def test_rows_know_headings_and_list_items():
    kinds = [row.kind for row in diffview.rows(word_diff(OLD, NEW))]
    assert kinds == ["h1", "", "", "", "li", "li"]


def test_a_replacement_is_marked_for_a_gap():
    [row] = diffview.rows(word_diff("Un paquet de 52", "Des cartes"))
    gaps = [(op, gap) for op, _text, gap in row.inline if op != "equal"]
    assert ("insert", True) in gaps


def _diff_page(resource, query=""):
    url = f"/calls/{resource.call.slug}/resources/{resource.slug}/diff/?from=1&to=2{query}"
    return Client().get(url).content.decode()


def test_the_page_never_glues_removed_and_added_words(resource, charlie):
    editing.edit_resource(resource=resource, author=charlie, content=NEW, base_version=1)
    html = _diff_page(resource)
    assert '</del><span class="diff-gap" aria-hidden="true"> </span><ins>' in html
    assert '<span class="diff-row md-h1">' in html
    assert '<span class="diff-row md-li">' in html


def test_the_page_shows_both_versions_side_by_side(resource, charlie):
    editing.edit_resource(resource=resource, author=charlie, content=NEW, base_version=1)
    html = _diff_page(resource, "&view=side")
    assert '<table class="diff-side">' in html
    assert '<th scope="col">Version 1</th><th scope="col">Version 2</th>' in html
    assert '<tr class="md-h1 changed">' in html
    assert 'id="view-side" name="view" value="side" checked' in html
