import re

import pytest
from rest_framework.test import APIClient

from appel.models import User
from tests.conftest import PASSWORD, make_call, web_client

STRONG = "x8!kL#pq2Z-rivière"


def test_it_signs_up_and_logs_in(db):
    client = web_client(None)
    data = {
        "username": "mona",
        "display_name": "Mona Lisa",
        "email": "",
        "password1": STRONG,
        "password2": STRONG,
    }
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user = User.objects.get(username="mona")
    assert user.display_name == "Mona Lisa"
    assert client.get("/accounts/profile/").context["user"] == user


def test_it_follows_a_safe_next_after_signing_up(db):
    data = {"username": "mona", "password1": STRONG, "password2": STRONG}
    response = web_client(None).post("/accounts/signup/?next=/calls/eau/", data)
    assert response["Location"] == "/calls/eau/"
    data["username"] = "lea"
    response = web_client(None).post("/accounts/signup/?next=https://evil.example/", data)
    assert response["Location"] == "/accounts/profile/"


def test_it_refuses_weak_passwords_and_taken_names_on_sign_up(alice):
    data = {"username": "Alice", "password1": "123", "password2": "123"}
    response = web_client(None).post("/accounts/signup/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "password2"}
    assert 'aria-describedby="id_username_helptext id_username_error"' in response.content.decode()
    assert User.objects.count() == 1


def test_it_sends_signed_in_users_to_their_profile(alice):
    assert web_client(alice).get("/accounts/signup/")["Location"] == "/accounts/profile/"


def test_it_logs_in_and_out(alice):
    client = web_client(None)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # log out by POST only
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/accounts/profile/").status_code == 302


def test_it_refuses_a_wrong_password(alice):
    response = web_client(None).post("/accounts/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_it_shows_the_roles_on_the_profile(alice, rita, call, draft, other_call):
    own = web_client(alice).get("/accounts/profile/")
    assert [(m.call.slug, m.role) for m in own.context["memberships"]] == [
        ("brouillon", "steward"),
        ("eau", "steward"),
    ]
    # rita reviews the draft too, but only its stewards may see it.
    public = web_client(None).get("/users/rita/")
    assert [m.call.slug for m in public.context["memberships"]] == ["eau"]
    assert "brouillon" not in public.content.decode()
    assert [m.call.slug for m in web_client(alice).get("/users/rita/").context["memberships"]] == [
        "brouillon",
        "eau",
    ]


def test_it_edits_the_display_name(alice):
    client = web_client(alice)
    response = client.post("/accounts/profile/", {"display_name": "Alice L.", "email": ""})
    assert response["Location"] == "/accounts/profile/"
    alice.refresh_from_db()
    assert alice.display_name == "Alice L."
    assert alice.name == "Alice L."


def test_it_keeps_the_header_name_when_the_form_is_invalid(alice):
    response = web_client(alice).post(
        "/accounts/profile/", {"display_name": "x" * 151, "email": "nope"}
    )
    assert set(response.context["form"].errors) == {"display_name", "email"}
    assert "x" * 151 not in response.content.decode().split("<main")[0]
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_it_hides_the_form_on_public_profiles(alice, bob):
    response = web_client(bob).get("/users/alice/")
    assert response.context.get("form") is None
    assert 'action="/accounts/profile/"' not in response.content.decode()


def test_it_answers_404_for_unknown_or_inactive_users(alice):
    assert web_client(None).get("/users/nobody/").status_code == 404
    alice.is_active = False
    alice.save()
    assert web_client(None).get("/users/alice/").status_code == 404


def test_it_changes_the_password(alice):
    client = web_client(alice)
    assert client.get("/accounts/password_change/").status_code == 200
    data = {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    response = client.post("/accounts/password_change/", data)
    assert response["Location"] == "/accounts/password_change/done/"
    alice.refresh_from_db()
    assert alice.check_password(STRONG)


def test_it_resets_a_forgotten_password_by_mail(alice, mailoutbox):
    client = web_client(None)
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session key
    assert client.get(form_url).context["validlink"]
    data = {"new_password1": STRONG, "new_password2": STRONG}
    assert client.post(form_url, data)["Location"] == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password(STRONG)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/done/",
        "/accounts/reset/MQ/bad-token/",
    ],
)
def test_it_renders_every_account_page(db, url):
    response = web_client(None).get(url)
    assert response.status_code == 200
    assert response.templates[0].name.startswith("registration/")


def test_it_renders_the_password_changed_page(alice):
    assert web_client(alice).get("/accounts/password_change/done/").status_code == 200


def test_it_shows_the_calls_of_a_member_once_each(alice):
    make_call(alice, slug="deux")
    response = web_client(None).get("/users/alice/")
    assert [m.call.slug for m in response.context["memberships"]] == ["deux"]


def test_it_limits_failed_logins_per_account(alice, limits_on):
    limits_on.setenv("RATE_LIMIT_LOGIN_FAILURE_ACCOUNT", "2/15m")
    wrong = {"username": "alice", "password": "wrong"}
    for address in ["10.0.0.1", "10.0.0.2"]:
        response = web_client(None).post("/accounts/login/", wrong, REMOTE_ADDR=address)
        assert response.status_code == 200
    right = {"username": "alice", "password": PASSWORD}
    refused = web_client(None).post("/accounts/login/", right, REMOTE_ADDR="10.0.0.3")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    token = APIClient().post("/api/v1/auth/token", right, format="json", REMOTE_ADDR="10.0.0.4")
    assert token.status_code == 429


def test_it_counts_failed_token_requests_as_failed_logins(alice, limits_on):
    limits_on.setenv("RATE_LIMIT_LOGIN_FAILURE_ACCOUNT", "2/15m")
    for _ in range(2):
        body = {"username": "alice", "password": "wrong"}
        assert APIClient().post("/api/v1/auth/token", body, format="json").status_code == 400
    right = {"username": "alice", "password": PASSWORD}
    assert web_client(None).post("/accounts/login/", right).status_code == 429


def test_it_limits_sign_ups_per_address(db, limits_on):
    limits_on.setenv("RATE_LIMIT_REGISTER", "2/h")
    for username in ["mona", "lea"]:
        data = {"username": username, "password1": STRONG, "password2": STRONG}
        assert web_client(None).post("/accounts/signup/", data).status_code == 302
    # The page and the API share the allowance of an address.
    data = {"username": "zoe", "password1": STRONG, "password2": STRONG}
    assert web_client(None).post("/accounts/signup/", data).status_code == 429
    body = {"username": "zoe", "password": STRONG}
    assert APIClient().post("/api/v1/auth/register", body, format="json").status_code == 429
    assert not User.objects.filter(username="zoe").exists()
