"""The pages: threads, the bell, the notifications page, preferences; their query counts."""

import pytest

from appel.models import User
from contributions import discussing
from contributions.models import Notification, Post

from .conftest import PAGE

THREADS = f"{PAGE}/threads/"


def test_it_opens_a_thread_about_a_sentence_from_the_page(resource, bob, client, committed):
    client.force_login(bob)
    form = client.get(f"{THREADS}new/?version=1&quote=Il+faut+les+recenser.")
    assert "About version 1 of the text." in form.content.decode()
    with committed():
        response = client.post(
            f"{THREADS}new/",
            {
                "title": "Recenser",
                "body": "Comment ?",
                "quote": "Il faut les recenser.",
                "version": 1,
            },
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<blockquote>Il faut les recenser.</blockquote>" in page
    assert f"{PAGE}/versions/1/" in page
    assert "Recenser" in client.get(f"{PAGE}/").content.decode()  # open threads on the page


def test_it_refuses_an_empty_reply_and_keeps_the_page(thread, bob, client):
    client.force_login(bob)
    response = client.post(f"{THREADS}{thread.pk}/", {"body": "  "})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert Post.objects.count() == 1


def test_it_marks_edits_and_lets_only_the_author_edit(thread, charlie, bob, client):
    post = thread.posts.get()
    client.force_login(bob)
    assert client.get(f"{THREADS}{thread.pk}/posts/{post.pk}/edit/").status_code == 403
    client.force_login(charlie)
    url = f"{THREADS}{thread.pk}/posts/{post.pk}/edit/"
    assert client.post(url, {"body": "Par nappe."}).status_code == 302
    assert "edited" in client.get(f"{THREADS}{thread.pk}/").content.decode()


def test_it_resolves_from_the_page(thread, charlie, client):
    client.force_login(charlie)
    client.post(f"{THREADS}{thread.pk}/resolve/", {"resolved": "1"})
    thread.refresh_from_db()
    assert thread.resolved
    assert (
        "Recenser comment"
        not in client.get(f"{PAGE}/")
        .content.decode()
        .split("threads-title")[1]
        .split("</section>")[0]
    )


def test_the_bell_counts_without_a_query_and_the_page_groups_by_day(
    thread, bob, charlie, client, committed, django_assert_num_queries
):
    with committed():
        discussing.add_post(thread=thread, author=charlie, body="@bob ?")
    client.force_login(bob)
    with django_assert_num_queries(2):  # the session, the user (with its unread count)
        home = client.get("/accounts/password_change/").content.decode()
    assert '<span class="bell-count">2</span>' in home
    with django_assert_num_queries(4):  # session, user, a count, one page of notifications
        page = client.get("/notifications/").content.decode()
    assert page.count('<h2 id="day-') == 1 and "mentioned you" in page
    mention = Notification.objects.get(recipient=bob, kind="mention")
    response = client.post(
        "/notifications/read/", {"id": mention.pk, "next": f"{THREADS}{thread.pk}/"}
    )
    assert response["Location"] == f"{THREADS}{thread.pk}/"
    assert User.objects.get(pk=bob.pk).unread_notifications == 1
    client.post("/notifications/read/")
    assert '<span class="bell-count">' not in client.get("/notifications/").content.decode()


def test_it_saves_preferences_from_the_profile(bob, client):
    client.force_login(bob)
    page = client.get("/accounts/profile/").content.decode()
    assert 'id="email-preferences"' in page
    client.post(
        "/notifications/preferences/", {"email_notifications": "immediate", "language": "en"}
    )
    bob.refresh_from_db()
    assert (bob.email_notifications, bob.language) == ("immediate", "en")


def test_the_page_is_french_by_default(thread, client, settings):
    settings.LANGUAGE_CODE = "fr"
    page = client.get(f"{THREADS}{thread.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Répondre" in page and "Dans la version 1 du texte" in page


@pytest.mark.parametrize("posts", [3, 200])
def test_a_thread_page_costs_the_same_whatever_its_length(
    thread, bob, client, posts, django_assert_num_queries
):
    Post.objects.bulk_create(
        [
            Post(thread=thread, author=bob, body=f"Réponse {n}", body_html=f"<p>Réponse {n}</p>")
            for n in range(posts)
        ]
    )
    with django_assert_num_queries(4):  # the call, its roles, the thread, its posts
        assert client.get(f"{THREADS}{thread.pk}/").status_code == 200


def test_marking_read_never_sends_elsewhere(thread, bob, client, committed):
    with committed():
        discussing.add_post(thread=thread, author=thread.author, body="@bob ?")
    client.force_login(bob)
    mention = Notification.objects.get(recipient=bob, kind="mention")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/notifications/read/", {"id": mention.pk, "next": target})
        assert response["Location"] == "/notifications/", target
