"""Search by words: accents and case ignored, several words in any order, excerpts
highlighted and escaped, threads found, pages, hostile queries (FTS5 index on SQLite,
full-text search on PostgreSQL; the same tests run on both)."""

import pytest
from django.core.management import call_command
from django.db import connection

from appel.models import Call, Challenge
from contributions import discussing
from resources import editing, fts, search
from resources.loaders import resources
from tests.conftest import make_call, make_resource

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only"
)


def found(user, q, **kwargs):
    return search.search(user=user, q=q, resource_queryset=resources(user), **kwargs)


@pytest.fixture
def school(call, bob):
    return make_resource(
        call,
        bob,
        title="Guide de l'école",
        content="Un guide pour chauffer l'École sans gaspiller de chaleur.",
    )


def test_accents_and_case_are_ignored(school, bob):
    assert found(bob, "ecole").resources == [school]
    assert found(bob, "ÉCOLE").resources == [school]
    assert found(bob, "Ecole").resources == [school]


def test_several_words_match_in_any_order(school, bob):
    assert found(bob, "guide chaleur").resources == [school]
    assert found(bob, "chaleur guide").resources == [school]
    assert found(bob, "chaleur pétrole").resources == []


def test_the_excerpt_marks_the_words_and_escapes_the_text(call, bob):
    resource = make_resource(
        call, bob, title="Puits", content="Avant <script>alert(1)</script> la nappe d'eau."
    )
    (hit,) = found(bob, "nappe").resources
    assert hit == resource
    assert "<mark>nappe</mark>" in hit.excerpt
    assert "<script>" not in hit.excerpt and "&lt;script&gt;" in hit.excerpt


def test_threads_are_found_and_hidden_posts_are_not(call, alice, bob, resource):
    thread = discussing.start_thread(
        call=call, resource=resource, author=bob, title="Question", body="Le débit du forage ?"
    )
    secret = discussing.add_post(thread=thread, author=bob, body="Mot secretissime ici.")
    assert found(bob, "debit forage").threads == [thread]
    assert "<mark>" in found(bob, "debit").threads[0].excerpt
    assert found(bob, "secretissime").threads == [thread]
    discussing.hide_post(post=secret, actor=alice, reason="Hors sujet")
    assert found(bob, "secretissime").threads == []
    assert found(bob, "forage").threads == [thread]


def test_drafts_stay_hidden(olga, bob, alice):
    make_call(olga, slug="brouillon", title="Hydrologie confidentielle", status=Call.Status.DRAFT)
    assert found(bob, "hydrologie").calls == []
    assert [c.slug for c in found(olga, "hydrologie").calls] == ["brouillon"]


def test_calls_and_challenges_follow_their_edits(call, bob):
    challenge = Challenge.objects.get(call=call, slug="nappes")
    challenge.title = "Zones humides"
    challenge.save()
    assert found(bob, "humides").challenges == [challenge]
    assert found(bob, "phréatiques").challenges == []
    call.title = "Rivières vivantes"
    call.save()
    assert found(bob, "rivieres").calls == [call]
    challenge.delete()
    assert found(bob, "humides").challenges == []


def test_a_resource_is_found_by_its_latest_text(resource, bob):
    editing.edit_resource(
        resource=resource, author=bob, content="Tout autre propos : tourbières.", base_version=1
    )
    assert found(bob, "tourbieres").resources == [resource]
    assert found(bob, "paragraphe").resources == []


def test_pages(call, bob):
    made = [make_resource(call, bob, title=f"Fiche lagune {n}", content="x") for n in range(5)]
    first, second = found(bob, "lagune", limit=3), found(bob, "lagune", limit=3, page=2)
    assert first.more and not second.more
    assert set(first.resources + second.resources) == set(made)
    assert found(bob, "lagune", page="nope").page == 1


