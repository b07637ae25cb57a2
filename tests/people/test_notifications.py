"""Who is told of what, in the site and by e-mail (contributions/notifying.py, tasks.py)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from appel.models import Call, User
from contributions import discussing, notifying, reviewing
from contributions.models import Notification, Watch
from resources import editing, teams
from tests.conftest import client_for


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def unread(user):
    return User.objects.get(pk=user.pk).unread_notifications


def edit(resource, author, extra):
    resource.refresh_from_db()
    return editing.edit_resource(
        resource=resource,
        author=author,
        content=resource.content + f"\n{extra}\n",
        base_version=resource.latest_version.number,
    ).version


def test_it_watches_what_one_creates_edits_joins_or_posts_in(
    resource, thread, bob, charlie, rita, victor, committed
):
    with committed():
        edit(resource, rita, "Une phrase de rita.")
        teams.join(resource=resource, user=victor)
    watching = set(Watch.objects.filter(resource=resource).values_list("user__username", flat=True))
    assert watching == {"bob", "charlie", "rita", "victor"}


def test_it_tells_watchers_of_a_new_version_but_never_its_author(resource, bob, charlie, committed):
    notifying.watch(user=charlie, call=resource.call, resource=resource)
    with committed():
        version = edit(resource, bob, "Encore.")
    assert kinds(charlie) == ["new_version"] and kinds(bob) == []
    notice = Notification.objects.get(recipient=charlie)
    assert notice.version == version and notice.actor == bob
    assert unread(charlie) == 1


def test_it_tells_the_call_watchers_of_a_new_commun(call, bob, charlie, committed):
    notifying.watch(user=charlie, call=call)
    with committed():
        editing.create_resource(call=call, author=bob, title="Nouveau", content="Texte.")
    notice = Notification.objects.get(recipient=charlie)
    assert notice.kind == "new_version"
    assert "proposed a new commun" in notifying.text_of(notice)


def test_it_tells_the_team_who_joined(resource, bob, charlie, committed):
    with committed():
        teams.join(resource=resource, user=charlie)
    assert kinds(bob) == ["joined"] and kinds(charlie) == []


def test_it_tells_watchers_of_threads_and_replies(resource, bob, charlie, rita, committed):
    with committed():
        thread = discussing.start_thread(
            call=resource.call, resource=resource, author=charlie, title="T", body="Question"
        )
    assert kinds(bob) == ["thread"] and kinds(charlie) == []
    with committed():
        discussing.add_post(thread=thread, author=bob, body="Réponse")
    assert kinds(charlie) == ["reply"] and kinds(bob) == ["thread"]


def test_it_tells_the_mentioned_once_and_skips_unknown_names_and_oneself(
    thread, bob, charlie, rita, committed
):
    with committed():
        discussing.add_post(
            thread=thread,
            author=charlie,
            body="@rita et @bob, voyez ; @personne, @charlie, (@rita).",
        )
    assert kinds(rita) == ["mention"]
    assert kinds(bob) == ["mention", "thread"]  # the mention replaces the reply
    assert kinds(charlie) == []
    assert "mentioned you" in notifying.text_of(Notification.objects.get(recipient=rita))


def test_it_withdraws_what_a_hidden_post_said_and_never_tells_of_a_hidden_one(
    thread, alice, rita, committed
):
    with committed():
        post = discussing.add_post(thread=thread, author=alice, body="@rita regarde.")
    assert kinds(rita) == ["mention"] and unread(rita) == 1
    discussing.hide_post(post=post, actor=alice, reason="Erreur")
    assert kinds(rita) == [] and unread(rita) == 0
    # A task that runs late (a worker's queue) finds the post hidden: nothing is told.
    from contributions import tasks

    tasks.notify_post.call(post.pk)
    assert kinds(rita) == []


def test_it_tells_authors_of_reviews_and_validation(resource, bob, alice, rita, committed):
    with committed():
        reviewing.record_review(
            version=resource.latest_version, reviewer=rita, verdict="comment", comment="Bien"
        )
    assert kinds(bob) == ["review"]
    with committed():
        reviewing.record_review(version=resource.latest_version, reviewer=alice, verdict="approve")
    assert kinds(bob) == ["review", "validated"]
    assert kinds(rita) == [] and kinds(alice) == []


def test_it_tells_nobody_but_stewards_of_a_drafts_objects(
    resource, call, alice, charlie, committed
):
    for user in (alice, charlie):
        notifying.watch(user=user, call=call, resource=resource)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DRAFT)
    resource.call.refresh_from_db()
    from contributions import tasks

    version = edit_in_draft(resource, resource.created_by)
    tasks.notify_version.call(version.pk, resource.created_by.pk)
    assert kinds(charlie) == [] and kinds(alice) == ["new_version"]
    assert client_for(charlie).get("/api/v1/me/notifications").json()["count"] == 0


def edit_in_draft(resource, author):
    """A version saved while the call is a draft (the editing module refuses it: write it)."""
    Call.objects.filter(pk=resource.call_id).update(status=Call.Status.OPEN)
    version = edit(resource, author, "En brouillon.")
    Call.objects.filter(pk=resource.call_id).update(status=Call.Status.DRAFT)
    return version


def test_it_serves_notifications_and_marks_them_read(resource, thread, bob, charlie, committed):
    with committed():
        discussing.add_post(thread=thread, author=charlie, body="@bob ?")
        edit(resource, charlie, "Encore.")
    client = client_for(bob)
    answer = client.get("/api/v1/me/notifications").json()
    assert answer["count"] == 3
    first = answer["results"][0]
    assert set(first) >= {"id", "kind", "created_at", "read", "text", "url", "actor", "call"}
    assert {"resource", "version"} <= set(first)
    assert (first["kind"], first["actor"], first["version"]) == ("new_version", "charlie", 2)
    assert first["url"].startswith("http://testserver/calls/eau/resources/carte-des-puits/")
    assert (
        client.post(
            "/api/v1/me/notifications/read", {"ids": [first["id"]]}, format="json"
        ).status_code
        == 204
    )
    assert client.get("/api/v1/me/notifications?unread=1").json()["count"] == 2
    assert unread(bob) == 2
    assert client.post("/api/v1/me/notifications/read", format="json").status_code == 204
    assert client.get("/api/v1/me/notifications?unread=1").json()["count"] == 0
    assert unread(bob) == 0
    bad = client.post("/api/v1/me/notifications/read", {"ids": "all"}, format="json")
    assert bad.status_code == 400


def test_it_shows_nobody_elses_notifications(thread, bob, charlie, committed):
    with committed():
        discussing.add_post(thread=thread, author=charlie, body="@bob ?")
    mine = Notification.objects.get(recipient=bob, kind="mention")
    client_for(charlie).post("/api/v1/me/notifications/read", {"ids": [mine.pk]}, format="json")
    mine.refresh_from_db()
    assert mine.read_at is None


def test_it_keeps_preferences(bob):
    client = client_for(bob)
    assert client.get("/api/v1/me/preferences").json()["email_notifications"] == "daily"
    answer = client.patch("/api/v1/me/preferences", {"email_notifications": "never"}, format="json")
    assert answer.status_code == 200 and answer.json()["email_notifications"] == "never"
    bad = client.patch("/api/v1/me/preferences", {"email_notifications": "hourly"}, format="json")
    assert bad.status_code == 400
    assert User.objects.get(pk=bob.pk).email_notifications == "never"


# E-mails


def test_it_sends_an_immediate_email_in_the_recipients_language_with_unsubscribe_headers(
    thread, bob, charlie, committed
):
    User.objects.filter(pk=bob.pk).update(email_notifications="immediate", language="fr")
    with committed():
        discussing.add_post(thread=thread, author=charlie, body="@bob regarde")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.org"]
    assert "vous a mentionné" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in unsubscribe
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<a href=" in html
    assert unsubscribe in message.body
    # Nothing is e-mailed twice: the digest tells of the thread bob watched, not the mention.
    User.objects.filter(pk=bob.pk).update(email_notifications="daily")
    call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 2
    assert "a ouvert la discussion" in mail.outbox[1].body
    assert "mentionné" not in mail.outbox[1].body


def test_the_digest_sends_each_notification_once(resource, thread, bob, charlie, rita, committed):
    with committed():
        discussing.add_post(thread=thread, author=charlie, body="@bob @rita ?")
        edit(resource, charlie, "Encore.")
    User.objects.filter(pk=rita.pk).update(email_notifications="never")
    call_command("send_digests", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "Carte des puits" in mail.outbox[0].body and "Recenser" in mail.outbox[0].body
    call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 1  # idempotent


def test_unsubscribing_needs_no_login_and_cannot_be_forged(bob, charlie, client):
    token = notifying.unsubscribe_token(bob)
    url = f"/notifications/unsubscribe/{token}/"
    assert client.get(url).status_code == 200  # a confirmation: a mail scanner changes nothing
    assert User.objects.get(pk=bob.pk).email_notifications == "daily"
    assert client.post(url).status_code == 200  # RFC 8058 one-click POST, no cookie, no CSRF
    assert User.objects.get(pk=bob.pk).email_notifications == "never"
    forged = token.replace(token.split(":")[0], notifying.unsubscribe_token(charlie).split(":")[0])
    for bad in (forged, "x", token[:-2] + "aa"):
        assert client.post(f"/notifications/unsubscribe/{bad}/").status_code == 400
    assert User.objects.get(pk=charlie.pk).email_notifications == "daily"


def test_the_unwatch_link_stops_watching_one_commun(resource, charlie, client):
    notifying.watch(user=charlie, call=resource.call, resource=resource)
    token = notifying.unsubscribe_token(charlie, resource=resource)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert not Watch.objects.filter(user=charlie).exists()
    assert User.objects.get(pk=charlie.pk).email_notifications == "daily"


@pytest.mark.parametrize("twice", [1, 2])
def test_tasks_are_safe_to_run_twice(resource, bob, charlie, committed, twice):
    from contributions import tasks

    notifying.watch(user=charlie, call=resource.call, resource=resource)
    with committed():
        version = edit(resource, bob, "Encore.")
    for _ in range(twice):
        tasks.notify_version.call(version.pk, bob.pk)
    assert kinds(charlie) == ["new_version"] and unread(charlie) == 1


def test_it_tells_watchers_of_a_call_and_its_communs_that_it_moved(
    resource, call, alice, bob, charlie, committed
):
    from appel.stewarding import move_status

    notifying.watch(user=charlie, call=call)  # bob watches his commun since he created it
    with committed():
        move_status(call=call, to=Call.Status.CLOSED, actor=alice)
    assert kinds(charlie) == ["call_status"] and kinds(bob) == ["call_status"]
    assert kinds(alice) == []
    text = notifying.text_of(Notification.objects.get(recipient=charlie))
    assert text == "The call “Eau et territoires” is now closed."


def test_a_failed_send_is_sent_again_by_the_next_digest(thread, bob, charlie, committed, settings):
    with committed():
        discussing.add_post(thread=thread, author=charlie, body="@bob ?")
    settings.MAILERS = {"default": {"BACKEND": "tests.people.test_notifications.BrokenMailer"}}
    call_command("send_digests", stdout=StringIO())
    assert Notification.objects.filter(recipient=bob, emailed_at__isnull=True).count() == 2
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(recipient=bob, emailed_at__isnull=True).exists()


class BrokenMailer:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the SMTP server is down")
