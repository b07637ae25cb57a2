"""Proposing and editing through the pages: saves, previews, conflicts, refusals."""

import re
from html import unescape

import pytest

from appel.models import Call
from resources.models import Resource, ResourceVersion

from .conftest import BASE, SLUG

CREATE = "/calls/eau/resources/new/"
PAGE = f"/calls/eau/resources/{SLUG}/"
EDIT = f"{PAGE}edit/"


def textarea(html, name="content"):
    """The text a textarea holds, as the browser will show it."""
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    return unescape(match.group(1))


def hidden(html, name):
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html).group(1)


def count():
    return ResourceVersion.objects.count()


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def charlie_client(client, charlie):
    client.force_login(charlie)
    return client


def test_it_proposes_a_resource(call, bob_client):
    page = bob_client.get(CREATE, {"challenge": "nappes"}).content.decode()
    assert 'name="challenges" value="nappes"' in page
    assert re.search(r'<input type="checkbox" name="challenges" value="nappes"[^>]* checked>', page)
    assert '<option value="etalab-2.0" selected>' in page and "CC-BY-SA-4.0" in page
    assert "/static/js/editor.js" in page and "Markdown cheat sheet" in page
    response = bob_client.post(
        CREATE,
        {
            "title": "Carte des puits",
            "challenges": "nappes",
            "license": "CC-BY-4.0",
            "content": "# Carte\r\n\r\nTexte.\r\n",
            "comment": "premier jet",
        },
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    resource = Resource.objects.get(slug=SLUG)
    assert resource.license == "CC-BY-4.0" and resource.challenge.slug == "nappes"
    assert resource.latest_version.content == "# Carte\n\nTexte.\n"
    assert resource.latest_version.comment == "premier jet"


def test_it_explains_a_refused_proposal_and_keeps_the_text(call, bob_client):
    text = "Mon texte  \n"
    response = bob_client.post(CREATE, {"title": "", "license": "MIT", "content": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html and textarea(html) == text
    taken = bob_client.post(CREATE, {"title": "Nouveau", "slug": "new", "license": "etalab-2.0"})
    assert "reserved" in taken.content.decode()
    assert count() == 0


@pytest.mark.parametrize("url", [CREATE, EDIT])
def test_it_sends_visitors_to_log_in_before_editing(resource, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(EDIT, {"content": "x", "base_version": 1}).status_code == 302
    assert count() == 1


def test_it_fills_the_editor_with_the_latest_version(resource, charlie_client):
    html = charlie_client.get(EDIT).content.decode()
    assert textarea(html) == BASE
    assert hidden(html, "base_version") == "1"
    assert 'data-preview-url="/preview/"' in html and "data-unsaved-warning" in html
    assert "Licence Ouverte / Open Licence 2.0" in html  # the license, on every page


def test_it_saves_an_edit_and_shows_the_new_version(resource, charlie_client):
    data = {"title": "Carte des puits", "content": BASE + "\nAjout.\n", "base_version": 1}
    response = charlie_client.post(EDIT, {**data, "comment": "ajout"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{PAGE}versions/2/"
    assert "Saved as version 2." in response.content.decode()
    version = ResourceVersion.objects.get(number=2)
    assert (version.author.username, version.comment) == ("charlie", "ajout")
    same = charlie_client.post(EDIT, {**data, "base_version": 2}, follow=True)
    assert "No change" in same.content.decode() and count() == 2


def test_it_merges_an_edit_from_an_older_version(resource, charlie, charlie_client):
    from resources import editing

    editing.edit_resource(
        resource=resource, author=charlie, content=BASE.replace("Premier", "Un"), base_version=1
    )
    data = {"title": "Carte des puits", "content": BASE.replace("Deuxième", "Second")}
    response = charlie_client.post(EDIT, {**data, "base_version": 1}, follow=True)
    assert "merged" in response.content.decode()
    assert "Un paragraphe." in ResourceVersion.objects.get(number=3).content


@pytest.fixture
def conflicted(resource, bob, charlie_client):
    """bob saved version 2 from 1; charlie sends his own change of the same line, from 1."""
    from resources import editing

    theirs = BASE.replace("# Carte", "# Carte des puits").replace("Premier", "Un")
    editing.edit_resource(resource=resource, author=bob, content=theirs, base_version=1)
    mine = BASE.replace("Premier", "Le tout premier") + "\nMon ajout.\n"
    data = {"title": "Carte des puits", "content": mine, "comment": "ma version", "base_version": 1}
    return theirs, mine, data, charlie_client.post(EDIT, data)


def test_it_keeps_the_editors_own_text_when_edits_conflict(conflicted):
    theirs, mine, data, response = conflicted
    html = response.content.decode()
    assert response.status_code == 409
    assert textarea(html.replace('id="sentText" readonly', 'name="sent"'), "sent") == mine
    # Both resolution forms carry the text as sent, and the version it started from.
    assert html.count(f'name="content" value="{mine}"'.replace("\n", "&#x27;")) == 0
    assert unescape(html).count(f'name="content" value="{mine}"') == 2
    assert 'name="base_version" value="1"' in html and 'name="latest_version" value="2"' in html
    assert 'value="ma version"' in html
    assert count() == 2


def test_the_draft_shows_each_clash_with_both_sides(conflicted):
    theirs, mine, data, response = conflicted
    html = response.content.decode()
    draft = textarea(html)
    assert draft == (
        "# Carte des puits\n\n"
        "<<<<<<< version 2 by Bob\n"
        "Un paragraphe.\n"
        "=======\n"
        "Le tout premier paragraphe.\n"
        ">>>>>>> your text\n"
        "\nDeuxième paragraphe.\n\nMon ajout.\n"
    )
    # Saving the draft starts from the latest version.
    assert 'name="base_version" value="2" id="id_base_version"' in html
    assert "Passage 1" in html and '<pre tabindex="0">Un paragraphe.\n</pre>' in html


def test_a_draft_still_holding_markers_is_refused_and_kept(conflicted, charlie_client):
    theirs, mine, data, response = conflicted
    draft = textarea(response.content.decode())
    refused = charlie_client.post(EDIT, {**data, "content": draft, "base_version": 2})
    html = refused.content.decode()
    assert "still holds passages marked" in html
    assert textarea(html) == draft
    assert count() == 2


def test_the_settled_draft_is_saved(conflicted, charlie_client):
    theirs, mine, data, response = conflicted
    settled = BASE.replace("Premier", "Un tout premier")
    assert (
        charlie_client.post(EDIT, {**data, "content": settled, "base_version": 2}).status_code
        == 302
    )
    assert ResourceVersion.objects.get(number=3).content == settled


def test_keep_my_text_keeps_their_other_changes(conflicted, charlie_client):
    theirs, mine, data, response = conflicted
    kept = charlie_client.post(EDIT, {**data, "latest_version": 2, "resolution": "mine"})
    assert kept.status_code == 302
    version = ResourceVersion.objects.get(number=3)
    assert version.content == (
        BASE.replace("# Carte", "# Carte des puits").replace("Premier", "Le tout premier")
        + "\nMon ajout.\n"
    )
    assert (version.author.username, version.comment) == ("charlie", "ma version")


def test_take_theirs_keeps_my_other_changes(conflicted, charlie_client):
    theirs, mine, data, response = conflicted
    taken = charlie_client.post(EDIT, {**data, "latest_version": 2, "resolution": "theirs"})
    assert taken.status_code == 302
    assert ResourceVersion.objects.get(number=3).content == theirs + "\nMon ajout.\n"


def test_a_resolution_against_a_newer_version_conflicts_again(conflicted, bob, charlie_client):
    from resources import editing

    theirs, mine, data, response = conflicted
    again = BASE.replace("Premier", "Encore un")
    editing.edit_resource(
        resource=Resource.objects.get(), author=bob, content=again, base_version=2
    )
    response = charlie_client.post(EDIT, {**data, "latest_version": 2, "resolution": "mine"})
    assert response.status_code == 409
    assert "version 3 by Bob" in textarea(response.content.decode())
    assert count() == 3


def test_a_broken_resolution_gives_the_text_back(conflicted, charlie_client):
    theirs, mine, data, response = conflicted
    response = charlie_client.post(EDIT, {**data, "latest_version": "x", "resolution": "mine"})
    assert response.status_code == 400
    assert textarea(response.content.decode()) == mine
    assert count() == 2


def test_it_explains_texts_over_the_limit_and_keeps_them(resource, charlie_client):
    text = "a" * 1_000_001
    data = {"title": "Carte des puits", "content": text, "base_version": 1}
    response = charlie_client.post(EDIT, data)
    html = response.content.decode()
    assert response.status_code == 200 and "the limit is 1000000 bytes" in html
    assert textarea(html) == text
    assert count() == 1


@pytest.mark.parametrize("base_version", ["", "abc", "0"])
def test_it_explains_a_missing_or_broken_base_version(resource, charlie_client, base_version):
    data = {"title": "Carte des puits", "content": "Autre.\n", "base_version": base_version}
    html = charlie_client.post(EDIT, data).content.decode()
    assert "The version you started from" in html
    assert textarea(html) == "Autre.\n"
    assert count() == 1


def test_it_previews_without_javascript(resource, charlie_client):
    data = {"title": "Carte", "content": "## Vu\n\n<script>x</script>", "base_version": 1}
    html = charlie_client.post(EDIT, {**data, "preview": "1"}).content.decode()
    assert '<h2 id="vu">Vu</h2>' in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert textarea(html) == data["content"] and hidden(html, "base_version") == "1"
    assert 'class="errorlist"' not in html
    assert count() == 1


def test_it_renders_the_live_preview_for_signed_in_editors(charlie_client, call):
    response = charlie_client.post("/preview/", {"content": "# T\n\n[x](javascript:alert(1))"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.content.decode() == '<h1 id="t">T</h1>\n<p><a>x</a></p>'
    assert charlie_client.get("/preview/").status_code == 405
    big = charlie_client.post("/preview/", {"content": "a" * 1_000_001})
    assert big.status_code == 413


def test_it_keeps_the_preview_to_signed_in_users(client, call):
    assert client.post("/preview/", {"content": "x"}).status_code == 403


def test_it_keeps_closed_calls_read_only(resource, charlie_client):
    resource.call.status = Call.Status.CLOSED
    resource.call.save()
    data = {"title": "Carte des puits", "content": "Autre.\n", "base_version": 1}
    response = charlie_client.post(EDIT, data)
    # Closed while they typed: the reason, and their text still in the form.
    assert "can be read but not changed" in response.content.decode()
    assert textarea(response.content.decode()) == "Autre.\n"
    assert charlie_client.get(EDIT).status_code == 302
    assert charlie_client.get(CREATE).status_code == 302
    assert count() == 1


def test_it_requires_csrf_tokens(resource, charlie):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    data = {"title": "T", "content": "x", "base_version": 1}
    assert client.post(EDIT, data).status_code == 403
    assert client.post("/preview/", {"content": "x"}).status_code == 403


def test_the_preview_of_a_draft_shows_its_markers_as_typed(conflicted, charlie_client):
    theirs, mine, data, response = conflicted
    draft = textarea(response.content.decode())
    html = charlie_client.post("/preview/", {"content": draft}).content.decode()
    # Not a heading made of the line above "=======", not seven nested quotes.
    assert "<blockquote>" not in html and "<h1" not in html.split("Carte des puits")[1]
    assert "<p>&lt;&lt;&lt;&lt;&lt;&lt;&lt; version 2 by Bob</p>" in html
    assert "<p>=======</p>" in html and "<p>&gt;&gt;&gt;&gt;&gt;&gt;&gt; your text</p>" in html
