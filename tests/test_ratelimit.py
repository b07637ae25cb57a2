import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from appel import ratelimit


def test_it_parses_rates():
    assert ratelimit.parse_rate("30/m") == (30, 60)
    assert ratelimit.parse_rate("5/15m") == (5, 900)
    assert ratelimit.parse_rate("10/h") == (10, 3600)


def test_it_answers_429_with_retry_after_on_the_api(limits_on, api):
    limits_on.setenv("RATE_LIMIT_API", "3/m")
    for _ in range(3):
        assert api.get("/api/v1/schema").status_code == 200
    response = api.get("/api/v1/schema", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert b"throttled" in response.content


def test_it_lets_everything_through_when_off(settings, api, monkeypatch):
    settings.RATE_LIMITS_ENABLED = False
    monkeypatch.setenv("RATE_LIMIT_API", "1/m")
    assert [api.get("/api/v1/schema").status_code for _ in range(3)] == [200, 200, 200]


def test_it_limits_web_posts_per_user_or_address(limits_on, rf: RequestFactory):
    limits_on.setenv("RATE_LIMIT_EDIT", "2/m")
    view = ratelimit.limit_posts("edit")(lambda request: HttpResponse("saved"))
    request = rf.post("/x", REMOTE_ADDR="10.0.0.1")
    request.user = type("Anon", (), {"is_authenticated": False})()
    assert [view(request).status_code for _ in range(2)] == [200, 200]
    refused = view(request)
    assert refused.status_code == 429 and refused["Retry-After"]
    # GETs are never counted
    assert view(rf.get("/x")).status_code == 200


def test_it_throttles_failed_logins_per_account(limits_on, rf):
    limits_on.setenv("RATE_LIMIT_LOGIN_FAILURE_ACCOUNT", "2/15m")
    request = rf.post("/login", REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        ratelimit.check_login(request, "Alice")
        ratelimit.record_failed_login(request, "Alice")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check_login(rf.post("/login", REMOTE_ADDR="10.0.0.3"), "alice")
    ratelimit.check_login(request, "bob")  # other accounts are not locked
