"""A cast with one of each role, and the resource they all act on.

`roles` maps role name -> user (None for anonymous); bob authors the
resource "guide" (versions 1 and 2) in the open call "eau".
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from appel.models import Membership, User
from appel.stewarding import add_cutoff
from contributions.discussing import start_thread
from resources.editing import edit_resource
from resources.files import upload_file
from tests.conftest import client_for
from tests.resources.samples import image_bytes

ROLES = (
    "anonymous",
    "contributor",
    "author",
    "reviewer",
    "other_reviewer",
    "steward",
    "other_steward",
    "admin",
)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", "x", display_name="Root")


@pytest.fixture
def resource_fields():
    return {
        "title": "Guide des nappes",
        "slug": "guide",
        "content": "# Guide\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n",
    }


@pytest.fixture
def resource(resource, bob):
    """The root `resource`, "guide", with a second version by bob."""
    edit_resource(
        resource=resource,
        author=bob,
        content="# Guide\n\nPremier paragraphe, revu.\n\nDeuxième paragraphe.\n",
        base_version=1,
    )
    resource.refresh_from_db()
    upload_file(
        resource=resource, uploader=bob, upload=SimpleUploadedFile("plan.png", image_bytes())
    )
    return resource


@pytest.fixture
def threads(call, resource, bob):
    """bob opened a thread on "guide" and one in the call's forum."""
    return {
        "resource": start_thread(
            call=call, resource=resource, author=bob, title="Sur le guide", body="Une question."
        ),
        "call": start_thread(call=call, author=bob, title="Au forum", body="Bonjour à tous."),
    }


@pytest.fixture
def roles(call, other_call, resource, threads, alice, bob, charlie, rita, olga, victor, root):
    assert call.role_of(rita) == Membership.Role.REVIEWER
    # One unpublished cut-off date, for the cut-off URLs (test_url_permissions.url_of).
    add_cutoff(call=call, title="Relevé de juin", date=datetime.date(2026, 6, 1), actor=alice)
    return {
        "anonymous": None,
        "contributor": charlie,
        "author": bob,
        "reviewer": rita,
        "other_reviewer": victor,
        "steward": alice,
        "other_steward": olga,
        "admin": root,
    }


def api_client(user):
    return APIClient() if user is None else client_for(user)
