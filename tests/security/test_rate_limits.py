"""Every rate-limited entry answers 429 with Retry-After once its allowance is spent.

tests/conftest.py turns the limits off for the rest of the suite; here they
are on, with tiny allowances set from the environment as operators set them.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, client_for, web_client

RES = "/calls/eau/resources/guide"
API_RES = "/api/v1/calls/eau/resources/guide"


def assert_limited(responses, allowed):
    """The first `allowed` answers get through, the next is a 429 with Retry-After."""
    codes = [r.status_code for r in responses]
    assert 429 not in codes[:allowed], codes
    refused = responses[allowed]
    assert refused.status_code == 429, codes
    assert int(refused["Retry-After"]) >= 1
    return refused


def test_it_limits_web_logins_per_address(limits_on, roles):
    limits_on.setenv("RATE_LIMIT_LOGIN", "2/m")
    client = web_client(None)
    data = {"username": "bob", "password": PASSWORD}
    refused = assert_limited([client.post("/accounts/login/", data) for _ in range(3)], 2)
    assert b"Too many requests" in refused.content


def test_it_throttles_failed_logins_per_account_across_addresses(limits_on, roles):
    limits_on.setenv("RATE_LIMIT_LOGIN_FAILURE_ACCOUNT", "2/15m")
    bad = {"username": "bob", "password": "wrong"}
    for address in ("10.0.0.1", "10.0.0.2"):
        assert (
            web_client(None).post("/accounts/login/", bad, REMOTE_ADDR=address).status_code == 200
        )
    good = {"username": "bob", "password": PASSWORD}
    response = web_client(None).post("/accounts/login/", good, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429 and response["Retry-After"]
    # Another account from the same address is not locked out.
    other = {"username": "charlie", "password": PASSWORD}
    assert (
        web_client(None).post("/accounts/login/", other, REMOTE_ADDR="10.0.0.3").status_code == 302
    )


def test_it_throttles_failed_logins_per_address_on_the_api(limits_on, roles):
    limits_on.setenv("RATE_LIMIT_LOGIN_FAILURE_ADDRESS", "2/15m")
    api = APIClient()
    answers = [
        api.post("/api/v1/auth/token", {"username": name, "password": "wrong"}, format="json")
        for name in ("bob", "charlie", "rita")
    ]
    refused = assert_limited(answers, 2)
    assert refused.json()["detail"]


def test_it_limits_sign_ups_on_the_site_and_the_api(limits_on, db):
    limits_on.setenv("RATE_LIMIT_REGISTER", "1/h")
    client = web_client(None)
    form = {"username": "x", "password1": "p", "password2": "q"}
    assert_limited([client.post("/accounts/signup/", form) for _ in range(2)], 1)
    cache.clear()
    api = APIClient()
    body = {"username": "newbie", "password": "short"}
    assert_limited([api.post("/api/v1/auth/register", body, format="json") for _ in range(2)], 1)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (f"{RES}/edit/", {"content": "Nouveau texte.", "base_version": "2"}),
        ("/calls/eau/resources/new/", {"title": "", "content": ""}),
        (f"{RES}/versions/1/restore/", {}),
        (f"{RES}/derive/", {}),
    ],
)
def test_it_limits_web_edits(limits_on, roles, url, data):
    limits_on.setenv("RATE_LIMIT_EDIT", "2/m")
    client = web_client(roles["contributor"])
    assert_limited([client.post(url, data) for _ in range(3)], 2)


def test_it_limits_web_reviews(limits_on, roles):
    limits_on.setenv("RATE_LIMIT_REVIEW", "1/m")
    client = web_client(roles["reviewer"])
    data = {"verdict": "comment", "comment": "Bien."}
    assert_limited([client.post(f"{RES}/versions/2/review/", data) for _ in range(2)], 1)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (f"{API_RES}/versions", {"content": "Texte", "base_version": 2}),
        ("/api/v1/calls/eau/resources", {"title": "", "content": ""}),
        (f"{API_RES}/versions/1/restore", {}),
    ],
)
def test_it_limits_api_edits(limits_on, roles, url, data):
    limits_on.setenv("RATE_LIMIT_EDIT", "2/m")
    client = client_for(roles["contributor"])
    refused = assert_limited([client.post(url, data, format="json") for _ in range(3)], 2)
    assert refused.json()["detail"]


def test_it_limits_api_reviews(limits_on, roles):
    limits_on.setenv("RATE_LIMIT_REVIEW", "1/m")
    client = client_for(roles["reviewer"])
    body = {"verdict": "comment", "comment": "Bien."}
    url = f"{API_RES}/versions/2/reviews"
    assert_limited([client.post(url, body, format="json") for _ in range(2)], 1)


def test_it_limits_every_api_request_per_user(limits_on, roles):
    limits_on.setenv("RATE_LIMIT_API", "3/m")
    client = client_for(roles["contributor"])
    assert_limited([client.get(API_RES) for _ in range(4)], 3)
    # Another user has an allowance of their own.
    assert client_for(roles["author"]).get(API_RES).status_code == 200


def test_it_lets_everything_through_with_rate_limits_off(settings, monkeypatch, roles):
    settings.RATE_LIMITS_ENABLED = False
    monkeypatch.setenv("RATE_LIMIT_EDIT", "1/m")
    client = client_for(roles["contributor"])
    body = {"content": "x", "base_version": 2}
    codes = [client.post(f"{API_RES}/versions", body, format="json").status_code for _ in range(3)]
    assert 429 not in codes


def test_it_reads_rate_limits_off_from_the_environment():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.RATE_LIMITS_ENABLED)"
    for value, expected in (("off", "False"), ("", "True"), ("on", "True")):
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={
                **__import__("os").environ,
                "DJANGO_SETTINGS_MODULE": "appel.settings",
                "RATE_LIMITS": value,
            },
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == expected, value


@pytest.mark.parametrize("url", [f"{RES}/diff/?from=1&to=2", "/calls/eau/export/"])
def test_it_limits_costly_pages_like_the_api(limits_on, roles, url):
    limits_on.setenv("RATE_LIMIT_API", "2/m")
    client = web_client(None)
    assert_limited([client.get(url) for _ in range(3)], 2)
    # Signed-in readers count against their own allowance.
    assert web_client(roles["contributor"]).get(url).status_code == 200
