"""export_call / import_call: a whole call and its history survive a move to an empty database."""

import json

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from appel import stewarding
from appel.models import AuditEntry, Call, Challenge, Membership, User
from resources import editing, files
from resources.models import FileRevision, Resource, ResourceLink, ResourceVersion
from tests.resources.samples import image_bytes, upload


def _snapshot(call_slug):
    call = Call.objects.get(slug=call_slug)
    resources = Resource.objects.filter(call=call).order_by("slug")
    versions = ResourceVersion.objects.filter(resource__call=call).order_by(
        "resource__slug", "number"
    )
    return {
        "call": (call.title, call.status, call.allowed_licenses, call.created_by.username),
        "challenges": list(Challenge.objects.filter(call=call).values_list("slug", "title")),
        "members": list(Membership.objects.filter(call=call).values_list("user__username", "role")),
        "audit": list(
            AuditEntry.objects.filter(call=call)
            .order_by("pk")
            .values_list("action", "actor__username", "target", "details", "created_at")
        ),
        "resources": [
            (r.slug, r.title, r.content, r.latest_version.number, r.license) for r in resources
        ],
        "versions": [
            (
                v.resource.slug,
                v.number,
                v.author.username,
                v.comment,
                v.content,
                v.authorship,
                v.html,
                v.created_at,
            )
            for v in versions
        ],
        "files": list(
            FileRevision.objects.filter(file__resource__call=call)
            .order_by("pk")
            .values_list(
                "file__resource__slug",
                "file__name",
                "number",
                "sha256",
                "uploaded_by__username",
                "license",
                "file__latest__number",
            )
        ),
        "links": list(
            ResourceLink.objects.filter(source__call=call).values_list(
                "source__slug", "target_slug"
            )
        ),
    }


@pytest.fixture
def history(call, bob, charlie):
    version = editing.create_resource(
        call=call, author=bob, title="Carte des puits", content="Un.\n\nDeux.\n"
    )
    resource = version.resource
    editing.edit_resource(
        resource=resource, author=charlie, content="Un.\n\nDeux et trois.\n", base_version=1
    )
    editing.edit_resource(
        resource=resource, author=bob, content="Un, quatre.\n\nDeux.\n", base_version=1
    )
    editing.restore_version(resource=resource, author=charlie, number=1)
    editing.create_resource(
        call=call, author=charlie, title="Guide", content="# Guide\n\n[[carte-des-puits]]\n"
    )
    for data in (image_bytes(), image_bytes(color=(0, 0, 0))):
        files.upload_file(resource=resource, uploader=charlie, upload=upload("p.png", data))
    stewarding.set_member(call=call, user=charlie, role="reviewer", actor=call.created_by)
    return call


@pytest.mark.django_db(transaction=True)
def test_it_round_trips_a_call_into_an_empty_database(history, tmp_path):
    before = _snapshot("eau")
    assert [entry[0] for entry in before["audit"]] == [
        "status_changed",  # the call fixture: launched, then opened
        "member_added",  # and rita added as reviewer
        "version_restored",
        "member_added",
    ]
    assert len(before["files"]) == 2 and before["links"] == [("guide", "carte-des-puits")]
    path = tmp_path / "eau.json"
    call_command("export_call", "eau", str(path))
    assert json.loads(path.read_text())  # a plain JSON document

    Call.objects.all().delete()  # cascades to défis, members, resources, versions, reviews
    Revision.objects.all().delete()  # and their snapshots
    User.objects.all().delete()
    assert not Version.objects.exists()

    call_command("import_call", str(path))
    assert _snapshot("eau") == before
    # The restored database keeps working: a new edit gets the next number.
    resource = Resource.objects.get(slug="carte-des-puits")
    result = editing.edit_resource(
        resource=resource,
        author=User.objects.get(username="bob"),
        content="Cinq.\n",
        base_version=4,
    )
    assert result.version.number == 5


def test_it_refuses_to_import_over_an_existing_call(history, tmp_path):
    path = tmp_path / "eau.json"
    call_command("export_call", "eau", str(path))
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_call", str(path))


def test_it_names_an_unknown_call(db, tmp_path):
    with pytest.raises(CommandError, match="No call"):
        call_command("export_call", "nope", str(tmp_path / "x.json"))
