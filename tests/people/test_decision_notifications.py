"""Publishing a cut-off tells the authors and the team of each commun decided about."""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from appel.models import Call, User
from appel.stewarding import add_cutoff
from contributions import deciding, notifying, reviewing, tasks
from contributions.models import Notification
from resources import editing, teams
from tests.conftest import client_for

DATE = datetime.date(2026, 6, 1)


def decisions_of(user):
    return list(Notification.objects.filter(recipient=user, kind=Notification.Kind.DECISION))


def unread(user):
    return User.objects.get(pk=user.pk).unread_notifications


def validated(resource, rita):
    reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    resource.refresh_from_db()
    return resource


def decide(cutoff, resource, alice, **fields):
    values = {"decision": "selected", "amount": "5000", "answer": "Retenu."} | fields
    return deciding.record_decision(
        cutoff=cutoff, resource=resource, version=resource.stable_version, actor=alice, **values
    )[0]


@pytest.fixture
def cutoff(call, alice):
    return add_cutoff(call=call, title="Relevé de juin", date=DATE, actor=alice)


@pytest.fixture
def decided(resource, cutoff, alice, charlie, rita, victor, committed):
    """bob created the commun, charlie wrote version 2, victor joined; alice selects it."""
    with committed():
        editing.edit_resource(
            resource=resource,
            author=charlie,
            content=resource.content + "\nLa phrase de charlie.\n",
            base_version=1,
        )
        teams.join(resource=resource, user=victor)
    resource.refresh_from_db()
    validated(resource, rita)
    return decide(cutoff, resource, alice)


def test_publishing_tells_authors_and_team_never_the_steward(
    decided, cutoff, alice, bob, charlie, rita, victor, committed
):
    assert not Notification.objects.filter(kind="decision").exists()  # private until published
    with committed():
        deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    for person in (bob, charlie, victor):
        [notice] = decisions_of(person)
        assert (notice.decision, notice.resource, notice.actor) == (
            decided,
            decided.resource,
            alice,
        )
    assert decisions_of(alice) == [] and decisions_of(rita) == []
    notice = decisions_of(bob)[0]
    assert notifying.text_of(notice) == (
        "Alice published the decision about “Carte des puits” (Relevé de juin): "
        "selected for funding."
    )
    with translation.override("fr"):
        assert notifying.text_of(notice) == (
            "Alice a publié la décision sur « Carte des puits » (Relevé de juin) : "
            "retenu pour financement."
        )


def test_the_api_shows_the_decision_with_the_communs_url(decided, cutoff, alice, bob, committed):
    with committed():
        deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    [item] = [
        n
        for n in client_for(bob).get("/api/v1/me/notifications").json()["results"]
        if n["kind"] == "decision"
    ]
    assert item["text"].startswith("Alice published the decision about “Carte des puits”")
    assert item["url"].endswith("/calls/eau/resources/carte-des-puits/")
    assert item["resource"] == "carte-des-puits"


def test_it_emails_the_decision_as_each_reader_asked(
    decided, cutoff, alice, bob, charlie, committed
):
    User.objects.filter(pk=bob.pk).update(email_notifications="immediate", language="fr")
    User.objects.filter(pk=charlie.pk).update(email_notifications="never")
    mail.outbox.clear()
    with committed():
        deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "a publié la décision sur « Carte des puits »" in mail.outbox[0].subject


def test_it_tells_nothing_of_a_drafts_decisions(decided, cutoff, call, alice, bob, committed):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DRAFT)
    cutoff.call.refresh_from_db()
    with committed():
        deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    assert not Notification.objects.filter(kind="decision").exists()


def test_the_fan_out_is_in_bulk_and_safe_to_run_twice(
    call, cutoff, resource, alice, bob, rita, django_assert_num_queries
):
    # bob wrote both communs: two notifications, two more unread, in as many queries as one.
    second = editing.create_resource(call=call, author=bob, title="Puits", content="Texte.")
    for each in (resource, second.resource):
        decide(cutoff, validated(each, rita), alice)
    deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    before = unread(bob)
    # The cut-off, "told already?", the decisions, authors, team, then `deliver_each`
    # in a savepoint: who may see, the notifications, the counts, who wants e-mails.
    with django_assert_num_queries(11):
        tasks.notify_decisions.call(cutoff.pk, alice.pk)
    assert len(decisions_of(bob)) == 2 and unread(bob) == before + 2
    with django_assert_num_queries(2):
        tasks.notify_decisions.call(cutoff.pk, alice.pk)
    assert len(decisions_of(bob)) == 2


def test_an_unpublished_cutoff_tells_nobody(decided, cutoff, alice):
    tasks.notify_decisions.call(cutoff.pk, alice.pk)
    assert not Notification.objects.filter(kind="decision").exists()
