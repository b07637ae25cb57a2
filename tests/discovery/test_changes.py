"""Recent changes, site-wide and per call: every kind, the filters, keyset pages, drafts hidden."""

import pytest
from rest_framework.test import APIClient

from contributions import activity
from resources import editing
from tests.conftest import client_for, web_client


def kinds_and_who(results):
    return [(r["kind"], r["user"]) for r in results]


def test_it_lists_edits_reviews_and_posts_newest_first(world, api):
    body = api.get("/api/v1/changes").json()
    assert body["count"] == 7
    assert kinds_and_who(body["results"]) == [
        ("edit", "charlie"),  # Sols vivants v1
        ("thread", "bob"),  # the forum's welcome
        ("thread", "bob"),  # the reply
        ("thread", "charlie"),  # the thread's start
        ("review", "rita"),
        ("edit", "charlie"),  # Carte v2
        ("edit", "bob"),  # Carte v1
    ]
    review = body["results"][4]
    assert review["url"].endswith(
        f"/calls/eau/resources/carte-des-puits/versions/2/review/#review-{world['review'].pk}"
    )
    assert (review["call"], review["resource"]["slug"], review["version"]) == (
        "eau",
        "carte-des-puits",
        2,
    )
    assert review["verdict"] == "approve" and review["state"] == "validated"
    edit = body["results"][5]
    assert (edit["number"], edit["comment"], edit["author"], edit["parent_number"]) == (
        2,
        "recensement",
        "charlie",
        1,
    )
    post = body["results"][2]
    assert post["thread"] == {"id": world["thread"].pk, "title": "Par commune ?"}
    assert post["url"].endswith(f"/threads/{world['thread'].pk}/#post-{world['reply'].pk}")
    assert body["results"][1]["resource"] is None  # the call's forum


def test_the_page_shows_every_kind_with_its_links(world, client):
    html = client.get("/changes/").content.decode()
    assert "Version 2" in html and "Review of version 2" in html
    assert "New thread “Par commune ?”" in html and "Reply in “Par commune ?”" in html
    assert "/calls/eau/resources/carte-des-puits/diff/?from=1&amp;to=2" in html
    assert 'href="/users/rita/"' in html
    assert "Plan caché" not in html


@pytest.mark.parametrize("who", [None, "bob", "rita", "olga"])
def test_a_draft_call_is_hidden_from_all_but_its_stewards(world, who, request):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user) if user else APIClient()
    results = client.get("/api/v1/changes").json()["results"]
    assert "secret" not in {r["call"] for r in results}
    assert "Plan caché" not in web_client(user).get("/changes/").content.decode()
    assert web_client(user).get("/calls/secret/changes/").status_code == 404
    assert client.get("/api/v1/calls/secret/changes").status_code == 404


def test_its_stewards_see_the_draft(world, alice):
    results = client_for(alice).get("/api/v1/changes").json()["results"]
    assert "Plan caché" in [r["resource"]["title"] for r in results if r["resource"]]
    assert web_client(alice).get("/calls/secret/changes/").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("user=bob", [("thread", "bob"), ("thread", "bob"), ("edit", "bob")]),
        ("kind=review", [("review", "rita")]),
        ("kind=edit&user=charlie", [("edit", "charlie"), ("edit", "charlie")]),
        ("unreviewed=1", [("edit", "charlie")]),  # Sols vivants: v1 of Carte is older than v2
        ("unreviewed=1&kind=thread", []),
        (
            "challenge=nappes",
            [("thread", "bob"), ("thread", "charlie"), ("review", "rita")]
            + [("edit", "charlie"), ("edit", "bob")],
        ),
        ("challenge=sols&kind=edit", [("edit", "charlie")]),
    ],
)
def test_it_filters(world, api, query, expected):
    for base in ("/api/v1/changes", "/api/v1/calls/eau/changes"):
        body = api.get(f"{base}?{query}").json()
        assert kinds_and_who(body["results"]) == expected, base
        assert body["count"] == len(expected)


