"""A call's resource list and its review queue: the same queries whatever the call's size.

And the resource's `pending_since`, the review queue's order, kept in step
by every save and every validation (resources/editing.py,
contributions/reviewing.py), filled for existing rows by its migration.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contributions import reviewing
from resources import editing
from resources.models import Resource

from .conftest import BASE

LIST = "/calls/eau/resources/"
QUEUE = "/calls/eau/reviews/"
API_LIST = "/api/v1/calls/eau/resources"
API_QUEUE = "/api/v1/calls/eau/reviews/pending"


def _fill(call, author, count):
    """Resources up to `count`, each with two versions (both waiting for review)."""
    for n in range(call.resources.count(), count):
        resource = editing.create_resource(
            call=call, author=author, title=f"Commun {n}", content=BASE
        ).resource
        editing.edit_resource(
            resource=resource, author=author, content=f"{BASE}\nAjout {n}.\n", base_version=1
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [LIST, QUEUE, API_LIST, API_QUEUE])
def test_a_list_costs_the_same_queries_for_3_and_30_resources(url, call, bob, rita):
    signed_in = Client()
    signed_in.force_login(rita)  # a reviewer: the page as rendered, no anonymous copy
    counts = {}
    for size in (3, 30):
        _fill(call, bob, size)
        counts[size] = (_count(Client(), url), _count(signed_in, url))
    assert counts[3] == counts[30], counts
    assert max(counts[30]) <= 8, counts


@pytest.mark.parametrize("url", [LIST, QUEUE])
def test_an_anonymous_list_comes_whole_from_the_cache(
    url, call, bob, client, django_assert_num_queries
):
    _fill(call, bob, 3)
    client.get(url)
    with django_assert_num_queries(1):  # the call's state
        assert "Commun 2" in client.get(url).content.decode()


# pending_since


def _since(resource):
    return Resource.objects.values_list("pending_since", flat=True).get(pk=resource.pk)


def test_a_new_resource_waits_since_its_first_version(resource):
    assert _since(resource) == resource.latest_version.created_at


def test_edits_on_top_keep_the_first_waiting_version(resource, charlie):
    first = _since(resource)
    editing.edit_resource(
        resource=resource, author=charlie, content=BASE + "\nAjout.\n", base_version=1
    )
    assert _since(resource) == first


def test_validating_the_latest_version_empties_it(resource, rita):
    reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    assert _since(resource) is None
    assert not reviewing.review_queue(resource.call).filter(pk=resource.pk).exists()


def test_after_a_validation_the_next_edit_starts_waiting(resource, rita, charlie):
    reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    version = editing.edit_resource(
        resource=resource, author=charlie, content=BASE + "\nAjout.\n", base_version=1
    ).version
    assert _since(resource) == version.created_at


def test_validating_an_older_version_waits_from_the_one_after_it(resource, rita, charlie):
    v1 = resource.latest_version
    v2 = editing.edit_resource(
        resource=resource, author=charlie, content=BASE + "\nDeux.\n", base_version=1
    ).version
    editing.edit_resource(
        resource=resource, author=charlie, content=BASE + "\nTrois.\n", base_version=2
    )
    reviewing.record_review(version=v1, reviewer=rita, verdict="approve")
    assert _since(resource) == v2.created_at


def test_changes_requested_keep_it_waiting(resource, rita):
    first = _since(resource)
    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="request_changes", comment="?"
    )
    assert _since(resource) == first


def test_the_migration_fills_it_as_the_domain_functions_keep_it(resource, call, bob, rita):
    validated = editing.create_resource(call=call, author=bob, title="Lacs", content=BASE).resource
    reviewing.record_review(version=validated.latest_version, reviewer=rita, verdict="approve")
    editing.edit_resource(resource=resource, author=bob, content=BASE + "\nDeux.\n", base_version=1)
    kept = dict(Resource.objects.values_list("pk", "pending_since"))
    Resource.objects.update(pending_since=None)
    migration = importlib.import_module("resources.migrations.0014_resource_pending_since")
    migration.fill_pending_since(django_apps, None)
    assert dict(Resource.objects.values_list("pk", "pending_since")) == kept
    assert kept[validated.pk] is None and kept[resource.pk] is not None
