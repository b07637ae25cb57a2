"""The audit log in words: stored as codes, read as sentences in the reader's language."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import translation

from appel import audit
from appel.models import AuditEntry, Call
from appel.stewarding import (
    accept_invitation,
    add_cutoff,
    invitation_link,
    invite,
    move_status,
    remove_member,
    save_call,
    set_funder,
    set_member,
)
from contributions.retribution import publish_retribution
from resources.editing import create_resource, edit_resource, restore_version

A = AuditEntry.Action


def _sentences(logged, language):
    call, setup = logged
    entries = audit.for_call(call).order_by("pk")[setup:]
    with translation.override(language):
        return [str(audit.describe(entry)) for entry in entries]


@pytest.fixture
def logged(call, alice, bob, charlie):
    """The call's log after its setup: members, budget, a restore, retribution, status."""
    alice.display_name, charlie.display_name = "Claire Dubois", "Romain Petit"
    alice.save()
    charlie.save()
    setup = AuditEntry.objects.filter(call=call).count()
    set_member(call=call, user=charlie, role="reviewer", actor=alice)
    set_member(call=call, user=charlie, role="steward", actor=alice)
    remove_member(call=call, user=charlie, actor=alice)
    save_call(call=call, actor=alice, changes={"budget_amount": "25000.50"})
    version = create_resource(call=call, author=bob, title="Guide", slug="guide", content="Un.\n")
    edit_resource(resource=version.resource, author=bob, content="Deux.\n", base_version=1)
    restore_version(resource=version.resource, author=alice, number=1)
    publish_retribution(call=call, actor=alice)
    publish_retribution(call=call, actor=alice, published=False)
    move_status(call=call, to=Call.Status.CLOSED, actor=alice)
    move_status(call=call, to=Call.Status.ARCHIVED, actor=None)
    return call, setup


def test_it_reads_the_log_in_french(logged):
    claire = '<a href="/users/alice/">Claire Dubois</a>'
    romain = '<a href="/users/charlie/">Romain Petit</a>'
    assert _sentences(logged, "fr") == [
        f"{claire} a nommé {romain} relecteur",
        f"{claire} a nommé {romain} financeur (auparavant relecteur)",
        f"{claire} a retiré {romain} (financeur) des membres",
        f"{claire} a changé le budget de 20\xa0000,00\xa0€ à 25\xa0000,50\xa0€",
        f'{claire} a restauré la version 1 de <a href="/calls/eau/resources/guide/">Guide</a>'
        " en version 3",
        f"{claire} a publié la rétribution d’un budget de 25\xa0000,50\xa0€",
        f"{claire} a retiré la rétribution",
        f"{claire} a clos l’appel",
        "Le système a archivé l’appel",
    ]


def test_it_reads_the_same_log_in_english(logged):
    sentences = _sentences(logged, "en")
    claire = '<a href="/users/alice/">Claire Dubois</a>'
    assert sentences[0] == f'{claire} named <a href="/users/charlie/">Romain Petit</a> reviewer'
    assert sentences[1].endswith("funder (was reviewer)")
    assert sentences[3] == f"{claire} changed the budget from €20,000.00 to €25,000.50"
    assert sentences[7] == f"{claire} closed the call"
    assert sentences[8] == "The system archived the call"


def test_it_shows_names_as_they_read_today(logged, charlie):
    charlie.display_name = "R. Petit"
    charlie.save()
    assert "R. Petit" in _sentences(logged, "fr")[0]


def test_it_escapes_what_people_typed(call, alice, charlie):
    charlie.display_name = "<script>x</script>"
    charlie.save()
    setup = AuditEntry.objects.filter(call=call).count()
    set_member(call=call, user=charlie, role="reviewer", actor=alice)
    assert "&lt;script&gt;" in _sentences((call, setup), "en")[0]


def test_the_page_filters_by_action_and_by_person(logged, alice):
    client = Client(headers={"accept-language": "fr"})
    client.force_login(alice)
    html = client.get("/calls/eau/audit/?action=member_removed").content.decode()
    assert "a retiré" in html and "a nommé" not in html
    html = client.get("/calls/eau/audit/?actor=alice&action=status_changed").content.decode()
    assert "a clos l’appel" in html and "Le système" not in html
    html = client.get("/calls/eau/audit/?actor=nobody").content.decode()
    assert "Aucune entrée ne correspond à ces filtres." in html


def test_the_migration_points_old_member_entries_at_their_person(call, alice, charlie):
    entry = AuditEntry.objects.create(
        call=call,
        actor=alice,
        action=A.MEMBER_ADDED,
        target="charlie",
        details={"role": "reviewer"},
    )
    gone = AuditEntry.objects.create(
        call=call, actor=alice, action=A.MEMBER_REMOVED, target="ghost", details={"role": "steward"}
    )
    migration = importlib.import_module("appel.migrations.0008_auditentry_subject_from_target")
    migration.fill_subjects(django_apps, None)
    entry.refresh_from_db()
    gone.refresh_from_db()
    assert entry.subject == charlie
    assert gone.subject is None
    with translation.override("fr"):
        assert 'a nommé <a href="/users/charlie/">Charlie</a> relecteur' in str(
            audit.describe(entry)
        )
        # A name no account matches any more is shown as it was recorded.
        assert str(audit.describe(gone)).endswith("a retiré ghost (financeur) des membres")


