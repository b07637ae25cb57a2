"""Who may do what on a call, in the pages and in the API: one cell per role.

Columns: anonymous, bob (contributor), olga (funder, steward of another
call), alice (steward of this call), rita (reviewer of this call).
"""

import pytest
from rest_framework.test import APIClient

from tests.conftest import client_for, web_client

from .conftest import call_body

WHO = [None, "bob", "olga", "alice", "rita"]


def cells(*codes):
    return list(zip(WHO, codes, strict=True))


PAGES = [
    ("/", cells(200, 200, 200, 200, 200)),
    ("/calls/eau/", cells(200, 200, 200, 200, 200)),
    ("/calls/brouillon/", cells(404, 404, 404, 200, 404)),
    ("/calls/new/", cells(302, 403, 200, 200, 403)),
    ("/calls/eau/edit/", cells(302, 403, 403, 200, 403)),
    ("/calls/brouillon/edit/", cells(302, 404, 404, 200, 404)),
    ("/calls/eau/members/", cells(302, 403, 403, 200, 403)),
    ("/calls/eau/challenges/new/", cells(302, 403, 403, 200, 403)),
    ("/calls/eau/challenges/nappes/edit/", cells(302, 403, 403, 200, 403)),
    ("/accounts/profile/", cells(302, 200, 200, 200, 200)),
    ("/users/alice/", cells(200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(
    ("url", "who", "code"), [(url, who, code) for url, row in PAGES for who, code in row]
)
def test_it_guards_the_pages(cast, call, draft, url, who, code):
    response = web_client(cast[who]).get(url)
    assert response.status_code == code
    if code == 302:
        assert response["Location"].startswith("/accounts/login/")


POSTS = [
    ("/calls/eau/status/", {"status": "closed"}, cells(302, 403, 403, 302, 403)),
    ("/calls/eau/members/rita/remove/", {}, cells(302, 403, 403, 302, 403)),
    (
        "/calls/eau/members/",
        {"username": "bob", "role": "reviewer"},
        cells(302, 403, 403, 302, 403),
    ),
    ("/calls/eau/challenges/new/", {"title": "Sols"}, cells(302, 403, 403, 302, 403)),
]


@pytest.mark.parametrize(
    ("url", "data", "who", "code"),
    [(url, data, who, code) for url, data, row in POSTS for who, code in row],
)
def test_it_guards_the_forms(cast, call, url, data, who, code):
    before = snapshot(call)
    response = web_client(cast[who]).post(url, data)
    assert response.status_code == code
    if who is None:
        assert response["Location"].startswith("/accounts/login/")
    assert (snapshot(call) != before) == (who == "alice")


def snapshot(call):
    call.refresh_from_db()
    members = sorted(call.memberships.values_list("user__username", "role"))
    return call.status, members, list(call.challenges.values_list("slug", flat=True))


@pytest.mark.parametrize("url", ["/calls/eau/status/", "/calls/eau/members/rita/remove/"])
def test_a_get_only_asks_for_confirmation_and_changes_nothing(alice, call, url):
    before = snapshot(call)
    assert web_client(alice).get(url).status_code == 200
    assert web_client(alice).put(url).status_code == 405
    assert snapshot(call) == before


def api_client(user):
    return client_for(user) if user else APIClient()


API = [
    ("get", "calls/eau", None, cells(200, 200, 200, 200, 200)),
    ("get", "calls/brouillon", None, cells(404, 404, 404, 200, 404)),
    ("post", "calls", call_body(), cells(401, 403, 201, 201, 403)),
    ("patch", "calls/eau", {"title": "Eau"}, cells(401, 403, 403, 200, 403)),
    ("patch", "calls/brouillon", {"title": "Eau"}, cells(404, 404, 404, 200, 404)),
    ("get", "calls/eau/members", None, cells(200, 200, 200, 200, 200)),
    ("get", "calls/brouillon/members", None, cells(404, 404, 404, 200, 404)),
    (
        "post",
        "calls/eau/members",
        {"username": "bob", "role": "reviewer"},
        cells(401, 403, 403, 201, 403),
    ),
    ("delete", "calls/eau/members/rita", None, cells(401, 403, 403, 204, 403)),
    ("get", "calls/eau/challenges", None, cells(200, 200, 200, 200, 200)),
    ("get", "calls/eau/challenges/nappes", None, cells(200, 200, 200, 200, 200)),
    ("post", "calls/eau/challenges", {"title": "Sols"}, cells(401, 403, 403, 201, 403)),
    ("patch", "calls/eau/challenges/nappes", {"title": "Nappes"}, cells(401, 403, 403, 200, 403)),
    ("get", "me", None, cells(401, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "code"),
    [(method, path, body, who, code) for method, path, body, row in API for who, code in row],
)
def test_it_guards_the_api(cast, call, draft, method, path, body, who, code):
    client = api_client(cast[who])
    response = getattr(client, method)(f"/api/v1/{path}", body, format="json")
    assert response.status_code == code, response.content
    if code >= 400:
        assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "calls/eau"),
        ("delete", "calls/eau"),
        ("put", "calls"),
        ("get", "calls/eau/members/rita"),
        ("put", "calls/eau/challenges/nappes"),
        ("delete", "calls/eau/challenges/nappes"),
        ("get", "auth/register"),
        ("get", "auth/token"),
        ("post", "me"),
    ],
)
def test_it_answers_405_to_wrong_verbs(alice, call, method, path):
    response = getattr(client_for(alice), method)(f"/api/v1/{path}", {}, format="json")
    assert response.status_code == 405
