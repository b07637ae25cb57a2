"""Two reviewers validating two versions of a resource at the same instant, on PostgreSQL.

record_review locks the resource row and then reads its stable version: the
newer validated version must end up stable whatever the order. Reading the
stable version in the locking statement itself gave a stale pointer (the
joined row comes from the snapshot taken before the lock was granted), and
the older version then replaced the newer one as stable.
"""

import pytest
from django.db import connection

from appel.models import Membership
from contributions.reviewing import record_review
from resources.editing import create_resource, edit_resource
from resources.models import Resource
from tests.appel.test_stewarding_concurrency import together
from tests.conftest import make_call, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (set DATABASE_URL)")


def test_the_stable_version_only_moves_forward():
    alice, bob, charlie = make_user("alice"), make_user("bob"), make_user("charlie")
    rita, victor = make_user("rita"), make_user("victor")
    call = make_call(alice)
    for reviewer in (rita, victor):
        Membership.objects.create(call=call, user=reviewer, role=Membership.Role.REVIEWER)
    backwards = 0
    for round_ in range(12):
        first = create_resource(
            call=call, author=bob, title=f"Guide {round_}", content="Un.\n\nDeux.\n"
        )
        resource = first.resource
        second = edit_resource(
            resource=resource, author=charlie, content="Un, deux.\n\nDeux.\n", base_version=1
        ).version
        third = edit_resource(
            resource=resource, author=bob, content="Un, deux.\n\nDeux, trois.\n", base_version=2
        ).version
        outcomes = together(
            lambda third=third: record_review(version=third, reviewer=rita, verdict="approve"),
            lambda second=second: record_review(version=second, reviewer=victor, verdict="approve"),
        )
        assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
        stable = Resource.objects.select_related("stable_version").get(pk=resource.pk)
        backwards += stable.stable_version.number != 3
    assert backwards == 0
