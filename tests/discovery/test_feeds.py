"""Atom feeds: valid Atom, drafts hidden (a draft call's feeds are 404 for everyone), capped."""

import xml.etree.ElementTree as ET

import pytest

from contributions import feeds
from resources import editing
from tests.conftest import web_client

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    """The feed's root and entries, checked as Atom: every entry has an id, a title, an update."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    return root, entries


def titles(entries):
    return [e.find(f"{ATOM}title").text for e in entries]


def test_a_calls_feed_holds_its_changes(world, client):
    _root, entries = parse(client.get("/calls/eau/changes/feed/"))
    assert titles(entries) == [
        "Sols vivants: version 1 (awaiting review)",
        "Eau et territoires: new thread “Bienvenue”",
        "Carte des puits: reply in “Par commune ?”",
        "Carte des puits: new thread “Par commune ?”",
        "Carte des puits: review of version 2 (Approve)",
        "Carte des puits: version 2 (validated, the stable version)",
        "Carte des puits: version 1 (not reviewed, older than the stable version)",
    ]


def test_a_resources_feed_marks_validated_and_waiting_versions(world, client, bob):
    carte = world["carte"]
    editing.edit_resource(
        resource=carte, author=bob, content=carte.content + "\nEncore.\n", base_version=2
    )
    _root, entries = parse(client.get("/calls/eau/resources/carte-des-puits/history/feed/"))
    assert titles(entries) == [
        "Version 3 (awaiting review)",
        "Version 2 (validated, the stable version)",
        "Version 1 (not reviewed, older than the stable version)",
    ]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/calls/eau/resources/carte-des-puits/versions/3/"


def test_a_challenges_feed_holds_the_changes_of_its_communs(world, client):
    _root, entries = parse(client.get("/calls/eau/challenges/sols/feed/"))
    assert titles(entries) == ["Sols vivants: version 1 (awaiting review)"]
    _root, entries = parse(client.get("/calls/eau/challenges/nappes/feed/"))
    assert all(t.startswith("Carte des puits") for t in titles(entries)) and len(entries) == 5
    assert client.get("/calls/eau/challenges/inconnu/feed/").status_code == 404


def test_a_persons_feed_holds_their_versions_and_reviews(world, client):
    _root, entries = parse(client.get("/users/rita/feed/"))
    assert titles(entries) == ["Carte des puits: review of version 2 (Approve)"]
    _root, entries = parse(client.get("/users/bob/feed/"))
    assert titles(entries) == [
        "Carte des puits: version 1 (not reviewed, older than the stable version)"
    ]


@pytest.mark.parametrize("who", [None, "alice", "bob"])
def test_a_draft_calls_feeds_are_404_even_for_its_stewards(world, who, request):
    client = web_client(request.getfixturevalue(who) if who else None)
    assert client.get("/calls/secret/changes/feed/").status_code == 404
    assert client.get("/calls/secret/resources/plan-cache/history/feed/").status_code == 404
    _root, entries = parse(client.get("/users/bob/feed/"))
    assert not any("Plan caché" in t for t in titles(entries))


def test_feeds_speak_the_language_of_the_request(world, client):
    response = client.get("/calls/eau/changes/feed/", headers={"accept-language": "fr"})
    root, entries = parse(response)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "Modifications récentes" in root.find(f"{ATOM}title").text
    assert "en attente de relecture" in titles(entries)[0]


def test_feeds_are_capped(world, client, bob, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    assert len(parse(client.get("/calls/eau/changes/feed/"))[1]) == 3
    assert len(parse(client.get("/calls/eau/resources/carte-des-puits/history/feed/"))[1]) == 2
    carte = world["carte"]
    for n in range(3, 6):
        carte.refresh_from_db()
        editing.edit_resource(
            resource=carte, author=bob, content=f"{carte.content}\n{n}\n", base_version=n - 1
        )
    assert len(parse(client.get("/calls/eau/resources/carte-des-puits/history/feed/"))[1]) == 3


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Each first asks the state of its ETag (appel/conditional.py): the call, or the
        # resource page's state; a person's feed reads the change stamp only, from the cache.
        ("/calls/eau/changes/feed/", 6),  # the state, the call, keys, rows of each kind
        ("/calls/eau/challenges/nappes/feed/", 7),  # + the défi
        ("/users/charlie/feed/", 3),  # the person, keys, versions
        # the state, the resource, its versions
        ("/calls/eau/resources/carte-des-puits/history/feed/", 3),
    ],
)
def test_feeds_cost_a_fixed_number_of_queries(
    world, bob, client, url, queries, django_assert_num_queries
):
    carte = world["carte"]
    for n in (0, 4):
        for _ in range(n):
            carte.refresh_from_db()
            editing.edit_resource(
                resource=carte,
                author=bob,
                content=f"{carte.content}\nx\n",
                base_version=carte.latest_version.number,
            )
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("/calls/eau/", "/calls/eau/changes/feed/"),
        ("/calls/eau/changes/", "/calls/eau/changes/feed/"),
        (
            "/calls/eau/resources/carte-des-puits/",
            "/calls/eau/resources/carte-des-puits/history/feed/",
        ),
        (
            "/calls/eau/resources/carte-des-puits/history/",
            "/calls/eau/resources/carte-des-puits/history/feed/",
        ),
        ("/users/charlie/", "/users/charlie/feed/"),
    ],
)
def test_pages_link_their_feed_in_the_head_and_visibly(world, client, url, feed):
    html = client.get(url).content.decode()
    head, body = html.split("</head>", 1)
    assert '<link rel="alternate" type="application/atom+xml" title="' in head
    assert f'href="{feed}"' in head
    assert f'class="feed-link" href="{feed}"' in body
    assert client.get(feed).status_code == 200


def test_a_draft_call_page_links_no_feed(world, alice):
    html = web_client(alice).get("/calls/secret/").content.decode()
    assert "application/atom+xml" not in html
    html = web_client(alice).get("/calls/secret/resources/plan-cache/").content.decode()
    assert "application/atom+xml" not in html


def test_what_people_typed_reaches_feed_readers_as_text(world, client, bob, rita):
    from contributions import reviewing

    carte = world["carte"]
    version = editing.edit_resource(
        resource=carte,
        author=bob,
        content=carte.content + "\nPlus.\n",
        base_version=2,
        comment='<img src=x onerror="alert(1)">',
    ).version
    reviewing.record_review(version=version, reviewer=rita, verdict="comment", comment="<b>x</b>")
    for url in ("/calls/eau/changes/feed/", "/calls/eau/resources/carte-des-puits/history/feed/"):
        _root, entries = parse(client.get(url))
        summaries = [e.find(f"{ATOM}summary").text or "" for e in entries]
        assert any("&lt;img src=x" in s for s in summaries)
        assert not any("<img" in s or "<b>" in s for s in summaries)


def test_a_challenge_page_links_its_feed_and_its_changes(world, client):
    html = client.get("/calls/eau/challenges/sols/").content.decode()
    head, body = html.split("</head>", 1)
    assert 'href="/calls/eau/challenges/sols/feed/"' in head
    assert 'class="feed-link" href="/calls/eau/challenges/sols/feed/"' in body
    assert 'href="/calls/eau/changes/?challenge=sols"' in body


def test_a_commun_answering_two_challenges_is_in_both_feeds(world, client):
    world["sols"].challenges.add(world["carte"].call.challenges.get(slug="nappes"))
    _root, entries = parse(client.get("/calls/eau/challenges/nappes/feed/"))
    assert "Sols vivants: version 1 (awaiting review)" in titles(entries)
    _root, entries = parse(client.get("/calls/eau/challenges/sols/feed/"))
    assert titles(entries) == ["Sols vivants: version 1 (awaiting review)"]
