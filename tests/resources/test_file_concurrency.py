"""Uploads at the same instant on PostgreSQL: revisions numbered without gaps, the quota held."""

import pytest
from django.db import connection

from resources import editing, files
from resources.models import FileRevision
from tests.conftest import make_call, make_user

from .samples import upload
from .test_concurrency import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (set DATABASE_URL)")


@pytest.fixture
def cast():
    call = make_call(make_user("alice", funder=True))
    editors = [make_user(f"editor{i}") for i in range(THREADS)]
    resource = editing.create_resource(
        call=call, author=editors[0], title="Carte", content="Texte."
    ).resource
    return resource, editors


def send(resource, editor, name, data):
    return files.upload_file(resource=resource, uploader=editor, upload=upload(name, data))


def test_the_same_new_name_at_once_makes_revisions_1_to_n(cast):
    resource, editors = cast
    outcomes = together(
        THREADS, lambda i: send(resource, editors[i], "data.csv", f"a;b\n{i};x\n".encode())
    )
    assert all(isinstance(o, FileRevision) for o in outcomes), outcomes
    numbers = sorted(
        FileRevision.objects.filter(file__name="data.csv").values_list("number", flat=True)
    )
    assert numbers == list(range(1, THREADS + 1))
    file = files.get_file(resource, "data.csv")
    assert file.latest.number == THREADS


def test_the_quota_holds_when_uploads_race_for_its_last_bytes(cast, settings):
    resource, editors = cast
    settings.FILE_QUOTA_PER_CALL_BYTES = 3 * 100
    outcomes = together(
        THREADS, lambda i: send(resource, editors[i], f"f{i}.csv", (f"{i};" * 50).encode())
    )
    accepted = [o for o in outcomes if isinstance(o, FileRevision)]
    refused = [o for o in outcomes if isinstance(o, files.QuotaExceeded)]
    assert (len(accepted), len(refused)) == (3, THREADS - 3), outcomes
