"""Texts the system writes about versions are stored as codes and read in the reader's language."""

import importlib

from django.apps import apps as django_apps
from django.test import Client
from reversion.models import Revision

from resources import editing
from resources.models import ResourceVersion
from tests.conftest import client_for

BASE = "Un paragraphe.\n\nUn autre.\n"


def _restored(resource, charlie):
    editing.edit_resource(resource=resource, author=charlie, content="Autre.\n", base_version=1)
    return editing.restore_version(resource=resource, author=charlie, number=1).version


def test_a_restore_stores_no_words(resource, charlie):
    version = _restored(resource, charlie)
    assert version.comment == ""
    assert Revision.objects.get(pk=version.revision_id).comment == ""


def test_the_pages_say_it_in_french_and_in_english(resource, charlie):
    _restored(resource, charlie)
    for language, words in (("fr", "Version 1 restaurée"), ("en", "Restored version 1")):
        client = Client(headers={"accept-language": language})
        changes = client.get(f"/calls/{resource.call.slug}/changes/").content.decode()
        diff = client.get(
            f"/calls/{resource.call.slug}/resources/{resource.slug}/diff/?from=2&to=3"
        ).content.decode()
        assert words in changes and words in diff
        assert "Restored version" not in changes or language == "en"


def test_the_api_says_it_in_the_clients_language(resource, charlie):
    _restored(resource, charlie)
    url = f"/api/v1/calls/{resource.call.slug}/resources/{resource.slug}/versions/3"
    client = client_for(charlie)
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()["comment"] == "Version 1 restaurée"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["comment"] == "Restored version 1"


def test_the_migration_turns_stored_words_into_codes(resource, charlie):
    version = _restored(resource, charlie)
    # As restores wrote it before: English words in the version and its revision.
    ResourceVersion.objects.filter(pk=version.pk).update(comment="Restored version 1")
    Revision.objects.filter(pk=version.revision_id).update(comment="Restored version 1")
    typed = editing.edit_resource(
        resource=resource, author=charlie, content="Encore.\n", base_version=3, comment="Mine"
    ).version
    migration = importlib.import_module("resources.migrations.0006_restore_comments_as_codes")
    migration.to_codes(django_apps, None)
    version.refresh_from_db()
    typed.refresh_from_db()
    assert version.comment == "" and version.restored_from == 1
    assert Revision.objects.get(pk=version.revision_id).comment == ""
    assert typed.comment == "Mine"  # what a person typed is never touched
    # And back: the words are rebuilt from the code.
    migration.to_words(django_apps, None)
    version.refresh_from_db()
    assert version.comment == "Restored version 1"
    assert Revision.objects.get(pk=version.revision_id).comment == "Restored version 1"


def test_a_person_who_typed_those_words_keeps_them(resource, charlie):
    version = _restored(resource, charlie)
    ResourceVersion.objects.filter(pk=version.pk).update(comment="Restored version 1, on purpose")
    migration = importlib.import_module("resources.migrations.0006_restore_comments_as_codes")
    migration.to_codes(django_apps, None)
    version.refresh_from_db()
    assert version.comment == "Restored version 1, on purpose"


def test_the_byline_and_the_credit_panel_use_the_same_words(resource, charlie):
    editing.edit_resource(resource=resource, author=charlie, content="Autre.\n", base_version=1)
    html = Client(headers={"accept-language": "fr"}).get(resource.get_absolute_url()).content
    html = html.decode()
    assert "Version 2, dernière modification par Charlie" in html
    assert "Dernière modification par Charlie" in html
    assert "Auteurs de la version 2" in html
