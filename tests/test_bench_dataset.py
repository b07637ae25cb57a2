"""The benchmark's fast path writes exactly the rows the domain functions write.

bench/dataset.py builds 22,000 versions with bulk inserts instead of calling
resources.editing and contributions.reviewing 22,000 times. These tests play
the same small plan through both builders, in two calls sharing the same
users, and compare every row field by field (ids become natural keys, times
are left out: the fast path spreads them over six months).
"""

import json

import pytest
from django.db import models
from reversion.models import Version as Snapshot

from bench import dataset
from contributions.models import Review
from resources.models import Participation, Resource, ResourceVersion

SIZE = dataset.SMALL


def _plain(instance, skip=()):
    """A row as a dict: no pk, no timestamps, users by username, other links by natural key."""
    row = {}
    for f in instance._meta.concrete_fields:
        if f.primary_key or f.name in skip or isinstance(f, models.DateTimeField):
            continue
        value = getattr(instance, f.attname)
        if f.is_relation and value is not None:
            target = getattr(instance, f.name)
            if hasattr(target, "username"):
                value = target.username
            elif isinstance(target, ResourceVersion):
                value = (target.resource.slug, target.number)
            elif hasattr(target, "slug"):
                value = target.slug
        row[f.name] = value
    return row


def _rows(call):
    resources = {
        r.slug: _plain(r, skip=("call",))
        for r in Resource.objects.filter(call=call).select_related(
            "challenge", "created_by", "latest_version__resource", "stable_version__resource"
        )
    }
    versions, revisions, snapshots = {}, {}, {}
    for v in ResourceVersion.objects.filter(resource__call=call).select_related(
        "resource", "author", "revision__user"
    ):
        key = (v.resource.slug, v.number)
        versions[key] = _plain(v, skip=("revision",))
        revisions[key] = (v.revision.user.username, v.revision.comment)
        [snapshot] = Snapshot.objects.filter(revision=v.revision)
        assert snapshot.object_id == str(v.resource_id)
        [data] = json.loads(snapshot.serialized_data)
        assert data["pk"] == v.resource_id
        fields = dict(data["fields"])
        del fields["created_at"]
        assert fields.pop("call") == call.pk
        fields["created_by"] = v.resource.created_by.username
        fields["challenge"] = v.resource.challenge.slug if fields["challenge"] else None
        snapshots[key] = (
            snapshot.content_type_id,
            snapshot.db,
            snapshot.format,
            snapshot.object_repr,
            data["model"],
            fields,
        )
    reviews = sorted(
        tuple(sorted(_plain(r).items()))
        for r in Review.objects.filter(version__resource__call=call).select_related(
            "reviewer", "version__resource"
        )
    )
    participations = sorted(
        (p.resource.slug, p.user.username, p.role)
        for p in Participation.objects.filter(resource__call=call).select_related(
            "resource", "user"
        )
    )
    return {
        "resources": resources,
        "versions": versions,
        "revisions": revisions,
        "snapshots": snapshots,
        "reviews": reviews,
        "participations": participations,
    }


@pytest.fixture
def both(db):
    through_domain = dataset.build(SIZE, call_slug="bench-domain", fast=False)
    fast = dataset.build(SIZE, call_slug="bench-fast", fast=True, workers=1)
    return _rows(through_domain), _rows(fast)


def test_it_plays_every_kind_of_step(both):
    domain, _ = both
    assert len(domain["resources"]) == SIZE.resources + 1
    assert len(domain["versions"]) == SIZE.total_versions
    verdicts = {dict(review)["verdict"] for review in domain["reviews"]}
    assert verdicts == {"approve", "comment", "request_changes"}
    states = {v["state"] for v in domain["versions"].values()}
    assert states == {"pending", "validated", "changes_requested"}
    assert any(r["stable_version"] for r in domain["resources"].values())


@pytest.mark.parametrize(
    "table", ["resources", "versions", "revisions", "snapshots", "reviews", "participations"]
)
def test_it_writes_the_rows_the_domain_functions_write(both, table):
    domain, fast = both
    assert fast[table] == domain[table]


def test_it_marks_a_finished_build(db):
    call = dataset.build(SIZE, call_slug="bench-fast", fast=True, workers=1)
    call.refresh_from_db()
    assert call.summary == dataset.marker(SIZE)
    assert call.is_open and call.challenges.count() == SIZE.challenges


def test_it_makes_the_same_texts_every_time():
    first, again = dataset.resource_plan(SIZE, 1), dataset.resource_plan(SIZE, 1)
    assert [s.content for s in first.steps] == [s.content for s in again.steps]
    assert len({s.content for s in first.steps}) == SIZE.versions  # every edit changes the text
    assert 4_500 <= len(first.steps[0].content.encode()) <= 6_000


def test_it_adds_the_people_around_the_hot_commun_once(db):
    from contributions.models import Notification, Post, Watch

    call = dataset.build(SIZE, call_slug="bench-fast", fast=True, workers=1)
    dataset.add_people(call)  # a second time: nothing more
    hot = call.resources.get(slug=dataset.HOT_SLUG)
    assert Watch.objects.filter(resource=hot).count() == dataset.WATCHERS
    assert Post.objects.filter(thread__call=call).count() == dataset.THREAD_POSTS
    reader = Notification.objects.filter(recipient__username=dataset.READER)
    assert reader.count() == dataset.READER_NOTIFICATIONS
    assert reader.filter(read_at__isnull=True).count() == 40


def test_both_keep_when_each_resource_started_waiting(both):
    """`pending_since`: the first version after the stable one, as editing and reviewing keep it."""
    resources = Resource.objects.filter(call__slug__in=["bench-domain", "bench-fast"])
    assert resources.filter(pending_since__isnull=False).exists()
    for resource in resources.select_related("stable_version"):
        stable = resource.stable_version.number if resource.stable_version else 0
        first = resource.versions.filter(number__gt=stable).order_by("number").first()
        assert resource.pending_since == (first.created_at if first else None), resource.slug