def test_every_action_has_a_sentence(call, alice):
    assert set(audit.SENTENCES) == set(A)
    for action in A:
        entry = AuditEntry(call=call, actor=alice, action=action, target="guide", details={})
        for language in ("fr", "en"):
            with translation.override(language):
                sentence = str(audit.describe(entry))
            assert sentence.startswith('<a href="/users/alice/">')
            assert str(AuditEntry.Action(action).label) not in sentence


@pytest.fixture
def steered(call, alice, bob, charlie, rita):
    """The steering of a call, logged: a cut-off, a decision, an invitation, a hidden post."""
    from contributions import deciding, discussing
    from contributions.reviewing import record_review

    alice.display_name, charlie.display_name = "Claire Dubois", "Romain Petit"
    alice.save()
    charlie.save()
    setup = AuditEntry.objects.filter(call=call).count()
    version = create_resource(call=call, author=bob, title="Guide", slug="guide", content="Un.\n")
    record_review(version=version, reviewer=rita, verdict="approve")
    version.refresh_from_db()
    cutoff = add_cutoff(
        call=call, title="Relevé de juin", date=datetime.date(2026, 6, 1), actor=alice
    )
    for decision, amount in (("rework", None), ("selected", "5000")):
        deciding.record_decision(
            cutoff=cutoff,
            resource=version.resource,
            version=version,
            decision=decision,
            amount=amount,
            answer="Bravo.",
            actor=alice,
        )
    deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    _, invitation = invite(
        call=call, email="nina@example.org", role="reviewer", actor=alice, site_url="http://x"
    )
    token = invitation_link(invitation).rstrip("/").rsplit("/", 1)[1]
    accept_invitation(token=token, user=charlie)
    thread = discussing.start_thread(
        call=call, resource=version.resource, author=charlie, title="Une question", body="<b>Hé</b>"
    )
    discussing.hide_post(post=thread.posts.get(), actor=alice, reason="Hors <i>sujet</i>")
    return call, setup


def test_it_reads_steering_in_french(steered):
    claire = '<a href="/users/alice/">Claire Dubois</a>'
    romain = '<a href="/users/charlie/">Romain Petit</a>'
    guide = '<a href="/calls/eau/resources/guide/">guide</a>'
    assert _sentences(steered, "fr") == [
        f"{claire} a ajouté le relevé « Relevé de juin » du 1 juin 2026",
        f"{claire} a demandé de retravailler {guide} (version 1) au relevé « Relevé de juin »",
        f"{claire} a retenu {guide} (version 1) pour 5\xa0000,00\xa0€ au relevé « Relevé de juin »",
        f"{claire} a publié les décisions du relevé « Relevé de juin » (1 décision)",
        # The selection became a grant in the ledger (the commun named by its title).
        f"{claire} a inscrit au registre : 5\xa0000,00\xa0€ accordés à "
        '<a href="/calls/eau/resources/guide/">Guide</a>',
        f"{claire} a invité nina@example.org comme relecteur",
        f"{romain} a nommé {romain} relecteur",
        f"{romain} a accepté l’invitation envoyée à nina@example.org et est désormais relecteur",
        f"{claire} a masqué un message de {romain} dans « Une question » : "
        "Hors &lt;i&gt;sujet&lt;/i&gt;",
    ]


def test_it_reads_steering_in_english(steered):
    sentences = _sentences(steered, "en")
    claire = '<a href="/users/alice/">Claire Dubois</a>'
    guide = '<a href="/calls/eau/resources/guide/">guide</a>'
    assert sentences[0] == f"{claire} added the cut-off date “Relevé de juin” on June 1, 2026"
    assert sentences[2] == (
        f"{claire} selected {guide} (version 1) for €5,000.00 at the cut-off date “Relevé de juin”"
    )
    assert sentences[3] == (
        f"{claire} published the decisions of the cut-off date “Relevé de juin” (1 decision)"
    )
    assert sentences[4] == (
        f'{claire} wrote in the ledger: <a href="/calls/eau/resources/guide/">Guide</a> '
        "granted €5,000.00"
    )


def test_it_says_who_was_given_or_lost_the_funder_role(alice, charlie):
    alice.is_staff = True
    alice.save()
    set_funder(user=charlie, funder=True, actor=alice)
    set_funder(user=charlie, funder=False, actor=alice)
    entries = AuditEntry.objects.filter(call=None, subject=charlie).order_by("pk")
    with translation.override("fr"):
        assert [str(audit.describe(entry)) for entry in entries] == [
            '<a href="/users/alice/">Alice</a> a accordé le rôle de financeur à '
            '<a href="/users/charlie/">Charlie</a>',
            '<a href="/users/alice/">Alice</a> a retiré le rôle de financeur à '
            '<a href="/users/charlie/">Charlie</a>',
        ]
