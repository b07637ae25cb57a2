"""Whatever a client sends, the API answers 4xx with a sentence, never 500."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import client_for

WRITES = [
    ("post", "auth/register"),
    ("post", "auth/token"),
    ("post", "calls"),
    ("patch", "calls/eau"),
    ("post", "calls/eau/members"),
    ("post", "calls/eau/challenges"),
    ("patch", "calls/eau/challenges/nappes"),
]


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("raw", ['{"title": ', "not json", "[1, 2", "\x00\xff", '{"title": NaN}'])
def test_it_answers_400_to_malformed_json(alice, call, method, path, raw):
    client = client_for(alice)
    response = getattr(client, method)(f"/api/v1/{path}", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("raw", ["[]", '[{"title": "x"}]', '"chaîne"', "42", "true", "null"])
def test_it_answers_400_to_bodies_that_are_not_objects(alice, call, method, path, raw):
    client = client_for(alice)
    response = getattr(client, method)(f"/api/v1/{path}", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_it_answers_415_to_other_media_types(alice, call, method, path):
    client = client_for(alice)
    response = getattr(client, method)(f"/api/v1/{path}", "title=x", content_type="text/plain")
    assert response.status_code == 415


WRONG_TYPES = [
    ("calls", {"title": ["a"]}, "title"),
    ("calls", {"title": {"fr": "a"}}, "title"),
    ("calls", {"budget_amount": "beaucoup"}, "budget_amount"),
    ("calls", {"budget_amount": "NaN"}, "budget_amount"),
    ("calls", {"budget_amount": "Infinity"}, "budget_amount"),
    ("calls", {"budget_amount": [1]}, "budget_amount"),
    ("calls", {"approvals_required": "deux"}, "approvals_required"),
    ("calls", {"approvals_required": 1.5}, "approvals_required"),
    ("calls", {"approvals_required": 10**30}, "approvals_required"),
    ("calls", {"approvals_required": None}, "approvals_required"),
    ("calls", {"allowed_licenses": "CC-BY-4.0"}, "allowed_licenses"),
    ("calls", {"allowed_licenses": [["CC-BY-4.0"]]}, "allowed_licenses"),
    ("calls", {"allowed_licenses": [None]}, "allowed_licenses"),
    ("calls", {"allowed_licenses": {"CC-BY-4.0": True}}, "allowed_licenses"),
    ("calls", {"allowed_licenses": ["CC-BY-4.0"] * 51}, "allowed_licenses"),
    ("calls", {"opens_at": "demain"}, "opens_at"),
    ("calls", {"opens_at": 12}, "opens_at"),
    ("calls", {"opens_at": "2030-02-30T00:00:00Z"}, "opens_at"),
    ("calls", {"slug": 12.5}, "slug"),
    ("calls", {"default_license": ["CC-BY-4.0"]}, "default_license"),
    ("calls", {"status": ["open"]}, "status"),
    ("calls/eau/members", {"username": ["bob"], "role": "reviewer"}, "username"),
    ("calls/eau/members", {"username": "bob", "role": "owner"}, "role"),
    ("calls/eau/members", {"username": "bob", "role": None}, "role"),
    ("calls/eau/challenges", {"title": None}, "title"),
    ("calls/eau/challenges", {"title": "Sols", "description": ["x"]}, "description"),
    ("auth/register", {"username": ["x"], "password": "correct horse battery"}, "username"),
    ("auth/register", {"username": "mona", "password": 123456789012}, None),
    ("auth/token", {"username": {"a": 1}, "password": "x"}, "username"),
]


@pytest.mark.parametrize(("path", "change", "field"), WRONG_TYPES)
def test_it_answers_400_to_wrong_types(alice, bob, call, path, change, field):
    from .conftest import call_body

    body = {**call_body(), **change} if path == "calls" else change
    response = client_for(alice).post(f"/api/v1/{path}", body, format="json")
    if field is None:  # numbers are accepted where text is expected, as DRF does
        assert response.status_code in {201, 400}
        return
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


OVER_LONG = [
    ("post", "calls", {"title": "t" * 201}, "title"),
    ("post", "calls", {"summary": "s" * 501}, "summary"),
    ("post", "calls", {"description": "d" * 100_001}, "description"),
    ("post", "calls", {"funder_name": "f" * 201}, "funder_name"),
    ("post", "calls", {"slug": "s" * 81}, "slug"),
    ("post", "calls", {"budget_currency": "EURO"}, "budget_currency"),
    ("post", "calls", {"default_license": "l" * 41}, "default_license"),
    ("post", "calls", {"allowed_licenses": ["l" * 41]}, "allowed_licenses"),
    ("patch", "calls/eau", {"title": "t" * 201}, "title"),
    ("post", "calls/eau/challenges", {"title": "t" * 201}, "title"),
    ("post", "calls/eau/challenges", {"title": "t", "slug": "s" * 81}, "slug"),
    ("post", "calls/eau/challenges", {"title": "t", "description": "d" * 100_001}, "description"),
    ("patch", "calls/eau/challenges/nappes", {"description": "d" * 100_001}, "description"),
    ("post", "calls/eau/members", {"username": "u" * 151, "role": "reviewer"}, "username"),
    ("post", "auth/register", {"username": "u" * 151, "password": "p" * 20}, "username"),
    ("post", "auth/register", {"username": "mona", "password": "p" * 129}, "password"),
    (
        "post",
        "auth/register",
        {"username": "mona", "password": "x8!kL#pq2Z", "display_name": "d" * 151},
        "display_name",
    ),
]


@pytest.mark.parametrize(("method", "path", "change", "field"), OVER_LONG)
def test_it_answers_400_to_over_long_fields(alice, call, method, path, change, field):
    from .conftest import call_body

    body = {**call_body(), **change} if path == "calls" else change
    response = getattr(client_for(alice), method)(f"/api/v1/{path}", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


UNKNOWN = [
    ("get", "calls/nulle-part"),
    ("patch", "calls/nulle-part"),
    ("get", "calls/nulle-part/members"),
    ("post", "calls/nulle-part/members"),
    ("delete", "calls/nulle-part/members/alice"),
    ("delete", "calls/eau/members/nobody"),
    ("delete", "calls/eau/members/bob"),  # a user, not a member
    ("get", "calls/nulle-part/challenges"),
    ("post", "calls/nulle-part/challenges"),
    ("get", "calls/eau/challenges/nulle-part"),
    ("patch", "calls/eau/challenges/nulle-part"),
    ("get", "calls/mobilite/challenges/nappes"),  # a challenge of another call
    ("get", "calls/Pas%20un%20slug"),
    ("get", "nulle-part"),
]


@pytest.mark.parametrize(("method", "path"), UNKNOWN)
def test_it_answers_404_in_json_to_unknown_names(alice, bob, call, other_call, method, path):
    response = getattr(client_for(alice), method)(f"/api/v1/{path}", {}, format="json")
    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=abc", "page=999", "page_size=abc", "page_size=-5"]
)
def test_it_survives_odd_pagination(call, query):
    response = APIClient().get(f"/api/v1/calls?{query}")
    assert response.status_code in {200, 404}
