"""Dates that mean something: a call opens and closes by itself at its dates."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appel.models import AuditEntry, Call
from appel.stewarding import open_call
from tests.conftest import client_for, make_call

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
OPENS = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=PARIS)
CLOSES = datetime.datetime(2027, 3, 31, 18, 0, tzinfo=PARIS)
TICK = datetime.timedelta(microseconds=1)


def phase(status, now, opens=OPENS, closes=CLOSES):
    return Call.phase_of(status, opens, closes, now)


@pytest.mark.parametrize(
    "now, expected",
    [
        (OPENS - TICK, "scheduled"),
        (OPENS, "open"),
        (OPENS + TICK, "open"),
        (CLOSES - TICK, "open"),
        (CLOSES, "closed"),
        (CLOSES + TICK, "closed"),
    ],
)
def test_an_open_call_follows_its_dates_at_the_boundaries(now, expected):
    assert phase("open", now) == expected


def test_time_zones_name_the_same_instant():
    # 09:00 in Paris in January is 08:00 UTC: one microsecond before, still scheduled.
    assert phase("open", datetime.datetime(2027, 1, 15, 7, 59, 59, 999999, tzinfo=UTC)) == (
        "scheduled"
    )
    assert phase("open", datetime.datetime(2027, 1, 15, 8, 0, tzinfo=UTC)) == "open"
    # 18:00 in Paris at the end of March (summer time) is 16:00 UTC.
    assert phase("open", datetime.datetime(2027, 3, 31, 15, 59, tzinfo=UTC)) == "open"
    assert phase("open", datetime.datetime(2027, 3, 31, 16, 0, tzinfo=UTC)) == "closed"


@pytest.mark.parametrize("status", ["draft", "closed", "archived"])
def test_dates_never_move_a_call_that_is_not_open(status):
    for now in (OPENS - TICK, OPENS + TICK, CLOSES + TICK):
        assert phase(status, now) == status


def test_a_call_without_dates_is_what_its_status_says():
    assert phase("open", OPENS, opens=None, closes=None) == "open"
    assert phase("open", CLOSES + TICK, opens=OPENS, closes=None) == "open"


# The moves: scheduling, opening or closing now, and the close recorded when first seen


@pytest.fixture
def draft(alice):
    now = timezone.now()
    return make_call(
        alice,
        status=Call.Status.DRAFT,
        opens_at=now + datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=120),
    )


def audit_moves(call):
    return list(
        AuditEntry.objects.filter(call=call, action="status_changed")
        .order_by("pk")
        .values_list("actor__username", "details")
    )


@pytest.mark.django_db
def test_opening_a_draft_whose_opening_date_is_ahead_schedules_it(draft, alice, bob, client):
    client.force_login(alice)
    page = client.get("/calls/eau/status/").content.decode()
    assert "Schedule the opening" in page and "Open now instead" in page
    assert "opens by itself on" in page
    client.post("/calls/eau/status/", {"status": "open"})
    draft.refresh_from_db()
    assert (draft.status, draft.phase) == ("open", "scheduled")
    shown = client.get("/calls/eau/").content.decode()
    assert "badge-scheduled" in shown and "Opens on" in shown
    assert 'href="/calls/eau/resources/new/"' not in shown
    # Announced, hence public; but nobody can propose a resource yet.
    refused = client_for(bob).post(
        "/api/v1/calls/eau/resources", {"title": "Trop tôt", "content": "x"}, format="json"
    )
    assert refused.status_code == 409 and "opens on" in refused.json()["detail"]
    data = APIClient().get("/api/v1/calls/eau").json()
    assert (data["status"], data["phase"]) == ("open", "scheduled")


@pytest.mark.django_db
def test_a_scheduled_call_opens_by_itself_at_its_date(draft, alice, bob):
    open_call(call=draft, actor=alice)
    Call.objects.filter(pk=draft.pk).update(opens_at=timezone.now() - datetime.timedelta(seconds=1))
    answer = client_for(bob).post(
        "/api/v1/calls/eau/resources", {"title": "À l'heure", "content": "x"}, format="json"
    )
    assert answer.status_code == 201
    assert APIClient().get("/api/v1/calls/eau").json()["phase"] == "open"


@pytest.mark.django_db
def test_open_now_makes_the_opening_date_now(draft, alice, client):
    client.force_login(alice)
    client.post("/calls/eau/status/", {"status": "open", "at_once": "1"})
    draft.refresh_from_db()
    assert draft.phase == "open" and draft.opens_at <= timezone.now()
    # The same from a scheduled call, through its own confirmation page.
    other = make_call(
        alice,
        slug="plus-tard",
        status=Call.Status.DRAFT,
        opens_at=timezone.now() + datetime.timedelta(days=3),
    )
    open_call(call=other, actor=alice)
    assert "Open now" in client.get("/calls/plus-tard/").content.decode()
    page = client.get("/calls/plus-tard/status/?at_once=1").content.decode()
    assert "opens now instead of" in page
    client.post("/calls/plus-tard/status/", {"status": "open", "at_once": "1"})
    other.refresh_from_db()
    assert other.phase == "open"


@pytest.mark.django_db
def test_closing_before_the_closing_date_makes_it_now(call, alice, client):
    call.closes_at = timezone.now() + datetime.timedelta(days=10)
    call.save()
    client.force_login(alice)
    assert "becomes now" in client.get("/calls/eau/status/").content.decode()
    client.post("/calls/eau/status/", {"status": "closed"})
    call.refresh_from_db()
    assert call.status == "closed" and call.closes_at <= timezone.now()


@pytest.mark.django_db
def test_a_draft_past_its_closing_date_is_not_opened(draft, alice, client):
    Call.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(alice)
    answer = client.post("/calls/eau/status/", {"status": "open"}, follow=True)
    assert "The closing date has passed" in answer.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    refused = client_for(alice).patch("/api/v1/calls/eau", {"status": "open"}, format="json")
    assert refused.status_code == 400 and "closes_at" in refused.json()["errors"]


@pytest.mark.django_db
def test_the_close_made_by_the_date_is_recorded_when_first_seen(call, alice):
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
    # Not seen yet: the lists already say closed (never "open" beside a past date).
    listed = APIClient().get("/api/v1/calls?status=closed").json()["results"]
    assert [(c["slug"], c["status"]) for c in listed] == [("eau", "closed")]
    assert APIClient().get("/api/v1/calls?status=open").json()["results"] == []
    before = len(audit_moves(call))
    assert APIClient().get("/api/v1/calls/eau").json()["status"] == "closed"
    call.refresh_from_db()
    assert call.status == "closed"
    moves = audit_moves(call)
    assert len(moves) == before + 1 and moves[-1] == (None, {"before": "open", "after": "closed"})
    APIClient().get("/api/v1/calls/eau")
    assert len(audit_moves(call)) == before + 1  # recorded once


@pytest.mark.django_db
def test_the_old_refusals_stay(call, alice, client):
    client.force_login(alice)
    for target in ("draft", "archived", "nonsense"):
        client.post("/calls/eau/status/", {"status": target})
    call.refresh_from_db()
    assert call.status == "open"
    refused = client_for(alice).patch("/api/v1/calls/eau", {"status": "draft"}, format="json")
    assert refused.status_code == 409


@pytest.mark.django_db
def test_the_resource_page_follows_the_dates_without_any_write(call, bob, client):
    from resources import editing

    resource = editing.create_resource(call=call, author=bob, title="Carte", content="x").resource
    client.force_login(bob)
    assert "/edit/" in client.get(resource.get_absolute_url()).content.decode()
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get(resource.get_absolute_url()).content.decode()
    assert f'href="{resource.get_absolute_url()}edit/"' not in page
