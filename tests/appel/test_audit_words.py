"""The audit log in words: stored as codes, read as sentences in the reader's language."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import translation

from appel import audit
from appel.models import AuditEntry, Call
from appel.stewarding import move_status, remove_member, save_call, set_member
from contributions.attribution import publish_retribution
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
        f'{claire} a restauré la version 1 de <a href="/calls/eau/resources/guide/">guide</a>'
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
