"""Sign-in sessions listed on the profile, ended one by one."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from appel.models import UserSession
from tests.conftest import PASSWORD


def _browser(user, name):
    client = Client(HTTP_USER_AGENT=name, REMOTE_ADDR="192.0.2.7")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def two_browsers(bob):
    return _browser(bob, "Firefox sur le portable"), _browser(bob, "Chromium au bureau")


def test_the_profile_lists_each_signed_in_browser(two_browsers, bob):
    laptop, office = two_browsers
    html = laptop.get("/accounts/profile/", headers={"accept-language": "fr"}).content.decode()
    assert "Firefox sur le portable" in html and "Chromium au bureau" in html
    assert "depuis 192.0.2.7" in html
    assert html.count("ce navigateur") == 1


def test_ending_one_session_signs_that_browser_out_only(two_browsers, bob):
    laptop, office = two_browsers
    other = UserSession.objects.get(user=bob, user_agent="Chromium au bureau")
    response = laptop.post(f"/accounts/sessions/{other.pk}/end/")
    assert response["Location"] == "/accounts/profile/#sessions"
    assert office.get("/accounts/profile/").status_code == 302  # signed out
    assert laptop.get("/accounts/profile/").status_code == 200  # still in
    assert not Session.objects.filter(session_key=other.session_key).exists()


def test_ending_the_current_session_signs_out_here(two_browsers, bob):
    laptop, office = two_browsers
    here = UserSession.objects.get(user=bob, user_agent="Firefox sur le portable")
    assert laptop.post(f"/accounts/sessions/{here.pk}/end/")["Location"] == "/"
    assert laptop.get("/accounts/profile/").status_code == 302
    assert office.get("/accounts/profile/").status_code == 200


def test_nobody_ends_someone_elses_session(two_browsers, bob, charlie):
    laptop, office = two_browsers
    target = UserSession.objects.filter(user=bob).first()
    intruder = _browser(charlie, "Intrus")
    intruder.post(f"/accounts/sessions/{target.pk}/end/")
    assert laptop.get("/accounts/profile/").status_code == 200
    assert office.get("/accounts/profile/").status_code == 200


def test_signing_out_removes_the_line(two_browsers, bob):
    laptop, office = two_browsers
    laptop.post("/accounts/logout/")
    assert list(UserSession.objects.filter(user=bob).values_list("user_agent", flat=True)) == [
        "Chromium au bureau"
    ]


def test_a_forwarded_address_that_is_no_address_is_not_stored(bob, settings):
    settings.RATE_LIMIT_TRUST_FORWARDED_FOR = True
    client = Client(HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="192.0.2.7")
    client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert UserSession.objects.get(user=bob).ip_address is None


def test_signing_out_everywhere_empties_the_list(two_browsers, bob):
    laptop, office = two_browsers
    laptop.post("/accounts/sign-out-everywhere/")
    assert not UserSession.objects.filter(user=bob).exists()
    assert office.get("/accounts/profile/").status_code == 302
