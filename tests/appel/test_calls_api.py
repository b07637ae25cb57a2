import pytest
from rest_framework.test import APIClient

from appel import licenses
from appel.models import Call, Membership
from tests.conftest import client_for, make_call

from .conftest import call_body


def test_it_creates_a_draft_stewarded_by_its_creator(alice):
    response = client_for(alice).post("/api/v1/calls", call_body(slug="eau"), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["slug"] == "eau"
    assert data["status"] == "draft"
    assert data["created_by"] == "alice"
    assert data["description_html"] == '<h2 id="pourquoi">Pourquoi</h2>\n<p>Parce que.</p>'
    assert data["budget_amount"] == "20000.00"
    assert data["allowed_licenses"] == ["CC-BY-4.0", "etalab-2.0"]
    assert data["approvals_required"] == 2
    assert data["opens_at"] == "2030-01-01T09:00:00+01:00"
    assert data["created_at"][-6:] in {"+01:00", "+02:00"}
    assert data["stats"] == {
        "resources": 0,
        "versions": 0,
        "contributors": 0,
        "validated_resources": 0,
    }
    call = Call.objects.get(slug="eau")
    assert call.role_of(alice) == Membership.Role.STEWARD


def test_it_ignores_a_status_sent_on_creation(alice):
    response = client_for(alice).post("/api/v1/calls", call_body(status="open"), format="json")
    assert response.json()["status"] == "draft"


def test_it_derives_a_unique_slug_from_the_title(alice):
    client = client_for(alice)
    slugs = [
        client.post(
            "/api/v1/calls", call_body(title="Sobriété et résilience"), format="json"
        ).json()["slug"]
        for _ in range(3)
    ]
    assert slugs == [
        "sobriete-et-resilience",
        "sobriete-et-resilience-2",
        "sobriete-et-resilience-3",
    ]


def test_it_never_derives_a_reserved_slug(alice):
    response = client_for(alice).post("/api/v1/calls", call_body(title="New"), format="json")
    assert response.json()["slug"] == "new-2"


def test_it_defaults_the_default_license_to_the_first_allowed(alice):
    body = call_body(allowed_licenses=["CC-BY-SA-4.0", "CC-BY-4.0", "CC-BY-SA-4.0"])
    del body["default_license"]
    data = client_for(alice).post("/api/v1/calls", body, format="json").json()
    assert data["default_license"] == "CC-BY-SA-4.0"
    assert data["allowed_licenses"] == ["CC-BY-SA-4.0", "CC-BY-4.0"]


INVALID = [
    ({"closes_at": "2029-12-31T09:00:00+01:00"}, "closes_at"),
    ({"closes_at": "2030-01-01T09:00:00+01:00"}, "closes_at"),
    ({"budget_amount": "-1.00"}, "budget_amount"),
    ({"budget_amount": "1000000000000.00"}, "budget_amount"),
    ({"budget_amount": "10.001"}, "budget_amount"),
    ({"budget_currency": "euro"}, "budget_currency"),
    ({"budget_currency": "eur"}, "budget_currency"),
    ({"allowed_licenses": []}, "allowed_licenses"),
    ({"allowed_licenses": ["CC-BY-NC-4.0"]}, "allowed_licenses"),
    ({"allowed_licenses": ["WTFPL-9"]}, "allowed_licenses"),
    ({"default_license": "CC-BY-SA-4.0"}, "default_license"),
    ({"approvals_required": 0}, "approvals_required"),
    ({"approvals_required": -3}, "approvals_required"),
    ({"slug": "Pas un slug !"}, "slug"),
    ({"slug": "new"}, "slug"),
    ({"slug": "eau"}, "slug"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"status": "published"}, "status"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_it_refuses_invalid_calls_field_by_field(alice, call, change, field):
    response = client_for(alice).post("/api/v1/calls", call_body(**change), format="json")
    assert response.status_code == 400
    data = response.json()
    assert list(data["errors"]) == [field]
    assert data["detail"].startswith(f"{field}: ")
    assert Call.objects.count() == 1


def test_it_explains_why_a_license_is_refused(alice):
    body = call_body(allowed_licenses=["CC-BY-4.0", "CC-BY-ND-4.0"], default_license="CC-BY-4.0")
    response = client_for(alice).post("/api/v1/calls", body, format="json")
    assert response.json()["errors"] == {
        "allowed_licenses": [str(licenses.refusal("CC-BY-ND-4.0"))]
    }


def test_it_lists_only_the_calls_one_may_see(alice, bob, call, draft, other_call):
    results = APIClient().get("/api/v1/calls").json()["results"]
    assert [c["slug"] for c in results] == ["mobilite", "eau"]
    stewards_view = client_for(alice).get("/api/v1/calls").json()
    assert stewards_view["count"] == 3
    assert {c["slug"] for c in stewards_view["results"]} == {"brouillon", "mobilite", "eau"}


@pytest.mark.parametrize(
    ("status", "slugs"),
    [("open", ["eau"]), ("closed", ["ferme"]), ("draft", ["brouillon"]), ("archived", [])],
)
def test_it_filters_calls_by_status(alice, call, draft, status, slugs):
    make_call(alice, slug="ferme", status=Call.Status.CLOSED)
    results = client_for(alice).get(f"/api/v1/calls?status={status}").json()["results"]
    assert [c["slug"] for c in results] == slugs


def test_it_refuses_an_unknown_status_filter(call):
    response = APIClient().get("/api/v1/calls?status=published")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_it_counts_resources_versions_contributors_and_validated_ones(call, bob, charlie, rita):
    from contributions.reviewing import record_review
    from resources.editing import create_resource, edit_resource

    first = create_resource(call=call, author=bob, title="Carte", content="# Carte\n")
    edit_resource(
        resource=first.resource, author=charlie, content="# Carte\n\nPuits.\n", base_version=1
    )
    edit_resource(
        resource=first.resource, author=bob, content="# Carte\n\nPuits !\n", base_version=2
    )
    second = create_resource(call=call, author=charlie, title="Guide", content="# Guide\n")
    record_review(version=second, reviewer=rita, verdict="approve")
    make_call(rita, slug="autre")  # resources elsewhere do not count
    stats = APIClient().get("/api/v1/calls/eau").json()["stats"]
    assert stats == {"resources": 2, "versions": 4, "contributors": 2, "validated_resources": 1}


MOVES = [
    ("draft", "open", 200),
    ("open", "closed", 200),
    ("closed", "archived", 200),
    ("open", "open", 200),
    ("draft", "closed", 409),
    ("draft", "archived", 409),
    ("open", "draft", 409),
    ("open", "archived", 409),
    ("closed", "open", 409),
    ("closed", "draft", 409),
    ("archived", "closed", 409),
    ("archived", "open", 409),
]


@pytest.mark.parametrize(("current", "target", "code"), MOVES)
def test_it_moves_status_forward_only(alice, current, target, code):
    call = make_call(alice, status=current)
    response = client_for(alice).patch("/api/v1/calls/eau", {"status": target}, format="json")
    assert response.status_code == code
    call.refresh_from_db()
    assert call.status == (target if code == 200 else current)
    if code == 409:
        assert "errors" not in response.json()
        assert response.json()["detail"]


def test_it_saves_nothing_when_a_move_is_refused(alice, call):
    body = {"title": "Autre titre", "status": "draft"}
    assert client_for(alice).patch("/api/v1/calls/eau", body, format="json").status_code == 409
    call.refresh_from_db()
    assert call.title == "Eau et territoires"


def test_it_edits_a_call(alice, call):
    body = {
        "description": "*Neuf*",
        "allowed_licenses": ["CC-BY-SA-4.0"],
        "default_license": "CC-BY-SA-4.0",
    }
    response = client_for(alice).patch("/api/v1/calls/eau", body, format="json")
    assert response.status_code == 200
    assert response.json()["description_html"] == "<p><em>Neuf</em></p>"
    assert response.json()["stats"]["resources"] == 0
    call.refresh_from_db()
    assert call.allowed_licenses == ["CC-BY-SA-4.0"]


def test_it_validates_an_edit_against_the_stored_fields(alice, call):
    # The default license (etalab-2.0) would no longer be allowed.
    body = {"allowed_licenses": ["CC-BY-4.0"]}
    response = client_for(alice).patch("/api/v1/calls/eau", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["default_license"]
    body = {"opens_at": "2030-01-02T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"}
    response = client_for(alice).patch("/api/v1/calls/eau", body, format="json")
    assert list(response.json()["errors"]) == ["closes_at"]


def test_it_keeps_the_slug(alice, call):
    response = client_for(alice).patch("/api/v1/calls/eau", {"slug": "eau-2"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["slug"]
    assert (
        client_for(alice).patch("/api/v1/calls/eau", {"slug": "eau"}, format="json").status_code
        == 200
    )


def test_it_turns_a_slug_taken_an_instant_ago_into_a_field_error(alice, call):
    from django.core.exceptions import ValidationError

    from appel.stewarding import launch_call

    late = Call(
        slug="eau", title="Eau", allowed_licenses=["CC-BY-4.0"], default_license="CC-BY-4.0"
    )
    with pytest.raises(ValidationError) as error:
        launch_call(call=late, funder=alice)
    assert list(error.value.message_dict) == ["slug"]
    assert Call.objects.count() == 1
    assert not Membership.objects.filter(call__slug="eau", user=alice).exclude(call=call).exists()
