"""Fixtures and helpers shared by the contributions tests (review, attribution, export).

Data is built through the domain modules, as the site builds it.
"""

import pytest
from django.utils import translation

from contributions import reviewing
from resources import editing

TEXT = "# Carte des puits\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n"


@pytest.fixture
def english(settings):
    """Tests that read interface sentences read the English msgids, whatever gets translated.

    Use with `pytestmark = pytest.mark.usefixtures("english")`.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def edit(resource, author, content, *, base_version=None, comment=""):
    """Save an edit from the latest version (or `base_version`); returns the new version."""
    resource.refresh_from_db()
    base = base_version or resource.latest_version.number
    return editing.edit_resource(
        resource=resource, author=author, content=content, base_version=base, comment=comment
    ).version


def append(resource, author, words):
    """A new version by `author`: the latest text plus a paragraph of `words`."""
    resource.refresh_from_db()
    return edit(resource, author, f"{resource.latest_version.content}\n{words}\n")


def review(version, reviewer, verdict="approve", comment=""):
    return reviewing.record_review(
        version=version, reviewer=reviewer, verdict=verdict, comment=comment
    )


@pytest.fixture
def resource_fields():
    """`resource` is "Carte des puits" with its title as heading, saved as "Premier jet"."""
    return {"title": "Carte des puits", "content": TEXT, "comment": "Premier jet"}
