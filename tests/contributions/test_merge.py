"""Pooling: a steward merges a commun into another; history, credits, team and watchers follow."""

import pytest

from appel.models import AuditEntry
from contributions import notifying
from contributions.attribution import attribution_for
from contributions.models import Watch
from resources import editing, files
from resources.models import Participation, Resource

from ..conftest import client_for, make_resource, web_client

API = "/api/v1/calls/eau/resources"


@pytest.fixture
def pair(call, bob, charlie):
    """`kept` by bob (CC-BY-SA-4.0), `absorbed` by charlie (CC-BY-4.0), two versions each."""
    kept = make_resource(
        call, bob, title="Carte des puits", content="Puits.\n", license="CC-BY-SA-4.0"
    )
    absorbed = make_resource(
        call, charlie, title="Puits anciens", content="Anciens.\n", license="CC-BY-4.0"
    )
    editing.edit_resource(resource=absorbed, author=bob, content="Anciens puits.\n", base_version=1)
    return Resource.objects.get(pk=kept.pk), Resource.objects.get(pk=absorbed.pk)


def merge(user, absorbed, into):
    return client_for(user).post(f"{API}/{absorbed.slug}/merge", {"into": into.slug}, format="json")


def test_a_steward_merges_keeping_versions_credits_team_and_watchers(
    pair, alice, bob, charlie, rita
):
    kept, absorbed = pair
    notifying.watch(user=rita, call=absorbed.call, resource=absorbed)
    before = {c.user.username for c in attribution_for(kept).contributors}
    assert before == {"bob"}
    response = merge(alice, absorbed, kept)
    assert response.status_code == 200, response.json()
    assert response.json()["slug"] == kept.slug
    absorbed.refresh_from_db()
    assert absorbed.merged_into == kept
    detail = client_for(bob).get(f"{API}/{absorbed.slug}").json()
    assert detail["merged_into"] == kept.slug
    # Every version stays readable.
    assert [v.number for v in absorbed.versions.all()] == [2, 1]
    assert (
        web_client(None).get(f"/calls/eau/resources/{absorbed.slug}/versions/1/").status_code == 200
    )
    assert web_client(None).get(f"/calls/eau/resources/{absorbed.slug}/history/").status_code == 200
    # Its authors are credited on the kept one, in the credit line too.
    credited = attribution_for(Resource.objects.get(pk=kept.pk))
    assert {c.user.username for c in credited.contributors} == {"bob", "charlie"}
    assert "Charlie" in credited.credit()
    # Team and watchers moved, nobody twice.
    team = Participation.objects.filter(resource=kept).values_list("user__username", flat=True)
    assert sorted(team) == ["bob", "charlie"]
    assert not Participation.objects.filter(resource=absorbed).exists()
    assert Watch.objects.filter(resource=kept, user=rita).count() == 1
    assert not Watch.objects.filter(resource=absorbed).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RESOURCE_MERGED)
    assert entry.target == absorbed.slug and entry.details["into"] == kept.slug


def test_its_page_sends_readers_to_the_kept_commun(pair, alice):
    kept, absorbed = pair
    assert merge(alice, absorbed, kept).status_code == 200
    response = web_client(None).get(f"/calls/eau/resources/{absorbed.slug}/", follow=True)
    assert response.redirect_chain[-1][0] == kept.get_absolute_url()
    assert "was merged into the one below" in response.content.decode()


def test_it_refuses_edits_after_the_merge(pair, alice, bob):
    kept, absorbed = pair
    assert merge(alice, absorbed, kept).status_code == 200
    body = {"content": "Encore.\n", "base_version": 2}
    response = client_for(bob).post(f"{API}/{absorbed.slug}/versions", body, format="json")
    assert response.status_code == 409 and "merged into" in response.json()["detail"]
    restore = client_for(bob).post(f"{API}/{absorbed.slug}/versions/1/restore")
    assert restore.status_code == 409
    page = web_client(bob).get(f"/calls/eau/resources/{absorbed.slug}/edit/", follow=True)
    assert "was merged into" in page.content.decode()
    with pytest.raises(editing.ResourceMerged):
        files.upload_file(resource=Resource.objects.get(pk=absorbed.pk), uploader=bob, upload=None)
    assert Resource.objects.get(pk=absorbed.pk).latest_version.number == 2


def test_only_stewards_merge(pair, bob, rita):
    kept, absorbed = pair
    assert merge(bob, absorbed, kept).status_code == 403
    assert merge(rita, absorbed, kept).status_code == 403
    from rest_framework.test import APIClient

    url = f"{API}/{absorbed.slug}/merge"
    assert APIClient().post(url, {"into": kept.slug}, format="json").status_code == 401
    assert (
        web_client(bob)
        .post(f"/calls/eau/resources/{absorbed.slug}/merge/", {"into": kept.slug})
        .status_code
        == 403
    )
    assert Resource.objects.get(pk=absorbed.pk).merged_into is None


def test_it_refuses_incompatible_licenses(call, alice, bob, charlie):
    # CC-BY-SA text cannot be reused under CC-BY.
    sa = make_resource(call, bob, title="Partage", content="x", license="CC-BY-SA-4.0")
    by = make_resource(call, charlie, title="Attribution", content="y", license="CC-BY-4.0")
    response = merge(alice, sa, by)
    assert response.status_code == 409 and "cannot be merged" in response.json()["detail"]
    assert Resource.objects.get(pk=sa.pk).merged_into is None


def test_it_refuses_itself_merged_ones_and_unknown_targets(pair, call, alice, bob):
    kept, absorbed = pair
    assert merge(alice, kept, kept).status_code == 400
    response = client_for(alice).post(
        f"{API}/{kept.slug}/merge", {"into": "inconnu"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"]["into"]
    assert merge(alice, absorbed, kept).status_code == 200
    third = make_resource(call, bob, title="Troisième", content="z", license="CC-BY-SA-4.0")
    again = merge(alice, absorbed, kept)
    assert again.status_code == 409 and "already merged" in again.json()["detail"]
    into_merged = merge(alice, third, absorbed)
    assert into_merged.status_code == 409 and "itself merged" in into_merged.json()["detail"]


def test_the_merge_page_lets_a_steward_choose_the_kept_commun(pair, alice):
    kept, absorbed = pair
    url = f"/calls/eau/resources/{absorbed.slug}/merge/"
    page = web_client(alice).get(url).content.decode()
    assert f'value="{kept.slug}"' in page
    response = web_client(alice).post(url, {"into": kept.slug})
    assert response.status_code == 302 and response["Location"] == kept.get_absolute_url()
    assert Resource.objects.get(pk=absorbed.pk).merged_into == kept


def test_the_call_export_carries_the_merge_and_imports_again(pair, alice, tmp_path):
    import json

    from django.core.management import call_command
    from reversion.models import Revision

    from appel.models import Call, User

    kept, absorbed = pair
    assert merge(alice, absorbed, kept).status_code == 200
    path = tmp_path / "eau.json"
    call_command("export_call", "eau", str(path))
    rows = [r for r in json.loads(path.read_text()) if r["model"] == "resources.resource"]
    assert {r["fields"]["slug"]: r["fields"]["merged_into"] for r in rows}[absorbed.slug]
    Call.objects.all().delete()
    Revision.objects.all().delete()
    User.objects.all().delete()
    call_command("import_call", str(path))
    assert Resource.objects.get(slug=absorbed.slug).merged_into.slug == kept.slug
