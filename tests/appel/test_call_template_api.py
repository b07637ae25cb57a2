"""The call's template, required sections and funding floor/cap through the API and the form."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_stewards_set_the_template_sections_and_caps(call, alice, api):
    answer = client_for(alice).patch(
        "/api/v1/calls/eau",
        {
            "resource_template": "## Pitch\n\n<!-- deux phrases -->\n",
            "required_sections": ["Pitch", "  Gouvernance  ", "Pitch"],
            "funding_min": "10000",
            "funding_max": "80000.50",
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    data = api.get("/api/v1/calls/eau").json()
    assert data["required_sections"] == ["Pitch", "Gouvernance"]  # trimmed, no duplicate
    assert (data["funding_min"], data["funding_max"]) == ("10000.00", "80000.50")
    assert data["resource_template"].startswith("## Pitch")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"funding_min": "500", "funding_max": "100"}, "funding_max"),
        ({"funding_min": "-1"}, "funding_min"),
        ({"required_sections": ["ok", ""]}, "required_sections"),
        ({"required_sections": "Pitch"}, "required_sections"),
        ({"required_sections": ["x" * 201]}, "required_sections"),
        ({"required_sections": [f"s{i}" for i in range(31)]}, "required_sections"),
    ],
)
def test_bad_values_are_explained(call, alice, body, field):
    answer = client_for(alice).patch("/api/v1/calls/eau", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_fields_are_null_and_empty_by_default(call, api):
    data = api.get("/api/v1/calls/eau").json()
    assert data["required_sections"] == [] and data["resource_template"] == ""
    assert data["funding_min"] is None and data["funding_max"] is None


def test_the_form_takes_one_section_a_line(call, alice, client):
    from appel.forms import CallForm

    form = CallForm(instance=call)
    data = {name: form[name].value() for name in form.fields}
    data.update(
        {
            "allowed_licenses": call.allowed_licenses,
            "required_sections": "Pitch\n\n## Gouvernance\n",
            "funding_min": "",
            "funding_max": "50000",
            "opens_at": "",
            "closes_at": "",
        }
    )
    client.force_login(alice)
    answer = client.post("/calls/eau/edit/", data)
    assert answer.status_code == 302, answer.context["form"].errors
    call.refresh_from_db()
    assert call.required_sections == ["Pitch", "Gouvernance"]
    assert call.funding_min is None and call.funding_max == 50000
    page = client.get("/calls/eau/edit/").content.decode()
    assert "Pitch\nGouvernance</textarea>" in page
