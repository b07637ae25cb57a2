"""Threads and posts over the API: anchoring, resolving, moderation, mentions, bad input."""

import pytest

from appel.models import AuditEntry, Call
from contributions import discussing
from contributions.models import Notification, Post
from tests.conftest import client_for

from .conftest import RES


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_it_opens_a_thread_about_a_passage(resource, charlie, api):
    answer = client_for(charlie).post(
        f"{RES}/threads",
        {"title": "Une question", "body": "Pourquoi *ici* ?", "version": 1, "quote": "mal connus"},
        format="json",
    )
    assert answer.status_code == 201
    thread = answer.json()
    assert set(thread) >= {"id", "title", "author", "body_html", "version", "quote", "resolved"}
    assert (thread["version"], thread["quote"], thread["author"]) == (1, "mal connus", "charlie")
    assert "<em>ici</em>" in thread["body_html"] and thread["posts_count"] == 1
    assert not thread["resolved"]
    listed = api.get(f"{RES}/threads").json()["results"]
    assert [t["id"] for t in listed] == [thread["id"]]
    assert listed[0]["body_html"] == thread["body_html"]


def test_it_keeps_call_threads_and_resource_threads_apart(resource, thread, api, charlie):
    forum = client_for(charlie).post(
        "/api/v1/calls/eau/threads", {"title": "Forum", "body": "Bonjour"}, format="json"
    )
    assert forum.status_code == 201 and forum.json()["resource"] is None
    assert api.get(f"/api/v1/calls/eau/threads/{thread.pk}").status_code == 404
    assert api.get(f"{RES}/threads/{forum.json()['id']}").status_code == 404
    assert [t["title"] for t in api.get("/api/v1/calls/eau/threads").json()["results"]] == ["Forum"]


def test_it_replies_in_order(thread, bob, rita, api):
    for client, body in ((client_for(bob), "Par nappe."), (client_for(rita), "D'accord.")):
        assert (
            client.post(
                f"{RES}/threads/{thread.pk}/posts", {"body": body}, format="json"
            ).status_code
            == 201
        )
    detail = api.get(f"{RES}/threads/{thread.pk}").json()
    assert [p["author"] for p in detail["posts"]] == ["charlie", "bob", "rita"]
    assert detail["posts_count"] == 3
    assert set(detail["posts"][0]) >= {"id", "author", "body_html", "created_at", "hidden"}


def test_it_lets_the_author_and_stewards_resolve(thread, charlie, alice, bob):
    url = f"{RES}/threads/{thread.pk}"
    assert client_for(bob).patch(url, {"resolved": True}, format="json").status_code == 403
    assert client_for(charlie).patch(url, {"resolved": True}, format="json").json()["resolved"]
    answer = client_for(alice).patch(url, {"resolved": False}, format="json")
    assert answer.status_code == 200 and not answer.json()["resolved"]
    bad = client_for(charlie).patch(url, {"resolved": "yes"}, format="json")
    assert bad.status_code == 400


def test_it_hides_a_post_for_all_but_stewards_with_a_reason_in_the_audit_log(
    thread, alice, bob, api
):
    post = thread.posts.get()
    url = f"{RES}/threads/{thread.pk}/posts/{post.pk}/hide"
    assert client_for(bob).post(url, {"reason": "Hors sujet"}, format="json").status_code == 403
    assert client_for(alice).post(url, {"reason": ""}, format="json").status_code == 400
    answer = client_for(alice).post(url, {"reason": "Hors sujet"}, format="json")
    assert answer.status_code == 200 and answer.json()["hidden"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.POST_HIDDEN)
    assert entry.actor == alice and entry.details["reason"] == "Hors sujet"
    public = api.get(f"{RES}/threads/{thread.pk}").json()
    assert public["posts"][0]["body_html"] == "" and public["posts"][0]["hidden"]
    assert public["body_html"] == ""
    steward = client_for(alice).get(f"{RES}/threads/{thread.pk}").json()
    assert "Par commune" in steward["posts"][0]["body_html"]
    assert steward["posts"][0]["hidden_reason"] == "Hors sujet"
    page = api.get(f"/calls/eau/resources/carte-des-puits/threads/{thread.pk}/")
    assert "Par commune" not in page.content.decode()


def test_it_marks_an_edited_post(thread, charlie, bob):
    post = thread.posts.get()
    with pytest.raises(discussing.PermissionDenied):
        discussing.edit_post(post=post, author=bob, body="Non")
    discussing.edit_post(post=post, author=charlie, body="Par nappe, plutôt.")
    post.refresh_from_db()
    assert post.edited_at is not None and "Par nappe" in post.body_html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"body": ""}, 400),
        ({"body": "   "}, 400),
        ({"body": "x" * 1_000_000}, 400),
        ({"body": ["a"]}, 400),
        ({}, 400),
        (["body"], 400),
    ],
    ids=["empty", "blank", "1MB", "not-text", "missing", "list"],
)
def test_it_refuses_bad_posts_clearly(thread, bob, body, expected):
    answer = client_for(bob).post(f"{RES}/threads/{thread.pk}/posts", body, format="json")
    assert answer.status_code == expected
    assert answer.json()["detail"]
    assert Post.objects.count() == 1


def test_it_refuses_bad_threads_clearly(resource, bob):
    client = client_for(bob)
    for body in (
        {"title": "", "body": "x"},
        {"title": "x" * 201, "body": "x"},
        {"title": "T", "body": "x", "version": 99},
        {"title": "T", "body": "a\x00b"},
    ):
        answer = client.post(f"{RES}/threads", body, format="json")
        assert answer.status_code == 400, body
        assert answer.json()["detail"]


def test_it_refuses_lone_surrogates_without_a_500(resource, bob):
    for raw in ('{"title": "\\ud800", "body": "x"}', '{"title": "T", "body": "\\udfff x"}'):
        answer = client_for(bob).post(f"{RES}/threads", raw, content_type="application/json")
        assert answer.status_code == 400, raw
        assert "surrogate" in answer.json()["detail"].lower()


def test_it_answers_404_for_unknown_threads_and_posts(thread, alice, api):
    for url in (
        f"{RES}/threads/999999",
        f"{RES}/threads/99999999999999999999",
        f"/api/v1/calls/nope/threads/{thread.pk}",
    ):
        assert api.get(url).status_code == 404, url
    hide = client_for(alice).post(
        f"{RES}/threads/{thread.pk}/posts/999999/hide", {"reason": "x"}, format="json"
    )
    assert hide.status_code == 404
    assert api.get("/calls/eau/resources/carte-des-puits/threads/999999/").status_code == 404


def test_it_keeps_an_archived_calls_discussions_read_only(thread, call, bob):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ARCHIVED)
    answer = client_for(bob).post(f"{RES}/threads/{thread.pk}/posts", {"body": "x"}, format="json")
    assert answer.status_code == 409


def test_it_hides_a_drafts_threads_from_all_but_its_stewards(thread, call, bob, alice):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DRAFT)
    for url in (f"{RES}/threads", f"{RES}/threads/{thread.pk}", "/api/v1/calls/eau/threads"):
        assert client_for(bob).get(url).status_code == 404, url
        assert client_for(alice).get(url).status_code == 200, url
    assert client_for(bob).put(f"{RES}/watch").status_code == 404
    assert client_for(bob).put("/api/v1/calls/eau/watch").status_code == 404
    page = client_for(bob).get(f"/calls/eau/resources/carte-des-puits/threads/{thread.pk}/")
    assert page.status_code == 404
