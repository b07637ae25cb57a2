"""Helpers for the call-side tests: a draft call, a valid call body, logged-in web clients."""

import pytest

from appel.models import Call
from tests.conftest import make_call


def call_body(**overrides):
    """A valid body for POST /api/v1/calls (and, with `as_form`, for the web form)."""
    body = {
        "title": "Eau et territoires",
        "summary": "Des communs pour l'eau.",
        "description": "## Pourquoi\n\nParce que.",
        "funder_name": "Région",
        "opens_at": "2030-01-01T09:00:00+01:00",
        "closes_at": "2030-06-30T18:00:00+02:00",
        "budget_amount": "20000.00",
        "budget_currency": "EUR",
        "allowed_licenses": ["CC-BY-4.0", "etalab-2.0"],
        "default_license": "etalab-2.0",
        "approvals_required": 2,
    }
    body.update(overrides)
    return body


def as_form(body):
    """The same input as the web form posts it (datetime-local fields have no zone)."""
    form = {key: value for key, value in body.items() if value is not None}
    for key in ("opens_at", "closes_at"):
        if key in form:
            form[key] = form[key][:16]
    return form


@pytest.fixture
def draft(alice, rita):
    """A draft of alice's; rita reviews it, which does not let her see it."""
    call = make_call(alice, slug="brouillon", status=Call.Status.DRAFT, title="Brouillon")
    call.memberships.create(user=rita, role="reviewer")
    return call


@pytest.fixture
def cast(db, alice, bob, olga, rita, other_call):
    """Who is who in the permission tables; olga is a funder stewarding another call."""
    return {None: None, "bob": bob, "olga": olga, "alice": alice, "rita": rita}