def test_the_page_filters_the_same_way_and_keeps_the_form(world, client):
    response = client.get("/calls/eau/changes/?user=bob&kind=thread")
    assert [(c.kind, c.user.username) for c in response.context["page"]] == [
        ("thread", "bob"),
        ("thread", "bob"),
    ]
    html = response.content.decode()
    assert 'name="user" value="bob"' in html
    assert '<option value="thread" selected>' in html
    assert '<option value="nappes">' in html  # the call's défis to choose from


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("user=nobody", "user"),
        ("challenge=inconnu", "challenge"),
        ("kind=vote", "kind"),
        ("unreviewed=peut-etre", "unreviewed"),
    ],
)
def test_bad_filters_are_explained(world, api, client, query, field):
    response = api.get(f"/api/v1/changes?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] and field in response.json()["errors"]
    response = client.get(f"/calls/eau/changes/?{query}")
    assert response.status_code == 400
    assert "These filters cannot be applied" in response.content.decode()


def test_a_challenge_of_another_call_is_unknown_in_this_one(world, other_call, api):
    other_call.challenges.create(slug="velo", title="Vélo")
    assert api.get("/api/v1/calls/eau/changes?challenge=velo").status_code == 400
    assert api.get("/api/v1/changes?challenge=velo").status_code == 200


@pytest.mark.parametrize(
    "cursor", ["x", "1-edit", "1-vote-2", "99999999999999999999-edit-1", "1-edit-0"]
)
def test_a_damaged_page_link_is_a_clear_400(world, client, cursor):
    response = client.get(f"/changes/?before={cursor}")
    assert response.status_code == 400
    assert "damaged" in response.content.decode()


def test_keyset_pages_cover_everything_once_and_keep_the_filters(world, client, monkeypatch):
    monkeypatch.setattr(activity, "PAGE_SIZE", 2)
    seen, url = [], "/changes/?kind=thread&user=bob"
    first = client.get("/changes/")
    assert first.context["page"].newer is None
    response = client.get(url)
    while True:
        page = response.context["page"]
        seen += [(c.kind, c.pk) for c in page]
        if not page.older:
            break
        html = response.content.decode()
        assert f"before={page.older}" in html and "kind=thread" in html and "user=bob" in html
        response = client.get(f"{url}&before={page.older}")
        back = client.get(f"{url}&after={response.context['page'].newer}").context["page"]
        assert [(c.kind, c.pk) for c in back] == seen[-2:]
    assert seen == [("thread", world["forum"].posts.get().pk), ("thread", world["reply"].pk)]


def test_every_change_is_on_exactly_one_page(world, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    everything = activity.page(viewer=AnonymousUser(), filters=activity.Filters(), size=50)
    seen, before = [], None
    while True:
        page = activity.page(
            viewer=AnonymousUser(), filters=activity.Filters(), before=before, size=3
        )
        seen += [(c.kind, c.pk) for c in page]
        if not page.older:
            break
        before = activity.parse_cursor(page.older, field="before")
    assert seen == [(c.kind, c.pk) for c in everything] and len(seen) == 7


def test_api_pages_are_numbered_and_keep_the_filters(world, api):
    body = api.get("/api/v1/changes?kind=thread&page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "kind=thread" in body["next"] and "page=2" in body["next"]
    assert len(api.get(body["next"]).json()["results"]) == 1
    assert api.get("/api/v1/changes?page=99").status_code == 404


def grow(world, bob, charlie, call, n):
    """n more of each kind: edits, reviews (by rita), posts."""
    from appel.models import User
    from contributions import discussing, reviewing

    rita = User.objects.get(username="rita")
    carte = world["carte"]
    for i in range(n):
        carte.refresh_from_db()
        version = editing.edit_resource(
            resource=carte,
            author=bob if i % 2 else charlie,
            content=f"{carte.content}\nAjout {i}.\n",
            base_version=carte.latest_version.number,
        ).version
        reviewing.record_review(version=version, reviewer=rita, verdict="comment", comment="Vu.")
        discussing.add_post(thread=world["thread"], author=charlie, body=f"Message {i}")


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/changes/", 4),  # the page's keys, then its rows of each kind
        ("/calls/eau/changes/", 7),  # + the call's state (its ETag), the call, its défis
        # + the person, the défi; bob's kinds there: edits and posts
        ("/calls/eau/changes/?user=bob&challenge=nappes", 8),
        ("/api/v1/changes", 5),  # + a count
        ("/api/v1/calls/eau/changes?kind=edit&user=bob", 5),  # call, person, count, keys, rows
    ],
)
def test_it_reads_a_page_in_a_fixed_number_of_queries(
    world, bob, charlie, call, client, url, queries, django_assert_num_queries
):
    for size in (0, 6):
        grow(world, bob, charlie, call, size)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_a_signed_in_reader_costs_the_session_and_user_only(
    world, charlie, django_assert_max_num_queries
):
    client = web_client(charlie)
    client.get("/changes/")
    with django_assert_max_num_queries(8):
        assert client.get("/calls/eau/changes/").status_code == 200


@pytest.mark.parametrize("field", ["user", "challenge", "kind", "unreviewed"])
def test_hostile_filters_are_400_never_500(world, api, client, field):
    for value in ("\x00", "' OR 1=1 --", "é" * 300, "%"):
        assert api.get("/api/v1/changes", {field: value}).status_code == 400
        assert client.get("/changes/", {field: value}).status_code == 400
