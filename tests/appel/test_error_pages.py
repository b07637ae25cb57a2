"""The site's own error pages: in the layout, in the reader's language, with a way on.

DEBUG is off in tests, as in production: these are the pages visitors get.
The API answers the same errors in its JSON shape.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from appel import errors
from config.urls import urlpatterns as site_patterns
from tests.conftest import PASSWORD


def _boom(request):
    raise RuntimeError("a bug")


def _bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


def _api_boom(request):
    raise RuntimeError("an API bug")


urlpatterns = [
    path("boom/", _boom),
    path("bad/", _bad),
    path("api/v1/boom", _api_boom),
    *site_patterns,
]
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error


def _client(language):
    return Client(headers={"accept-language": language}, raise_request_exception=False)


LAYOUT = 'class="site-header"'


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Cette page n’existe pas"), ("en", "This page does not exist")],
)
def test_it_answers_an_unknown_page_in_the_layout_and_language(db, language, words):
    response = _client(language).get("/nowhere/")
    assert response.status_code == 404
    html = response.content.decode()
    assert LAYOUT in html and words in html
    assert f'<html lang="{language}">' in html
    assert 'href="/"' in html or 'href="/search/"' in html


def test_it_links_the_call_of_an_unknown_resource(call):
    response = _client("en").get(f"/calls/{call.slug}/resources/ghost/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Back to the call “Eau et territoires”" in html


@pytest.mark.parametrize(
    ("language", "words", "reason"),
    [
        (
            "fr",
            "Vous ne pouvez pas ouvrir cette page",
            "Les financeurs de cet appel n’ont pas encore publié sa rétribution.",
        ),
        (
            "en",
            "You cannot open this page",
            "The funders of this call have not published its retribution yet.",
        ),
    ],
)
def test_it_shows_the_reason_of_a_refusal_and_the_stewards(call, bob, language, words, reason):
    client = _client(language)
    client.login(username="bob", password=PASSWORD)
    response = client.get(f"/calls/{call.slug}/retribution/")
    html = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in html and words in html
    assert reason in html
    # The way on: the call and its stewards.
    assert f'href="/calls/{call.slug}/"' in html
    assert 'href="/users/alice/"' in html


def test_it_offers_to_log_in_to_anonymous_visitors(call):
    request_path = f"/calls/{call.slug}/retribution/"
    html = _client("en").get(request_path).content.decode()
    assert "/accounts/login/?next=" in html


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Un problème est survenu de notre côté"), ("en", "Something went wrong on our side")],
)
def test_it_answers_a_server_error_in_the_layout(db, language, words):
    response = _client(language).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert LAYOUT in html and words in html


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Requête incomprise"), ("en", "Bad request")]
)
def test_it_answers_a_bad_request_in_the_layout(db, language, words):
    response = _client(language).get("/bad/")
    assert response.status_code == 400
    assert words in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_the_api_answers_server_errors_in_json(db):
    response = _client("en").get("/api/v1/boom")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_api_answers_unknown_paths_in_json(db, language):
    response = _client(language).get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable." if language == "fr" else "Not found."}


def test_the_api_answers_refusals_in_json(call, bob):
    from tests.conftest import client_for

    response = client_for(bob).get(f"/api/v1/calls/{call.slug}/retribution")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Le formulaire n’a pas pu être accepté"), ("en", "The form could not be accepted")],
)
def test_it_explains_a_refused_csrf_check(call, bob, language, words):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(bob)
    response = client.post(f"/calls/{call.slug}/resources/new/", {"title": "x", "content": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert LAYOUT in html and words in html


def test_the_api_answers_a_refused_csrf_check_in_json(call, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(
        f"/api/v1/calls/{call.slug}/resources", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Trop de requêtes"), ("en", "Too many requests")]
)
def test_it_answers_too_many_requests_in_the_layout(bob, limits_on, language, words):
    limits_on.setenv("RATE_LIMIT_REGISTER", "1/m")
    client = _client(language)
    for _ in range(2):
        response = client.post("/accounts/signup/", {"username": ""})
    assert response.status_code == 429
    html = response.content.decode()
    assert LAYOUT in html and words in html


def test_a_permission_denied_without_a_message_still_explains(rf, bob):
    request = rf.get("/somewhere/")
    request.user = bob
    response = errors.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/calls/new/", "Seuls les financeurs lancent des appels"),
        (
            "/calls/eau/members/",
            "Seuls les financeurs de l’appel « Eau et territoires » le gèrent.",
        ),
    ],
)
def test_a_contributor_is_told_why_in_french(call, bob, path, words):
    client = _client("fr")
    client.force_login(bob)
    response = client.get(path)
    assert response.status_code == 403
    assert words in response.content.decode()
