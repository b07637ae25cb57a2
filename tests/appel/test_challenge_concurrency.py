"""Twelve défis created with one title at the same instant, on PostgreSQL: twelve slugs.

Each creation picks the first free slug ("sols", "sols-2", ...); two of them
can pick the same one at once, and the unique constraint refused the second
with an IntegrityError (a 500). The slug is now picked again on a clash.
"""

import pytest
from django.db import connection

from appel.models import Challenge
from tests.appel.test_stewarding_concurrency import together
from tests.conftest import client_for, make_call, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_gives_every_concurrent_challenge_a_slug_of_its_own():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (set DATABASE_URL)")
    alice = make_user("alice", funder=True)
    make_call(alice)
    answers = []

    def create():
        response = client_for(alice).post(
            "/api/v1/calls/eau/challenges", {"title": "Sols vivants"}, format="json"
        )
        answers.append(response.status_code)

    outcomes = together(*[create] * 12)
    assert outcomes == ["done"] * 12
    assert answers == [201] * 12
    slugs = set(Challenge.objects.values_list("slug", flat=True))
    assert slugs == {"sols-vivants", *(f"sols-vivants-{n}" for n in range(2, 13))}
