"""GET calls/{call}/resources/{res}/attribution (API.md, "Attribution")."""

from appel.models import Call
from resources import editing

from ..conftest import client_for
from .conftest import append, review

URL = "/api/v1/calls/eau/resources/carte-des-puits/attribution"


def test_it_answers_anyone_with_the_contract_fields(api, resource, charlie, rita):
    append(resource, charlie, "Un ajout de charlie.")
    resource.refresh_from_db()
    review(resource.latest_version, rita)

    response = api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert {"license", "credit", "contributors", "reviewers", "derived_from"} <= set(body)
    assert body["license"] == {
        "id": "etalab-2.0",
        "name": "Licence Ouverte / Open Licence 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    }
    assert [
        (c["username"], c["display_name"], c["edits"], c["share"]) for c in body["contributors"]
    ] == [("bob", "Bob", 1, 0.6667), ("charlie", "Charlie", 1, 0.3333)]
    assert abs(sum(c["share"] for c in body["contributors"]) - 1) < 1e-9
    assert [r["username"] for r in body["reviewers"]] == ["rita"]
    assert body["derived_from"] is None
    assert body["version"] == 2


def test_it_writes_a_ready_to_paste_credit_line(api, resource):
    credit = api.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["credit"]
    assert credit.startswith("« Carte des puits », Bob — ")
    assert "http://testserver/calls/eau/resources/carte-des-puits/" in credit
    assert "Licence Ouverte / Open Licence 2.0" in credit
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in credit
    assert "version 1 of" in credit


def test_it_credits_the_stable_version_unless_asked_for_another(api, resource, charlie, rita):
    review(resource.latest_version, rita)
    append(resource, charlie, "Brouillon.")
    assert [c["username"] for c in api.get(URL).json()["contributors"]] == ["bob"]
    body = api.get(URL, {"version": 2}).json()
    assert [c["username"] for c in body["contributors"]] == ["bob", "charlie"]


def test_it_answers_404_for_an_unknown_version_and_400_for_a_bad_one(api, resource):
    missing = api.get(URL, {"version": 9})
    assert missing.status_code == 404
    assert missing.json()["detail"]
    bad = api.get(URL, {"version": "deux"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"version"}
    huge = api.get(URL, {"version": 2**40})
    assert huge.status_code == 404


def test_it_lists_the_source_of_a_derived_resource(api, resource, other_call, victor):
    editing.create_resource(
        call=other_call,
        author=victor,
        title="Puits mobiles",
        slug="puits-mobiles",
        content=resource.latest_version.content + "\nAjout de victor.\n",
        license="CC-BY-SA-4.0",
        derived_from=resource.latest_version,
    )
    body = api.get("/api/v1/calls/mobilite/resources/puits-mobiles/attribution").json()
    assert [(c["username"], c["edits"]) for c in body["contributors"]] == [
        ("bob", 0),
        ("victor", 1),
    ]
    source = body["derived_from"]
    assert (source["call"], source["resource"], source["version"], source["title"]) == (
        "eau",
        "carte-des-puits",
        1,
        "Carte des puits",
    )
    assert source["license"]["id"] == "etalab-2.0"
    assert [c["username"] for c in source["contributors"]] == ["bob"]
    assert "Carte des puits" in body["credit"]


def test_it_hides_the_resources_of_a_draft_call(api, resource, alice):
    resource.call.status = Call.Status.DRAFT
    resource.call.save()
    assert api.get(URL).status_code == 404
    assert client_for(alice).get(URL).status_code == 200


def test_it_answers_404_for_an_unknown_resource(api, call):
    assert api.get("/api/v1/calls/eau/resources/nope/attribution").status_code == 404


def test_it_refuses_writes(resource, bob):
    assert client_for(bob).post(URL, {}, format="json").status_code == 405


def test_it_costs_the_same_queries_whatever_the_history(
    api, resource, bob, charlie, rita, django_assert_num_queries
):
    def count():
        with django_assert_num_queries(5):  # its state (ETag), resource, edits, approvals, users
            assert api.get(URL).status_code == 200

    count()
    for n in range(8):
        append(resource, bob if n % 2 else charlie, f"Mot {n}")
    resource.refresh_from_db()
    review(resource.latest_version, rita)
    count()
