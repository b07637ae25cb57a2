"""Hostile and malformed input everywhere: a clear 4xx, never a 500, nothing half-saved."""

# ruff: noqa: E501  (the tables of cases read best one case a line)

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from reversion.models import Version

from appel.models import AuditEntry, Call, Challenge, Membership, User
from contributions.models import Review
from resources.models import Resource, ResourceVersion
from tests.conftest import client_for, web_client

MODELS = (Call, Challenge, Membership, User, Resource, ResourceVersion, Review, AuditEntry, Version)
RES = "/api/v1/calls/eau/resources/guide"


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def assert_clear_error(response, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def steward(roles):
    return client_for(roles["steward"])


@pytest.fixture
def author(roles):
    return client_for(roles["author"])


def test_it_answers_413_in_json_to_a_body_over_the_upload_limit(author):
    before = counts()
    huge = json.dumps(
        {"content": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "base_version": 2}
    )
    response = author.post(f"{RES}/versions", huge, content_type="application/json")
    assert_clear_error(response, 413)
    assert counts() == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/calls"),
        ("patch", "/api/v1/calls/eau"),
        ("post", "/api/v1/calls/eau/challenges"),
        ("post", "/api/v1/calls/eau/members"),
        ("post", "/api/v1/calls/eau/resources"),
        ("post", f"{RES}/versions/2/reviews"),
        ("post", f"{RES}/versions/1/restore"),
        ("patch", "/api/v1/calls/eau/retribution"),
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/token"),
    ],
)
def test_it_answers_413_on_every_api_write(steward, method, url):
    before = counts()
    huge = json.dumps({"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = getattr(steward, method)(url, huge, content_type="application/json")
    assert_clear_error(response, 413)
    assert counts() == before


def test_it_answers_413_to_content_over_the_edit_limit(author):
    before = counts()
    content = "é" * (settings.MAX_CONTENT_BYTES // 2 + 1)
    response = author.post(
        f"{RES}/versions", {"content": content, "base_version": 2}, format="json"
    )
    assert_clear_error(response, 413)
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [b'{"title": "\xff\xfe caf\xe9", "content": "x"}', b"\xc3\x28", b'{"content": "\xed\xa0\x80"}'],
)
def test_it_answers_400_to_invalid_utf8(author, body):
    before = counts()
    response = author.post("/api/v1/calls/eau/resources", body, content_type="application/json")
    assert_clear_error(response)
    assert counts() == before


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "42", "{", '{"content": '])
def test_it_answers_400_to_json_that_is_not_an_object(author, steward, body):
    before = counts()
    for client, url in (
        (author, "/api/v1/calls/eau/resources"),
        (author, f"{RES}/versions"),
        (steward, f"{RES}/versions/2/reviews"),
        (steward, "/api/v1/calls"),
        (steward, "/api/v1/calls/eau/challenges"),
        (steward, "/api/v1/calls/eau/members"),
        (client_for(User.objects.get(username="charlie")), "/api/v1/auth/register"),
    ):
        response = client.post(url, body, content_type="application/json")
        assert_clear_error(response)
    assert_clear_error(steward.patch("/api/v1/calls/eau", body, content_type="application/json"))
    assert_clear_error(
        steward.patch("/api/v1/calls/eau/retribution", body, content_type="application/json")
    )
    assert counts() == before


