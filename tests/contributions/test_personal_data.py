"""A person's data: the JSON download, and deleting the account with either choice of credit."""

import json

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from appel.models import AuditEntry, Membership, User, UserSession
from contributions import attribution, discussing, exports, personal_data
from contributions.models import Notification, Post, Thread, Watch
from contributions.reviewing import record_review
from resources import files
from resources.models import FileRevision
from tests.conftest import PASSWORD
from tests.resources.samples import image_bytes, upload

from .conftest import append


@pytest.fixture
def written(resource, bob, charlie, rita):
    """bob wrote the resource, charlie added a paragraph, rita reviewed charlie's version."""
    version = append(resource, charlie, "Le paragraphe de Charlie.")
    record_review(version=version, reviewer=rita, verdict="comment", comment="Note de Rita.")
    resource.refresh_from_db()
    return resource


def _signed_in(user):
    """Signed in through the login page, as a browser is (its name is what the list shows)."""
    client = Client(HTTP_USER_AGENT="Firefox de test")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


# Export


def test_the_export_holds_what_the_person_wrote(written, charlie):
    client = _signed_in(charlie)
    response = client.get("/accounts/profile/data.json")
    assert response["Content-Disposition"] == 'attachment; filename="appel-a-communs-charlie.json"'
    data = json.loads(response.content)
    assert data["account"]["username"] == "charlie"
    assert data["account"]["email"] == "charlie@example.org"
    [version] = data["versions"]
    assert (version["resource"], version["number"]) == (written.slug, 2)
    assert version["words_written"].strip() == "Le paragraphe de Charlie."
    assert data["sessions"][0]["browser"] == "Firefox de test"


def test_the_export_holds_nothing_of_others_private_data(written, charlie, rita, bob, alice):
    _signed_in(rita)  # rita's session
    text = _signed_in(charlie).get("/accounts/profile/data.json").content.decode()
    for private in ("bob@example.org", "rita@example.org", "alice@example.org", "Note de Rita"):
        assert private not in text
    assert len(json.loads(text)["sessions"]) == 1


def test_a_reviewers_export_holds_their_reviews_and_roles(written, rita):
    data = personal_data.export_data(rita)
    assert [r["comment"] for r in data["reviews"]] == ["Note de Rita."]
    assert data["roles"] == [
        {"call": "eau", "role": "reviewer", "since": data["roles"][0]["since"]}
    ]


def test_the_export_is_for_the_signed_in_person_only(db):
    assert Client().get("/accounts/profile/data.json").status_code == 302


# Deletion


def _delete(user, choice, password=PASSWORD):
    client = _signed_in(user)
    return client, client.post("/accounts/delete/", {"credits": choice, "password": password})


@pytest.mark.parametrize(("choice", "name"), [("keep", "Charlie"), ("former", None)])
def test_deleting_keeps_the_contributions_credited_as_chosen(written, charlie, choice, name):
    token = Token.objects.create(user=charlie)
    other_browser = _signed_in(charlie)
    client, response = _delete(charlie, choice)
    assert response["Location"] == "/"
    charlie.refresh_from_db()
    name = name or f"former contributor no. {charlie.pk}"
    # The account is closed: no e-mail, no password, no sessions, no token.
    assert (charlie.is_active, charlie.email, charlie.has_usable_password()) == (False, "", False)
    assert not UserSession.objects.filter(user=charlie).exists()
    assert not Token.objects.filter(pk=token.pk).exists()
    assert other_browser.get("/accounts/profile/").status_code == 302
    assert client_for_token(token.key).get("/api/v1/me").status_code == 401
    # The text and its credits stay.
    credit = attribution.attribution_for(written)
    assert name in [c.user.name for c in credit.contributors]
    assert name in credit.credit()
    page = Client().get(f"{written.get_absolute_url()}attribution/").content.decode()
    assert name in page
    api = Client().get(f"/api/v1/calls/eau/resources/{written.slug}/attribution").json()
    assert name in [c["display_name"] for c in api["contributors"]]
    markdown = exports.export_response(written, written.latest_version, "md").content.decode()
    assert name in markdown
    if choice == "former":
        assert "Charlie" not in page and "charlie" not in json.dumps(api)
        assert charlie.username == f"former-contributor-{charlie.pk}"


def client_for_token(key):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_former_name_reads_in_the_readers_language(written, charlie):
    _delete(charlie, "former")
    charlie.refresh_from_db()
    page = Client(headers={"accept-language": "fr"}).get(
        f"{written.get_absolute_url()}attribution/"
    )
    assert f"ancien contributeur n°{charlie.pk}" in page.content.decode()


