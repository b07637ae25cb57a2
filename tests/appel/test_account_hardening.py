"""Accounts against an outside attacker: tokens end, logins and resets are limited."""

import threading
import unicodedata

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import IntegrityError, connection, connections
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appel.models import User, username_key
from tests.conftest import PASSWORD, client_for, make_user

NEW_PASSWORD = "un-tout-autre-mot-de-passe-42"


def token_works(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me").status_code == 200


def token_of(user):
    return Token.objects.get_or_create(user=user)[0].key


def test_it_revokes_a_token_at_once(bob):
    key = token_of(bob)
    client = client_for(bob)
    assert client.post("/api/v1/auth/token/revoke").status_code == 204
    assert not token_works(key)
    answer = APIClient().post(
        "/api/v1/auth/token", {"username": "bob", "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["token"] != key
    assert token_works(answer.json()["token"])


def test_it_refuses_revocation_without_a_token(db):
    assert APIClient().post("/api/v1/auth/token/revoke").status_code == 401


def test_it_replaces_the_token_when_the_password_changes(bob, client):
    key = token_of(bob)
    client.force_login(bob)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not token_works(key)


def test_it_replaces_the_token_when_the_password_is_reset(bob, client):
    key = token_of(bob)
    uid = urlsafe_base64_encode(force_bytes(bob.pk))
    url = f"/accounts/reset/{uid}/{default_token_generator.make_token(bob)}/"
    set_password_url = client.get(url)["Location"]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert not token_works(key)


def test_it_keeps_the_token_when_the_profile_is_saved(bob, client):
    key = token_of(bob)
    client.force_login(bob)
    client.post("/accounts/profile/", {"display_name": "Bob B.", "email": "bob@example.org"})
    assert token_works(key)


def test_it_signs_out_everywhere(bob, client):
    key = token_of(bob)
    elsewhere = APIClient()
    elsewhere.force_login(bob)
    client.force_login(bob)
    page = client.get("/accounts/profile/").content.decode()
    assert 'action="/accounts/sign-out-everywhere/"' in page
    response = client.post("/accounts/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not token_works(key)
    assert client.get("/accounts/profile/").status_code == 302
    assert elsewhere.get("/accounts/profile/").status_code == 302
    # Signing in again works, and only ends what came before.
    assert client.login(username="bob", password=PASSWORD)
    assert client.get("/accounts/profile/").status_code == 200


def test_it_limits_admin_logins_like_the_site(limits_on, root_client_db):
    limits_on.setenv("RATE_LIMIT_LOGIN_FAILURE_ACCOUNT", "3/15m")
    client = APIClient()
    bad = {"username": "root", "password": "wrong", "next": "/admin/"}
    codes = [client.post("/admin/login/", bad).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    # The account is locked for the site's login too.
    assert client.post("/accounts/login/", {"username": "root", "password": "x"}).status_code == 429


@pytest.fixture
def root_client_db(db):
    return User.objects.create_superuser("root", "root@example.org", "x")


def test_it_limits_password_reset_mails_per_address_answering_the_same_page(limits_on, bob):
    limits_on.setenv("RATE_LIMIT_PASSWORD_RESET_EMAIL", "2/h")
    client = APIClient()
    answers = [
        client.post("/accounts/password_reset/", {"email": "bob@example.org"}, REMOTE_ADDR=ip)
        for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")
    ]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password_reset/done/")
    }
    assert len(mail.outbox) == 2
    # Unknown addresses answer the same page.
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password_reset/done/")


def test_it_limits_password_reset_requests_per_client(limits_on, bob, charlie):
    limits_on.setenv("RATE_LIMIT_PASSWORD_RESET_ADDRESS", "1/h")
    client = APIClient()
    for email in ("bob@example.org", "charlie@example.org"):
        answer = client.post("/accounts/password_reset/", {"email": email})
        assert answer["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1


# One name per person, whatever the spelling


@pytest.mark.parametrize("spelling", ["ｌｅａ", "ℓea", "𝐥𝐞𝐚", "Ｌｅａ", "LEA", "Lea"])
def test_it_refuses_a_look_alike_username_on_the_api(db, spelling):
    make_user("lea")
    answer = APIClient().post(
        "/api/v1/auth/register", {"username": spelling, "password": NEW_PASSWORD}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["username"] == ["A user with that username already exists."]
    assert User.objects.count() == 1


@pytest.mark.parametrize("spelling", ["Ｌｅａ", "ℓea", "LEA"])
def test_it_refuses_a_look_alike_username_on_the_sign_up_page(db, client, spelling):
    make_user("lea")
    form = {"username": spelling, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post("/accounts/signup/", form)
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_it_stores_a_normalised_username(db):
    answer = APIClient().post(
        "/api/v1/auth/register", {"username": "Ｍｏｎａ", "password": NEW_PASSWORD}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["username"] == "Mona"


def test_the_database_refuses_a_second_spelling(db):
    make_user("Straße")
    with pytest.raises(IntegrityError):
        User.objects.create_user("STRASSE", password=PASSWORD)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_name_make_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (set DATABASE_URL)")
    spellings = ["dupeN", "DUPEN"] * 6
    barrier = threading.Barrier(len(spellings))
    codes = [None] * len(spellings)

    def register(i):
        try:
            barrier.wait()
            codes[i] = (
                APIClient()
                .post(
                    "/api/v1/auth/register",
                    {"username": spellings[i], "password": NEW_PASSWORD},
                    format="json",
                )
                .status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(len(spellings))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [201] + [400] * 11
    assert User.objects.filter(username_key="dupen").count() == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_username_keys_are_stable_and_blind_to_case_and_width(name):
    key = username_key(name)
    assert username_key(key) == key
    assert username_key(unicodedata.normalize("NFKC", name)) == key
    if name.isascii():
        assert username_key(name.swapcase()) == key
    # Full-width forms of ASCII letters and digits are the same name.
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in name)
    assert username_key(wide) == key