NUL = "bad\x00text"
NUL_CASES = [
    ("author", "post", "/api/v1/calls/eau/resources", {"title": NUL, "content": "ok"}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "ok", "content": NUL}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "ok", "content": "ok", "comment": NUL}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "ok", "content": "ok", "slug": NUL}),
    ("author", "post", f"{RES}/versions", {"content": NUL, "base_version": 2}),
    ("author", "post", f"{RES}/versions", {"content": "ok", "title": NUL, "base_version": 2}),
    ("author", "post", f"{RES}/versions", {"content": "ok", "comment": NUL, "base_version": 2}),
    ("steward", "post", f"{RES}/versions/2/reviews", {"verdict": "comment", "comment": NUL}),
    ("steward", "post", f"{RES}/versions/2/reviews", {"verdict": NUL, "comment": "ok"}),
    ("steward", "post", "/api/v1/calls", {"title": NUL, "allowed_licenses": ["CC-BY-4.0"]}),
    ("steward", "post", "/api/v1/calls", {"title": "t", "summary": NUL, "allowed_licenses": ["MIT"]}),
    ("steward", "post", "/api/v1/calls", {"title": "t", "description": NUL, "allowed_licenses": ["MIT"]}),
    ("steward", "post", "/api/v1/calls", {"title": "t", "funder_name": NUL, "allowed_licenses": ["MIT"]}),
    ("steward", "post", "/api/v1/calls", {"title": "t", "allowed_licenses": [NUL]}),
    ("steward", "patch", "/api/v1/calls/eau", {"title": NUL}),
    ("steward", "patch", "/api/v1/calls/eau", {"budget_currency": "E\x00R"}),
    ("steward", "post", "/api/v1/calls/eau/challenges", {"title": NUL}),
    ("steward", "post", "/api/v1/calls/eau/challenges", {"title": "ok", "description": NUL}),
    ("steward", "patch", "/api/v1/calls/eau/challenges/nappes", {"description": NUL}),
    ("steward", "post", "/api/v1/calls/eau/members", {"username": NUL, "role": "reviewer"}),
    ("anonymous", "post", "/api/v1/auth/register", {"username": NUL, "password": "a long pass phrase 42"}),
    ("anonymous", "post", "/api/v1/auth/register", {"username": "newbie", "password": "a long pass phrase 42", "display_name": NUL}),
    ("anonymous", "post", "/api/v1/auth/register", {"username": "newbie", "password": NUL + "a long pass phrase 42"}),
    ("anonymous", "post", "/api/v1/auth/token", {"username": NUL, "password": NUL}),
]  # fmt: skip


@pytest.mark.parametrize(("role", "method", "url", "data"), NUL_CASES)
def test_it_refuses_nul_bytes_in_every_text_field(roles, role, method, url, data):
    client = client_for(roles[role]) if roles[role] else APIClient()
    before = counts()
    response = getattr(client, method)(url, data, format="json")
    assert_clear_error(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/calls/eau/resources/new/", {"title": NUL, "content": "ok", "license": "etalab-2.0"}),
        ("/calls/eau/resources/new/", {"title": "ok", "content": NUL, "license": "etalab-2.0"}),
        ("/calls/eau/resources/guide/edit/", {"content": NUL, "base_version": "2"}),
        ("/calls/eau/resources/guide/versions/2/review/", {"verdict": "comment", "comment": NUL}),
        ("/calls/eau/edit/", {"title": NUL}),
        ("/calls/eau/challenges/new/", {"title": NUL}),
        ("/accounts/profile/", {"display_name": NUL}),
    ],
)
def test_it_refuses_nul_bytes_in_web_forms(roles, url, data):
    before = counts()
    response = web_client(roles["steward"]).post(url, data)
    assert response.status_code == 400 or (
        response.status_code == 200 and b"Null characters are not allowed" in response.content
    ), response.status_code
    assert counts() == before


WEIRD_SLUGS = [
    "..",
    "../..",
    "%2e%2e",
    "%2e%2e%2fadmin",
    "..%2f..%2fetc%2fpasswd",
    "eau%00",
    "eau\u202egnp.exe",
    "%E2%80%AEeau",
    "🚰",
    "%F0%9F%9A%B0",
    "a" * 5000,
    "eau;drop table",
    "%ff%fe",
    "%c0%ae%c0%ae",
]


