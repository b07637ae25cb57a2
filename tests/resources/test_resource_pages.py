"""The resource list and the resource page: what readers see, and when they may edit."""

import pytest

from appel.models import Call
from resources import editing

from .conftest import BASE, SLUG, grow

LIST = "/calls/eau/resources/"
PAGE = f"/calls/eau/resources/{SLUG}/"


def approve(version, reviewer):
    from contributions import reviewing

    reviewing.record_review(version=version, reviewer=reviewer, verdict="approve")


def test_it_lists_a_calls_resources_with_their_state(resource, call, bob, rita, client):
    approve(resource.latest_version, rita)
    editing.create_resource(call=call, author=bob, title="Sans défi", content="x")
    html = client.get(LIST).content.decode()
    assert html.index("Sans défi") < html.index("Carte des puits")  # last changed first
    assert "Stable: version 1" in html and "Not yet reviewed" in html
    assert 'class="badge badge-validated"' in html and 'class="badge badge-pending"' in html


def test_it_filters_the_list_by_challenge_and_words(resource, call, bob, client):
    editing.create_resource(call=call, author=bob, title="Sans défi", content="Des sources.")
    assert "Sans défi" not in client.get(LIST, {"challenge": "nappes"}).content.decode()
    assert "Carte des puits" in client.get(LIST, {"challenge": "nappes"}).content.decode()
    by_words = client.get(LIST, {"q": "sources"}).content.decode()
    assert "Sans défi" in by_words and "Carte des puits" not in by_words
    by_title = client.get(LIST, {"sort": "title"}).content.decode()
    assert by_title.index("Carte des puits") < by_title.index("Sans défi")
    assert client.get(LIST, {"challenge": "x\x00", "page": "abc", "sort": "?"}).status_code == 200


def test_it_offers_to_propose_a_resource_only_when_it_can_be_done(call, client, bob):
    create = "/calls/eau/resources/new/"
    assert create not in client.get(LIST).content.decode()
    assert "Log in to propose a resource" in client.get(LIST).content.decode()
    client.force_login(bob)
    assert create in client.get(LIST).content.decode()
    call.status = Call.Status.CLOSED
    call.save()
    html = client.get(LIST).content.decode()
    assert create not in html and "can be read but not changed" in html


def test_it_shows_the_latest_text_with_a_warning_until_a_version_is_validated(resource, client):
    html = client.get(PAGE).content.decode()
    assert "Not yet reviewed" in html
    assert '<h1 id="carte">Carte</h1>' in html
    assert 'rel="license"' in html and "Licence Ouverte / Open Licence 2.0" in html
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in html
    assert "<aside" in html and "Credits and reuse" in html


def test_it_shows_the_stable_version_and_counts_the_changes_waiting(
    resource, charlie, rita, client
):
    approve(resource.latest_version, rita)
    editing.edit_resource(
        resource=resource,
        author=charlie,
        content=BASE.replace("Premier", "Nouveau"),
        base_version=1,
    )
    grow(resource, charlie, 1)
    html = client.get(PAGE).content.decode()
    assert "Premier paragraphe." in html and "Nouveau paragraphe." not in html
    assert "2 changes waiting for review" in html
    assert f"/calls/eau/resources/{SLUG}/versions/3/" in html
    assert f"/calls/eau/resources/{SLUG}/diff/?from=1&amp;to=3" in html
    assert "Not yet reviewed" not in html


def test_it_leads_from_the_call_to_the_resource_in_breadcrumbs(resource, client):
    html = client.get(PAGE).content.decode()
    crumbs = html[
        html.index('class="breadcrumbs') : html.index("</nav>", html.index('class="breadcrumbs'))
    ]
    assert "Eau et territoires" in crumbs and "Nappes phréatiques" in crumbs
    assert '<li aria-current="page">Carte des puits</li>' in crumbs


@pytest.mark.parametrize("status", [Call.Status.CLOSED, Call.Status.ARCHIVED])
@pytest.mark.parametrize("url", [PAGE, f"{PAGE}history/", f"{PAGE}versions/1/"])
def test_it_keeps_closed_calls_readable_and_says_why_they_cannot_be_edited(
    resource, client, bob, status, url
):
    resource.call.status = status
    resource.call.save()
    client.force_login(bob)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Read-only:" in html and "can be read but not changed" in html
    assert f"{PAGE}edit/" not in html and "/restore/" not in html
    response = client.get(f"{PAGE}edit/", follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "can be read but not changed" in response.content.decode()


def test_it_hides_draft_calls_resources_from_others(olga, bob, client):
    from tests.conftest import make_call

    draft = make_call(olga, slug="brouillon", status=Call.Status.DRAFT)
    draft.status = Call.Status.OPEN
    draft.save()
    editing.create_resource(call=draft, author=olga, title="Secret", content="x")
    draft.status = Call.Status.DRAFT
    draft.save()
    assert client.get("/calls/brouillon/resources/secret/").status_code == 404
    client.force_login(bob)
    assert client.get("/calls/brouillon/resources/").status_code == 404
    assert client.get("/calls/brouillon/resources/secret/").status_code == 404
    client.force_login(olga)
    assert client.get("/calls/brouillon/resources/secret/").status_code == 200
    client.force_login(bob)  # the steward's visit cached the page: still not bob's to read
    assert client.get("/calls/brouillon/resources/secret/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/calls/eau/resources/scriptalert1script/",
        "/calls/eau/resources/scriptalert1script/history/",
        LIST,
        "/calls/eau/changes/",
    ],
)
def test_it_escapes_titles_and_summaries(call, bob, client, url):
    version = editing.create_resource(
        call=call, author=bob, title="<script>alert(1)</script>", content="x", comment="<b>c</b>"
    )
    assert version.resource.get_absolute_url() == "/calls/eau/resources/scriptalert1script/"
    html = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("page", ["", "versions/1/", "edit/"])
def test_it_keeps_page_ids_apart_from_the_texts_heading_ids(call, bob, client, page):
    import re
    from collections import Counter

    text = "".join(f"## {h}\n\nx\n\n" for h in ("Resource title", "Preview title", "Reviews"))
    resource = editing.create_resource(call=call, author=bob, title="Ids", content=text).resource
    client.force_login(bob)
    html = client.get(f"{resource.get_absolute_url()}{page}").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
