"""The people around a commun: bob's "Carte des puits" in the open call `eau`.

Notifications are written by tasks enqueued after commit; tests run in a
transaction that never commits, so `committed` runs what was left for the
commit, through the real task code (the immediate backend), never a mock.
"""

import pytest

from contributions import discussing
from resources import editing

TEXT = "# Carte des puits\n\nLes puits du bassin sont mal connus.\n\nIl faut les recenser.\n"
RES = "/api/v1/calls/eau/resources/carte-des-puits"
PAGE = "/calls/eau/resources/carte-des-puits"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on-commit callbacks (the task enqueues) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def resource(call, bob, committed):
    with committed():
        return editing.create_resource(
            call=call, author=bob, title="Carte des puits", content=TEXT
        ).resource


@pytest.fixture
def thread(call, resource, charlie, committed):
    with committed():
        return discussing.start_thread(
            call=call,
            resource=resource,
            author=charlie,
            title="Recenser comment ?",
            body="Par commune, ou par nappe ?",
            version=resource.latest_version,
            quote="Il faut les recenser.",
        )