HOSTILE = [
    '"',
    "'",
    '"nappe',
    "nappe NEAR puits",
    "NEAR(nappe puits, 2)",
    "*",
    "nap*",
    "^nappe",
    "-nappe",
    "(nappe OR",
    "title:nappe",
    "call_id:1",
    "nappe AND",
    "NOT",
    "'; DROP TABLE resources_resource; --",
    "%_%",
    "\\",
    "{nappe}",
    "\x00",
    "   ",
    "é" * 5000,
    "mot " * 2000,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(q, resource, client, api):
    assert client.get("/search/", {"q": q}).status_code == 200
    assert api.get("/api/v1/search", {"q": q}).status_code == 200
    assert client.get(f"/calls/{resource.call.slug}/resources/", {"q": q}).status_code == 200


def test_api_adds_excerpts_threads_and_pages(school, api):
    data = api.get("/api/v1/search", {"q": "ecole"}).json()
    assert [r["slug"] for r in data["resources"]] == [school.slug]
    assert "<mark>" in data["resources"][0]["excerpt"]
    assert data["results"][0]["type"] == "resource" and data["threads"] == []
    assert data["page"] == 1 and data["next"] is None


def test_the_page_groups_and_highlights(school, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        html = client.get("/search/", {"q": "ecole"}).content.decode()
    assert "Guide de l&#x27;école" in html or "Guide de l'école" in html
    assert "<mark>École</mark>" in html


@sqlite_only
def test_rebuild_command_restores_the_index(school, call, bob):
    thread = discussing.start_thread(call=call, author=bob, title="Forum", body="Marais salants")
    fts.clear()
    assert found(bob, "ecole").resources == []
    call_command("rebuild_search_index")
    assert found(bob, "ecole").resources == [school]
    assert found(bob, "marais").threads == [thread]


@sqlite_only
def test_deleting_a_resource_removes_its_words(school, bob):
    key = fts.rowid("resource", school.pk)
    school.delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {fts.TABLE} WHERE rowid = %s", [key])
        assert cursor.fetchone()[0] == 0


def test_highlight_is_escaped_and_accent_blind():
    html = search.highlight("<b>L'École</b> des nappes", "ecole nappe")
    assert html == "&lt;b&gt;L&#x27;<mark>École</mark>&lt;/b&gt; des <mark>nappes</mark>"


def test_a_restored_version_is_found_by_its_words_again(resource, bob):
    editing.edit_resource(resource=resource, author=bob, content="Tourbières.", base_version=1)
    assert found(bob, "paragraphe").resources == []
    editing.restore_version(resource=resource, author=bob, number=1)
    assert found(bob, "paragraphe").resources == [resource]
    assert found(bob, "tourbieres").resources == []


def test_threads_of_a_draft_call_stay_hidden(olga, bob):
    draft = make_call(olga, slug="brouillon", status=Call.Status.DRAFT)
    thread = discussing.start_thread(call=draft, author=olga, title="Budget", body="Zinzolins")
    assert found(bob, "zinzolins").threads == []
    assert found(olga, "zinzolins").threads == [thread]


def test_the_excerpt_marks_whole_words_accents_and_case_ignored():
    text = "Les NAPPES phréatiques du Doubs; une nappe, un nappage, l'eau et les eaux."
    html = str(search.highlight(text, "nappe Phreatique eau ubs"))
    assert "Do<mark>" not in html  # "ubs" starts no word
    # A word of the query marks the whole words that start with it, whatever their case and
    # accents ("nappe": "NAPPES", not "nappage"; "eau": "eaux").
    assert "<mark>NAPPES</mark> <mark>phréatiques</mark>" in html
    assert "<mark>nappe</mark>, un nappage" in html
    assert "l&#x27;<mark>eau</mark> et les <mark>eaux</mark>" in html
    assert "Doubs" in html and "<mark>Doubs" not in html


def test_folding_keeps_the_length_and_a_hostile_text_does_not_grow_its_table():
    text = "ÉCOLE œuvre İzmir ﬁl " + "".join(map(chr, range(0x4E00, 0x6E00)))
    assert len(search._fold(text)) == len(text)
    assert search._fold("ÉCOLE Œuvre")[:6] == "ecole "
    assert max(search._FOLDING) < 0x3000  # the ideographs were folded, not kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an index of PostgreSQL")
def test_posts_are_found_through_their_index(db):
    """The words of posts come from the `post_search` index, not from every post's body."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from contributions.models import Post

    words = (
        Post.objects.filter(hidden=False)
        .annotate(document=SearchVector("body", config=search.CONFIG))
        .filter(document=SearchQuery("nappe", config=search.CONFIG, search_type="websearch"))
        .values("thread")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: the plan, not its size
        assert "post_search" in words.explain()
