"""The admin shows reviews but never writes them: only contributions/reviewing.py does."""

import pytest
from django.urls import reverse

from appel.models import User

from .conftest import review

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


def test_it_lists_reviews_read_only(admin_client, resource, rita):
    done = review(resource.latest_version, rita, "comment", "Une remarque.")
    assert admin_client.get(reverse("admin:contributions_review_changelist")).status_code == 200
    change = admin_client.get(reverse("admin:contributions_review_change", args=[done.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert admin_client.get(reverse("admin:contributions_review_add")).status_code == 403
    delete = reverse("admin:contributions_review_delete", args=[done.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert resource.latest_version.reviews.count() == 1
