"""Conditional GETs and the anonymous whole-page cache (appel/conditional.py).

Every read page and API GET with a natural version answers 200 with a
strong ETag, then 304 to the same If-None-Match without rendering, and a
new ETag (with a 200) once what it shows changed: a version, a review, the
language, the reader signed in, the CSRF secret, a flash message. An
anonymous reader's resource page and call page come whole from the cache,
never with someone else's token, message, language or sign-in.
"""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory

from appel.models import Call
from appel.stewarding import move_status
from contributions import reviewing
from resources import editing

from .conftest import SLUG, grow

R = f"/calls/eau/resources/{SLUG}"
A = f"/api/v1/calls/eau/resources/{SLUG}"

RESOURCE_PAGES = [
    f"{R}/",
    f"{R}/versions/1/",
    f"{R}/history/",
    f"{R}/diff/",
    f"{R}/attribution/",
    f"{R}/versions/1/authors/",
    f"{R}/export/?format=md",
    f"{R}/cite.cff",
    f"{R}/history/feed/",
    A,
    f"{A}/versions",
    f"{A}/versions/1",
    f"{A}/diff?from=1&to=1",
    f"{A}/attribution",
    f"{A}/export",
]
CALL_PAGES = [
    "/calls/eau/",
    "/calls/eau/challenges/nappes/",
    "/calls/eau/changes/",
    "/changes/",
    "/users/bob/",
    "/calls/eau/resources/",
    "/calls/eau/reviews/",
    "/calls/eau/export/",
    "/api/v1/calls/eau/export",
    "/calls/eau/changes/feed/",
    "/calls/eau/challenges/nappes/feed/",
    "/users/charlie/feed/",
]


@pytest.fixture(autouse=True)
def _no_window(settings):
    """ETags here change with what pages show only, not with the clock."""
    settings.ETAG_WINDOW_SECONDS = 0


def _get(client, url, **headers):
    response = client.get(url, **headers)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def _tagged(client, url, **headers):
    """A 200 with its ETag, then a 304 for the same If-None-Match; returns the ETag."""
    first = _get(client, url, **headers)
    assert first.status_code == 200, url
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/"), "a strong ETag"
    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert again.status_code == 304, url
    assert again.content == b""
    assert again["ETag"] == etag
    return etag


