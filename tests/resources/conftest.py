"""What the resource tests share: a resource written by bob, and quick ways to grow it."""

from resources import editing
from tests.conftest import RESOURCE_TEXT as BASE  # the text of `resource`

SLUG = "carte-des-puits"
API = "/api/v1/calls/eau/resources"


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
