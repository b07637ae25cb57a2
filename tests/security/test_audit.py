"""Privileged actions leave an audit entry, whichever way (page or API) they came."""
# ruff: noqa: E501

import pytest
from django.contrib import admin

from appel.models import AuditEntry
from tests.conftest import client_for, web_client

A = AuditEntry.Action


@pytest.fixture(autouse=True)
def _after_setup(roles):
    """Setting up the cast is logged too (calls launched, reviewers added): tests read what follows."""
    global _SETUP_LAST
    _SETUP_LAST = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def entries(call):
    return list(
        AuditEntry.objects.filter(call=call, pk__gt=_SETUP_LAST)
        .order_by("pk")
        .values_list("action", "actor__username", "target", "details")
    )


def test_it_logs_role_changes_and_removals_from_the_api(roles, call):
    steward = client_for(roles["steward"])
    steward.post(
        "/api/v1/calls/eau/members", {"username": "charlie", "role": "reviewer"}, format="json"
    )
    steward.post(
        "/api/v1/calls/eau/members", {"username": "charlie", "role": "steward"}, format="json"
    )
    steward.delete("/api/v1/calls/eau/members/rita")
    assert entries(call) == [
        (A.MEMBER_ADDED, "alice", "charlie", {"role": "reviewer"}),
        (A.ROLE_CHANGED, "alice", "charlie", {"before": "reviewer", "after": "steward"}),
        (A.MEMBER_REMOVED, "alice", "rita", {"role": "reviewer"}),
    ]


def test_it_logs_role_changes_from_the_pages(roles, call):
    client = web_client(roles["steward"])
    client.post("/calls/eau/members/", {"username": "bob", "role": "reviewer"})
    client.post("/calls/eau/members/rita/remove/")
    assert [e[:3] for e in entries(call)] == [
        (A.MEMBER_ADDED, "alice", "bob"),
        (A.MEMBER_REMOVED, "alice", "rita"),
    ]


def test_it_logs_nothing_for_a_refused_change(roles, call):
    response = client_for(roles["steward"]).delete("/api/v1/calls/eau/members/alice")
    assert response.status_code == 409  # the last steward
    assert entries(call) == []


def test_it_logs_status_and_budget_changes_from_the_api(roles, call):
    steward = client_for(roles["steward"])
    steward.patch(
        "/api/v1/calls/eau", {"status": "closed", "budget_amount": "25000.50"}, format="json"
    )
    steward.patch(
        "/api/v1/calls/eau", {"title": "Nouveau titre", "budget_amount": "25000.5"}, format="json"
    )
    assert entries(call) == [
        (A.STATUS_CHANGED, "alice", "eau", {"before": "open", "after": "closed"}),
        (
            A.BUDGET_CHANGED,
            "alice",
            "eau",
            {
                "before": {"amount": "20000.00", "currency": "EUR"},
                "after": {"amount": "25000.50", "currency": "EUR"},
            },
        ),
    ]


def test_it_logs_status_and_budget_changes_from_the_pages(roles, call):
    client = web_client(roles["steward"])
    client.post("/calls/eau/status/", {"status": "closed"})
    form = client.get("/calls/eau/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(budget_amount="100", budget_currency="USD")
    data["allowed_licenses"] = call.allowed_licenses
    response = client.post("/calls/eau/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    actions = [e[:2] for e in entries(call)]
    assert actions == [(A.STATUS_CHANGED, "alice"), (A.BUDGET_CHANGED, "alice")]
    assert entries(call)[1][3]["after"] == {"amount": "100", "currency": "USD"}


def test_it_logs_restores(roles, call, resource):
    response = client_for(roles["contributor"]).post(
        "/api/v1/calls/eau/resources/guide/versions/1/restore", format="json"
    )
    assert response.status_code == 201
    assert entries(call) == [
        (
            A.VERSION_RESTORED,
            "charlie",
            "guide",
            {"restored": 1, "version": 3, "title": resource.title},
        )
    ]
    # The log names the resource by its title, as a funder knows it, not by its slug.
    text = web_client(roles["steward"]).get("/calls/eau/audit/").content.decode()
    assert f'<a href="/calls/eau/resources/guide/">{resource.title}</a> as version 3' in text


def test_it_logs_retribution_publication_and_withdrawal(roles, call):
    steward = client_for(roles["steward"])
    steward.patch("/api/v1/calls/eau/retribution", {"published": True}, format="json")
    web_client(roles["steward"]).post("/calls/eau/retribution/", {"action": "withdraw"})
    logged = entries(call)
    assert [e[:3] for e in logged] == [
        (A.RETRIBUTION_PUBLISHED, "alice", "eau"),
        (A.RETRIBUTION_WITHDRAWN, "alice", "eau"),
    ]
    # Each publication keeps the figures it announced (none here: nothing is validated).
    assert logged[0][3] == {"budget_amount": "20000.00", "currency": "EUR", "shares": []}


def test_it_shows_the_log_to_stewards_only(roles, call, other_call):
    client_for(roles["steward"]).post(
        "/api/v1/calls/eau/members", {"username": "charlie", "role": "reviewer"}, format="json"
    )
    client_for(roles["other_steward"]).post(
        "/api/v1/calls/mobilite/members", {"username": "bob", "role": "reviewer"}, format="json"
    )
    page = web_client(roles["steward"]).get("/calls/eau/audit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'named <a href="/users/charlie/">Charlie</a> reviewer' in text
    assert "/users/bob/" not in text  # the other call's log is not mixed in
    for role in ("contributor", "author", "reviewer", "other_reviewer", "other_steward"):
        assert web_client(roles[role]).get("/calls/eau/audit/").status_code == 403, role
    assert web_client(None).get("/calls/eau/audit/").status_code == 302


def test_it_links_the_log_from_the_call_page_for_stewards_only(roles, call):
    assert b"/calls/eau/audit/" in web_client(roles["steward"]).get("/calls/eau/").content
    assert b"/calls/eau/audit/" not in web_client(roles["reviewer"]).get("/calls/eau/").content


def test_it_reads_the_log_page_in_constant_queries(roles, call, django_assert_max_num_queries):
    steward = client_for(roles["steward"])
    for name in ("bob", "charlie", "victor", "olga"):
        steward.post(
            "/api/v1/calls/eau/members", {"username": name, "role": "reviewer"}, format="json"
        )
    client = web_client(roles["steward"])
    client.get("/calls/eau/audit/")
    with django_assert_max_num_queries(8):
        assert client.get("/calls/eau/audit/").status_code == 200


@pytest.mark.parametrize("permission", ["has_add_permission", "has_delete_permission"])
def test_it_keeps_the_log_read_only_in_the_admin(rf, roles, permission):
    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/admin/")
    request.user = roles["admin"]
    assert getattr(model_admin, permission)(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_view_permission(request) is True


def test_it_lists_the_log_in_the_admin_for_admins(roles, call):
    client_for(roles["steward"]).delete("/api/v1/calls/eau/members/rita")
    response = web_client(roles["admin"]).get("/admin/appel/auditentry/")
    assert response.status_code == 200
    assert b"rita" in response.content
