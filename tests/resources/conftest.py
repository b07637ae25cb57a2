"""What the resource tests share: a resource written by bob, and quick ways to grow it."""

import pytest

from resources import editing

BASE = "# Carte\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n"
SLUG = "carte-des-puits"
API = "/api/v1/calls/eau/resources"


@pytest.fixture
def resource(call, bob):
    return editing.create_resource(
        call=call,
        author=bob,
        title="Carte des puits",
        content=BASE,
        challenge=call.challenges.get(),
    ).resource


def grow(resource, author, count):
    """Add `count` versions to `resource` through the editing module; returns the last one."""
    result = None
    for _ in range(count):
        latest = resource.latest_version.number if result is None else result.version.number
        result = editing.edit_resource(
            resource=resource,
            author=author,
            content=f"{BASE}\nAjout {latest + 1}.\n",
            base_version=latest,
            comment=f"ajout {latest + 1}",
        )
        assert result.created
    resource.refresh_from_db()
    return result.version if result else resource.latest_version
