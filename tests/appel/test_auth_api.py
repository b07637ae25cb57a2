from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appel.models import User
from tests.conftest import PASSWORD, client_for

STRONG = "x8!kL#pq2Z-rivière"


def test_it_registers_and_answers_a_working_token(db):
    body = {
        "username": "mona",
        "password": STRONG,
        "email": "mona@example.org",
        "display_name": "Mona",
    }
    response = APIClient().post("/api/v1/auth/register", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data == {"username": "mona", "display_name": "Mona", "token": data["token"]}
    user = User.objects.get(username="mona")
    assert user.check_password(STRONG)
    assert user.email == "mona@example.org"
    assert Token.objects.get(user=user).key == data["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {data['token']}")
    assert client.get("/api/v1/me").json() == {
        "username": "mona",
        "display_name": "Mona",
        "is_funder": False,
    }


def test_it_registers_without_the_optional_fields(db):
    body = {"username": "mona", "password": STRONG}
    response = APIClient().post("/api/v1/auth/register", body, format="json")
    assert response.status_code == 201
    assert response.json()["display_name"] == ""


def test_it_refuses_weak_passwords_with_the_reasons(db):
    for weak in ["1", "password", "12345678901", "mona@example.org"]:
        body = {"username": "mona", "password": weak, "email": "mona@example.org"}
        response = APIClient().post("/api/v1/auth/register", body, format="json")
        assert response.status_code == 400, weak
        assert list(response.json()["errors"]) == ["password"]
    assert not User.objects.exists()


def test_it_refuses_a_taken_username_whatever_its_case(alice):
    for username in ["alice", "Alice"]:
        body = {"username": username, "password": STRONG}
        response = APIClient().post("/api/v1/auth/register", body, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["username"]
    assert User.objects.count() == 1


def test_it_refuses_invalid_usernames_and_emails(db):
    for body, field in [
        ({"username": "mo na", "password": STRONG}, "username"),
        ({"username": "", "password": STRONG}, "username"),
        ({"password": STRONG}, "username"),
        ({"username": "mona"}, "password"),
        ({"username": "mona", "password": STRONG, "email": "pas-un-mail"}, "email"),
    ]:
        response = APIClient().post("/api/v1/auth/register", body, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_it_gives_a_token_for_the_right_password(alice):
    body = {"username": "alice", "password": PASSWORD}
    response = APIClient().post("/api/v1/auth/token", body, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=alice).key}
    # Asking again gives the same token.
    assert APIClient().post("/api/v1/auth/token", body, format="json").json() == response.json()


def test_it_refuses_a_token_for_a_wrong_password(alice):
    for body in [
        {"username": "alice", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "alice"},
        {},
    ]:
        response = APIClient().post("/api/v1/auth/token", body, format="json")
        assert response.status_code == 400
        assert response.json()["detail"]
        assert "token" not in response.json()


def test_it_refuses_a_token_to_inactive_users(alice):
    alice.is_active = False
    alice.save()
    body = {"username": "alice", "password": PASSWORD}
    assert APIClient().post("/api/v1/auth/token", body, format="json").status_code == 400


def test_it_says_who_i_am(alice, bob):
    assert client_for(alice).get("/api/v1/me").json() == {
        "username": "alice",
        "display_name": "Alice",
        "is_funder": True,
    }
    assert client_for(bob).get("/api/v1/me").json()["is_funder"] is False


def test_it_answers_401_to_anonymous_and_bad_tokens(db):
    assert APIClient().get("/api/v1/me").status_code == 401
    client = APIClient(HTTP_AUTHORIZATION="Token nope")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_it_lets_the_browser_session_use_the_api(alice):
    client = APIClient()
    client.force_login(alice)
    assert client.get("/api/v1/me").json()["username"] == "alice"