@pytest.mark.parametrize("slug", WEIRD_SLUGS)
# A cache key made of an address's words could not go to memcached (250 characters at most).
@pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
def test_it_answers_404_to_path_tricks_in_slugs(roles, slug):
    client = web_client(roles["steward"])
    api = client_for(roles["steward"])
    for url in (
        f"/calls/{slug}/",
        f"/calls/eau/resources/{slug}/",
        f"/calls/eau/resources/{slug}/history/",
        f"/users/{slug}/",
        f"/calls/{slug}/audit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/api/v1/calls/{slug}",
        f"/api/v1/calls/eau/resources/{slug}",
        f"/api/v1/calls/eau/challenges/{slug}",
        f"/api/v1/calls/eau/members/{slug}",
    ):
        response = api.get(url)
        assert response.status_code in (404, 405), (url, response.status_code)
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "slug", ["../x", "a/b", "é-accent", "🚰", "a" * 81, "new", "a b", "-x\u200b"]
)
def test_it_refuses_invalid_slugs_when_creating(roles, slug):
    before = counts()
    response = client_for(roles["author"]).post(
        "/api/v1/calls/eau/resources", {"title": "t", "slug": slug, "content": "x"}, format="json"
    )
    assert_clear_error(response)
    assert counts() == before


@pytest.mark.parametrize(
    "value",
    [
        "0000-01-01T00:00:00Z",
        "99999-01-01T00:00:00Z",
        "2026-13-45T00:00:00Z",
        "2026-02-30",
        "not a date",
        "9999-12-31T23:59:59-23:59",
        "-0001-01-01T00:00:00Z",
        12,
        [],
        {"year": 2026},
    ],
)
def test_it_refuses_dates_out_of_range(steward, value):
    before = counts()
    for field in ("opens_at", "closes_at"):
        assert_clear_error(steward.patch("/api/v1/calls/eau", {field: value}, format="json"))
    assert counts() == before


@pytest.mark.parametrize(
    "value",
    [
        "-1",
        "-0.01",
        -5,
        "1e20",
        "NaN",
        "Infinity",
        "-Infinity",
        "1" * 40,
        "12.345",
        "abc",
        [],
        True,
    ],
)
def test_it_refuses_bad_budgets(steward, value):
    before = counts()
    assert_clear_error(steward.patch("/api/v1/calls/eau", {"budget_amount": value}, format="json"))
    assert counts() == before
    assert str(Call.objects.get(slug="eau").budget_amount) == "20000.00"


def test_it_refuses_bad_budgets_in_the_web_form(roles):
    response = web_client(roles["steward"]).post(
        "/calls/eau/edit/", {"title": "Eau", "budget_amount": "-10", "budget_currency": "EUR"}
    )
    assert response.status_code in (200, 400)
    assert str(Call.objects.get(slug="eau").budget_amount) == "20000.00"


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("url", "statuses"),
    [
        (f"{RES}/versions/{HUGE}", {404}),
        (f"{RES}/versions/{HUGE}/reviews", {404}),
        (f"{RES}/versions?page={HUGE}", {404}),
        (f"{RES}/versions?page=-1", {404}),
        (f"{RES}/versions?page=abc", {404}),
        (f"{RES}/versions?page_size={HUGE}", {200}),
        (f"{RES}/versions?page_size=-5", {200}),
        (f"/api/v1/calls?page={HUGE}", {404}),
        (f"/api/v1/calls?page_size={HUGE}", {200}),
        (f"{RES}/diff?from={HUGE}&to=1", {400, 404}),
        (f"{RES}/diff?from=-1&to=abc", {400, 404}),
        (f"{RES}/export?format=json&version={HUGE}", {400, 404}),
        (f"{RES}/export?format=exe", {400, 404}),
        (f"/api/v1/calls/eau/changes?page={HUGE}", {404}),
        (f"/api/v1/calls/eau/reviews/pending?page={HUGE}", {404}),
        (f"/api/v1/search?q={'x' * 5000}", {200, 400}),
        ("/api/v1/calls?status=%00", {400}),
    ],
)
def test_it_answers_4xx_to_huge_numbers_in_the_api(roles, url, statuses):
    response = client_for(roles["author"]).get(url)
    assert response.status_code in statuses, (url, response.status_code)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "url",
    [
        f"/calls/eau/resources/guide/versions/{HUGE}/",
        f"/calls/eau/resources/guide/versions/{HUGE}/authors/",
        f"/calls/eau/resources/guide/versions/{HUGE}/review/",
        f"/calls/eau/resources/guide/history/?page={HUGE}",
        f"/calls/eau/resources/guide/diff/?from={HUGE}&to=-1",
        "/calls/eau/resources/guide/diff/?from=abc&to=%00",
        f"/calls/eau/resources/guide/export/?format=json&version={HUGE}",
        f"/calls/eau/resources/?page={HUGE}",
        f"/calls/eau/changes/?page={HUGE}",
        f"/calls/eau/reviews/?page={HUGE}",
        f"/calls/eau/audit/?page={HUGE}",
        f"/search/?q={'%00' * 10}",
    ],
)
def test_it_never_fails_on_huge_numbers_in_pages(roles, url):
    response = web_client(roles["steward"]).get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


