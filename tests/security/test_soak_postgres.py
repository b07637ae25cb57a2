"""Several processes editing, restoring and reviewing the same resources at once.

PostgreSQL only (SQLite serialises writers anyway). Every accepted write
must be in history, numbered without gaps or duplicates, and each resource's
pointers must stay true: latest is the highest number, stable a validated version.
"""

import multiprocessing

import pytest
from django.db import connection

from appel.models import Membership
from resources.editing import create_resource
from resources.models import Resource, ResourceVersion
from tests.conftest import make_call, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: several processes write at once"
)
WORKERS = 4
SECONDS = 6
SLUGS = ["soak-a", "soak-b"]
START = "Un.\n\nDeux.\n\nTrois.\n\nQuatre.\n\nCinq.\n\nSix.\n"


def database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_it_keeps_history_whole_under_concurrent_processes():
    from tests.security import soak_worker

    steward = make_user("soak-steward", funder=True)
    call = make_call(steward, slug="soak")
    users = [make_user(f"soak-{i}") for i in range(WORKERS)]
    for user in users[:2]:
        Membership.objects.create(call=call, user=user, role=Membership.Role.REVIEWER)
    for slug in SLUGS:
        create_resource(call=call, author=steward, title=slug, slug=slug, content=START)

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(
            target=soak_worker.run,
            args=(database_url(), user.pk, SLUGS, SECONDS, index, queue),
        )
        for index, user in enumerate(users)
    ]
    for process in processes:
        process.start()
    reports = [queue.get(timeout=SECONDS + 90) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    assert [error for report in reports for error in report["errors"]] == []
    saved = [entry for report in reports for entry in report["saved"]]
    assert len(saved) >= WORKERS  # the soak did run
    assert len({(slug, number) for slug, number, *_ in saved}) == len(saved)  # no number twice

    for slug in SLUGS:
        resource = Resource.objects.select_related("latest_version", "stable_version").get(
            slug=slug
        )
        versions = {v.number: v for v in ResourceVersion.objects.filter(resource=resource)}
        assert sorted(versions) == list(range(1, len(versions) + 1))
        assert resource.latest_version.number == max(versions)
        for entry_slug, number, author_id, content_hash in saved:
            if entry_slug == slug:
                assert versions[number].author_id == author_id
                assert versions[number].content_hash == content_hash
        validated = [n for n, v in versions.items() if v.state == "validated"]
        if resource.stable_version is None:
            assert validated == []
        else:
            assert resource.stable_version.state == "validated"
            assert resource.stable_version.number == max(validated)
        # Every version's text is still there, and the latest is the resource's.
        assert versions[max(versions)].content == resource.content