def test_the_audit_log_keeps_the_deletion_and_the_roles_ended(written, rita, alice):
    _delete(rita, "keep")
    actions = list(
        AuditEntry.objects.filter(actor=rita).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [AuditEntry.Action.MEMBER_REMOVED, AuditEntry.Action.ACCOUNT_DELETED]
    assert not Membership.objects.filter(user=rita).exists()


def test_a_last_funder_hands_the_call_over_first(written, alice):
    client, response = _delete(alice, "keep")
    assert response.status_code == 200
    assert "You are the last funder of the call “Eau et territoires”" in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active and alice.email


def test_a_wrong_password_deletes_nothing(written, charlie):
    client, response = _delete(charlie, "former", password="wrong")
    assert response.status_code == 200
    assert "This is not your password." in response.content.decode()
    assert User.objects.get(pk=charlie.pk).is_active


def test_a_former_contributors_page_stays(written, charlie, alice):
    _delete(charlie, "former")
    charlie.refresh_from_db()
    response = Client().get(f"/users/{charlie.username}/")
    assert response.status_code == 200
    assert f"former contributor no. {charlie.pk}" in response.content.decode()


# Discussions, watches, notifications, files


@pytest.fixture
def talked(written, alice, bob, charlie, django_capture_on_commit_callbacks):
    """charlie opened a thread (one post hidden), bob answered him, charlie uploaded a file."""
    User.objects.filter(pk=charlie.pk).update(email_notifications="never", language="fr")
    User.objects.filter(pk=bob.pk).update(email_notifications="never", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        thread = discussing.start_thread(
            call=written.call,
            resource=written,
            author=charlie,
            title="Recenser comment ?",
            body="Par commune ?",
        )
        hidden = discussing.add_post(thread=thread, author=charlie, body="Un message déplacé.")
        discussing.hide_post(post=hidden, actor=alice, reason="Raison de modération")
        discussing.add_post(thread=thread, author=bob, body="@charlie Réponse de bob.")
    files.upload_file(resource=written, uploader=charlie, upload=upload("puits.png", image_bytes()))
    return thread


def test_the_export_holds_their_discussions_watches_notifications_and_files(talked, charlie):
    with translation.override("en"):
        data = personal_data.export_data(User.objects.get(pk=charlie.pk))
    assert [t["title"] for t in data["threads"]] == ["Recenser comment ?"]
    assert [(p["body"], p["hidden"]) for p in data["posts"]] == [
        ("Par commune ?", False),
        ("Un message déplacé.", True),
    ]
    assert [(w["call"], w["resource"]) for w in data["watches"]] == [("eau", talked.resource.slug)]
    [notice] = data["notifications"]
    assert notice["kind"] == "mention"
    assert notice["text"] == "Bob mentioned you in “Recenser comment ?”."
    assert notice["url"].startswith(talked.get_absolute_url())
    assert data["preferences"] == {"email_notifications": "never", "language": "fr"}
    [upload_] = data["files"]
    assert (upload_["name"], upload_["revision"], upload_["content_type"]) == (
        "puits.png",
        1,
        "image/png",
    )
    assert upload_["size"] > 0 and len(upload_["sha256"]) == 64


def test_the_export_holds_none_of_the_others_discussion_data(talked, bob, charlie):
    text = _signed_in(charlie).get("/accounts/profile/data.json").content.decode()
    # bob's post, his notifications, his preferences; the steward's moderation reason.
    for private in ("Réponse de bob", "Charlie opened", "a ouvert", "bob@example.org"):
        assert private not in text
    assert "Raison de modération" not in text
    data = json.loads(text)
    assert data["preferences"]["language"] == "fr"
    assert len(data["notifications"]) == Notification.objects.filter(recipient=charlie).count()
    assert {w["resource"] for w in data["watches"]} == {talked.resource.slug}
    assert len(data["posts"]) == 2


def test_deleting_keeps_the_posts_and_files_and_drops_watches_and_notifications(
    talked, bob, charlie
):
    assert Notification.objects.filter(recipient=charlie).exists()
    _delete(charlie, "former")
    charlie.refresh_from_db()
    assert Post.objects.filter(author=charlie).count() == 2
    assert Thread.objects.filter(author=charlie).count() == 1
    assert FileRevision.objects.filter(uploaded_by=charlie).count() == 1
    assert not Watch.objects.filter(user=charlie).exists()
    assert not Notification.objects.filter(recipient=charlie).exists()
    assert charlie.unread_notifications == 0
    # What told the others of charlie's words stays theirs.
    assert Notification.objects.filter(recipient=bob, actor=charlie).exists()
    page = Client().get(talked.get_absolute_url()).content.decode()
    assert "Par commune ?" in page and f"former contributor no. {charlie.pk}" in page