@pytest.mark.parametrize("value", [HUGE, -1, 0, "1.5", 1.5, "two", None, True, [], {}, 10**30])
def test_it_refuses_bad_base_versions_and_restores(author, value):
    before = counts()
    response = author.post(
        f"{RES}/versions", {"content": "new text", "base_version": value}, format="json"
    )
    assert response.status_code in (400, 409), response.status_code
    assert counts() == before


WRONG_TYPES = [
    ("author", "post", "/api/v1/calls/eau/resources", {"title": {"a": 1}, "content": "x"}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": ["x"]}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": 12}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": "x", "challenge": 5}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": "x", "challenge": "nope"}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": "x", "license": ["MIT"]}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": "x", "license": "CC-BY-NC-4.0"}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": "x", "derived_from": "x"}),
    ("author", "post", "/api/v1/calls/eau/resources", {"title": "t", "content": "x", "derived_from": {"call": [], "resource": 1, "version": "a"}}),
    ("author", "post", f"{RES}/versions", {"content": None, "base_version": 2}),
    ("author", "post", f"{RES}/versions", {"content": "x", "title": [], "base_version": 2}),
    ("steward", "post", f"{RES}/versions/2/reviews", {"verdict": 5, "comment": "x"}),
    ("steward", "post", f"{RES}/versions/2/reviews", {"verdict": ["approve"], "comment": "x"}),
    ("steward", "post", f"{RES}/versions/2/reviews", {"verdict": "approve", "comment": {"x": 1}}),
    ("steward", "post", f"{RES}/versions/2/reviews", {"verdict": "veto", "comment": "x"}),
    ("steward", "patch", "/api/v1/calls/eau", {"allowed_licenses": "CC-BY-4.0"}),
    ("steward", "patch", "/api/v1/calls/eau", {"allowed_licenses": [["MIT"]]}),
    ("steward", "patch", "/api/v1/calls/eau", {"allowed_licenses": []}),
    ("steward", "patch", "/api/v1/calls/eau", {"approvals_required": HUGE}),
    ("steward", "patch", "/api/v1/calls/eau", {"approvals_required": 0}),
    ("steward", "patch", "/api/v1/calls/eau", {"approvals_required": "many"}),
    ("steward", "patch", "/api/v1/calls/eau", {"status": ["open"]}),
    ("steward", "patch", "/api/v1/calls/eau", {"status": "deleted"}),
    ("steward", "patch", "/api/v1/calls/eau", {"budget_currency": "euro"}),
    ("steward", "patch", "/api/v1/calls/eau", {"default_license": {"id": "MIT"}}),
    ("steward", "patch", "/api/v1/calls/eau/retribution", {"published": "yes"}),
    ("steward", "patch", "/api/v1/calls/eau/retribution", {"published": None}),
    ("steward", "post", "/api/v1/calls/eau/members", {"username": ["rita"], "role": "reviewer"}),
    ("steward", "post", "/api/v1/calls/eau/members", {"username": "rita", "role": "king"}),
    ("steward", "post", "/api/v1/calls/eau/members", {"username": "nobody", "role": "reviewer"}),
    ("steward", "post", "/api/v1/calls/eau/challenges", {"title": [1]}),
    ("anonymous", "post", "/api/v1/auth/register", {"username": 12, "password": ["x"]}),
    ("anonymous", "post", "/api/v1/auth/register", {"username": "x" * 200, "password": "a long pass phrase 42"}),
    ("anonymous", "post", "/api/v1/auth/token", {"username": {"$ne": ""}, "password": {"$ne": ""}}),
]  # fmt: skip