def _fresh(client, url, etag, **headers):
    """The old ETag is refused: a 200 with a new one."""
    response = _get(client, url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert response.status_code == 200, url
    assert response["ETag"] != etag
    return response


@pytest.mark.parametrize("url", RESOURCE_PAGES)
def test_resource_pages_answer_304_until_a_new_version(url, resource, charlie, client):
    etag = _tagged(client, url)
    grow(resource, charlie, 1)
    _fresh(client, url, etag)


@pytest.mark.parametrize("url", CALL_PAGES)
def test_call_pages_answer_304_until_a_new_version(url, resource, charlie, client):
    etag = _tagged(client, url)
    grow(resource, charlie, 1)
    _fresh(client, url, etag)


@pytest.mark.parametrize("url", CALL_PAGES)
def test_call_pages_change_with_a_new_resource(url, call, resource, charlie, client):
    etag = _tagged(client, url)
    editing.create_resource(call=call, author=charlie, title="Autre", content="Texte.")
    _fresh(client, url, etag)


@pytest.mark.parametrize(
    "url", [f"{R}/", f"{R}/versions/1/", f"{R}/history/", f"{A}/versions/1", "/calls/eau/"]
)
def test_a_review_changes_the_etag(url, resource, rita, client, django_capture_on_commit_callbacks):
    etag = _tagged(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.record_review(
            version=resource.latest_version, reviewer=rita, verdict="request_changes", comment="?"
        )
    _fresh(client, url, etag)


def test_a_review_that_changes_no_state_still_changes_the_version_page(
    call, resource, rita, victor, client, django_capture_on_commit_callbacks
):
    """Two approvals needed: the first leaves the version pending, yet its page shows it."""
    call.approvals_required = 2
    call.save()
    url = f"{R}/versions/1/"
    etag = _tagged(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.record_review(version=resource.latest_version, reviewer=rita, verdict="approve")
    response = _fresh(client, url, etag)
    assert "Rita" in response.content.decode()


@pytest.mark.parametrize("url", [f"{R}/", f"{R}/history/", "/calls/eau/", A])
def test_each_language_has_its_own_etag(url, resource, client):
    english = _tagged(client, url, HTTP_ACCEPT_LANGUAGE="en")
    french = _fresh(client, url, english, HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Content-Language"] == "fr"
    vary = french["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


@pytest.mark.parametrize("url", [f"{R}/", f"{R}/versions/1/", "/calls/eau/", A])
def test_signed_in_readers_get_no_etag_and_never_a_304(url, resource, bob, client):
    etag = _tagged(client, url)
    client.force_login(bob)
    response = _get(client, url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_api_clients_with_a_token_get_no_etag(resource, bob, api):
    from tests.conftest import client_for

    etag = _tagged(Client(), A)
    response = client_for(bob).get(A, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and not response.has_header("ETag")


def test_a_pending_flash_message_is_never_answered_304(resource, client):
    url = f"{R}/"
    etag = _tagged(client, url)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Saved as version 7.")]
    )
    response = _get(client, url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Saved as version 7." in response.content.decode()
    assert not response.has_header("ETag")
    # The message was never kept for anyone else.
    assert "Saved as version 7." not in Client().get(url).content.decode()


def test_another_csrf_secret_gets_a_new_page(resource, client):
    url = f"{R}/"
    etag = _tagged(client, url)
    client.cookies["csrftoken"] = "x" * 32
    response = _fresh(client, url, etag)
    token = response.content.decode().split('name="csrfmiddlewaretoken" value="')[1][:64]
    assert _unmask_cipher_token(token) == response.cookies["csrftoken"].value


def test_a_head_request_is_answered_304_too(resource, client):
    etag = _tagged(client, A)
    assert client.head(A, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_pages_are_private_and_asked_again_each_time(resource, client):
    response = client.get(f"{R}/")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_a_missing_resource_is_404_without_etag(resource, client):
    response = client.get("/calls/eau/resources/nothing-here/", HTTP_IF_NONE_MATCH='"x"')
    assert response.status_code == 404 and not response.has_header("ETag")
    response = client.get("/api/v1/calls/eau/resources/nothing-here")
    assert response.status_code == 404 and response.json()["detail"]


def test_a_draft_stays_hidden_from_anonymous_readers(alice, client):
    from tests.conftest import make_call

    make_call(alice, slug="brouillon", status=Call.Status.DRAFT)
    assert client.get("/calls/brouillon/").status_code == 404
    assert client.get("/api/v1/calls/brouillon/export").status_code == 404


def test_a_closing_call_changes_its_pages(call, resource, alice, client):
    etag = _tagged(client, "/calls/eau/")
    page_etag = _tagged(client, f"{R}/")
    move_status(call=call, actor=alice, to=Call.Status.CLOSED)
    _fresh(client, "/calls/eau/", etag)
    _fresh(client, f"{R}/", page_etag)


# The anonymous whole-page cache

WHOLE_PAGES = [
    f"{R}/",
    "/calls/eau/",
    "/calls/eau/resources/",
    "/calls/eau/reviews/",
    "/calls/eau/challenges/nappes/",
    "/calls/eau/changes/",
    "/changes/",
    "/users/bob/",
]


@pytest.mark.parametrize("url", WHOLE_PAGES)
def test_an_anonymous_page_is_served_whole_with_one_query(
    url, resource, client, django_assert_num_queries
):
    first = client.get(url).content.decode()
    # A resource's or a call's state is one query; the site's is a cache read.
    with django_assert_num_queries(0 if url in ("/changes/", "/users/bob/") else 1):
        second = Client().get(url)
    assert second.status_code == 200
    # The same page, but the token is the second visitor's own.
    token = second.content.decode().split('name="csrfmiddlewaretoken" value="')[1][:64]
    assert token not in first
    assert _unmask_cipher_token(token) == second.cookies["csrftoken"].value
    assert "\x00" not in second.content.decode()


def test_the_cached_token_is_accepted_by_the_language_switch(resource):
    Client().get(f"{R}/")  # fills the cache
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"{R}/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1][:64]
    form = {"language": "fr", "next": f"{R}/", "csrfmiddlewaretoken": token}
    response = browser.post("/i18n/setlang/", form)
    assert response.status_code == 302
    assert "Carte des puits" in browser.get(f"{R}/").content.decode()
    assert browser.get(f"{R}/")["Content-Language"] == "fr"


@pytest.mark.parametrize("url", WHOLE_PAGES)
def test_signing_in_after_an_anonymous_visit_shows_the_readers_own_page(url, resource, bob, client):
    assert "Log in" in client.get(url).content.decode()
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "Log out" in page and "Log in</a>" not in page
    assert "Log in" in Client().get(url).content.decode()  # the anonymous copy is untouched


@pytest.mark.parametrize("url", WHOLE_PAGES)
def test_two_languages_two_cached_pages(url, resource):
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = Client().get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="en"' in english and 'lang="fr"' in french
    assert 'lang="en"' in Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr"' in Client().get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_a_page_with_a_message_is_not_cached_for_others(resource):
    storage = CookieStorage(RequestFactory().get("/"))
    browser = Client()
    browser.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.INFO, "Bienvenue, visiteur.")]
    )
    assert "Bienvenue, visiteur." in browser.get("/calls/eau/").content.decode()
    assert "Bienvenue, visiteur." not in Client().get("/calls/eau/").content.decode()


def test_the_cached_call_page_shows_a_new_resource(call, resource, charlie, client):
    assert "Autre commun" not in client.get("/calls/eau/resources/").content.decode()
    editing.create_resource(call=call, author=charlie, title="Autre commun", content="Texte.")
    assert "Autre commun" in client.get("/calls/eau/resources/").content.decode()


def test_the_cached_call_page_shows_a_renamed_call(
    call, resource, client, django_capture_on_commit_callbacks
):
    assert "Eaux profondes" not in client.get("/calls/eau/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        call.title = "Eaux profondes"
        call.save()
    assert "Eaux profondes" in client.get("/calls/eau/").content.decode()


@pytest.mark.parametrize(
    "url", ["/calls/eau/challenges/nappes/", "/calls/eau/changes/", "/changes/", "/users/charlie/"]
)
def test_the_cached_lists_show_a_new_resource(url, call, resource, charlie, client):
    assert "Autre commun" not in client.get(url).content.decode()
    editing.create_resource(
        call=call,
        author=charlie,
        title="Autre commun",
        content="Texte.",
        challenges=[call.challenges.get(slug="nappes")],
    )
    assert "Autre commun" in client.get(url).content.decode()


def test_a_filtered_list_is_tagged_but_never_kept_whole(
    resource, client, django_assert_num_queries
):
    url = "/calls/eau/changes/?kind=edit"
    client.get(url)
    with django_assert_num_queries(5):  # rendered again: a query string is never kept
        assert Client().get(url).status_code == 200


def test_a_missing_person_or_defi_is_404_and_never_kept(call, client):
    for url in ("/users/nobody/", "/calls/eau/challenges/nowhere/"):
        assert client.get(url).status_code == 404
        response = client.get(url)
        assert response.status_code == 404 and not response.has_header("ETag")