@pytest.mark.parametrize(("role", "method", "url", "data"), WRONG_TYPES)
def test_it_answers_400_to_wrong_json_types(roles, role, method, url, data):
    client = client_for(roles[role]) if roles[role] else APIClient()
    before = counts()
    stored = Call.objects.values().get(slug="eau")
    response = getattr(client, method)(url, data, format="json")
    assert_clear_error(response)
    assert counts() == before
    after = Call.objects.values().get(slug="eau")
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in stored.items() if k != "updated_at"
    }


def test_it_names_the_field_of_an_error_inside_a_list(steward):
    """A blank item of a list used to crash the error handler (found by the schema fuzzer)."""
    before = counts()
    response = steward.post(
        "/api/v1/calls", {"title": "t", "allowed_licenses": ["MIT", ""]}, format="json"
    )
    body = assert_clear_error(response)
    assert body["detail"].startswith("allowed_licenses: ")
    assert body["errors"] == {"allowed_licenses": {"1": ["This field may not be blank."]}}
    assert counts() == before


NUL_URLS = [
    "/api/v1/calls/e%00au",
    "/api/v1/calls/eau/challenges/n%00",
    "/api/v1/calls/eau/resources/g%00",
    "/api/v1/calls/eau/resources?challenge=%00",
    "/api/v1/calls/eau/resources?q=%00",
    "/api/v1/search?q=a%00b",
    "/api/v1/calls/eau/resources/guide/export?format=%00",
    "/api/v1/calls/eau/resources/guide/versions?page=%00",
    "/users/b%00b/",
    "/calls/e%00au/",
    "/calls/eau/resources/?challenge=%00",
    "/calls/eau/resources/?q=%00",
    "/search/?q=%00",
    "/calls/eau/resources/guide/export/?format=%00",
    "/calls/eau/resources/guide/diff/?from=%00",
    "/calls/eau/resources/guide/derive/?call=%00",
    "/accounts/login/?next=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_it_never_fails_on_nul_in_paths_and_queries(roles, url):
    """PostgreSQL refuses NUL in text: it must never reach a query (SQLite hid this)."""
    client = (
        client_for(roles["steward"]) if url.startswith("/api/") else web_client(roles["steward"])
    )
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    if "%00" in url.split("?")[0]:
        assert response.status_code == 404
    if url.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")


def test_it_refuses_nul_in_usernames_everywhere(roles):
    client = web_client(roles["steward"])
    form = client.post("/calls/eau/members/", {"username": "ri\x00ta", "role": "reviewer"})
    assert form.status_code in (200, 400)
    login = web_client(None).post("/accounts/login/", {"username": "b\x00b", "password": "x"})
    assert login.status_code == 200
    token = APIClient().post(
        "/api/v1/auth/token", {"username": "b\x00b", "password": "x"}, format="json"
    )
    assert_clear_error(token)
    delete = client_for(roles["steward"]).delete("/api/v1/calls/eau/members/ri%00ta")
    assert delete.status_code == 404
    assert Membership.objects.filter(call__slug="eau").count() == 2
