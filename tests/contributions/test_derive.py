"""Reuse: a new resource derived from a version of another, through the API and the page."""

import pytest

from appel.models import Call
from resources import editing
from resources.models import Resource

from ..conftest import client_for
from .conftest import TEXT

PAGE = "/calls/eau/resources/carte-des-puits/derive/"
REFUSAL = (
    "Material under Creative Commons Attribution-ShareAlike 4.0 (CC-BY-SA-4.0) cannot be "
    "reused under Creative Commons Attribution 4.0 (CC-BY-4.0): its share-alike clause"
)


@pytest.fixture
def share_alike(call, bob):
    """A CC-BY-SA-4.0 resource of `call`: it may only be reused under CC-BY-SA (or GPLv3)."""
    return editing.create_resource(
        call=call, author=bob, title="Guide", slug="guide", content=TEXT, license="CC-BY-SA-4.0"
    ).resource


def derive_by_api(user, *, source_call="eau", source="carte-des-puits", license, call="mobilite"):
    return client_for(user).post(
        f"/api/v1/calls/{call}/resources",
        {
            "title": "Puits mobiles",
            "content": TEXT + "\nComplément de victor.\n",
            "license": license,
            "derived_from": {"call": source_call, "resource": source, "version": 1},
        },
        format="json",
    )


def test_it_derives_through_the_api_and_credits_the_source(resource, other_call, victor, api):
    response = derive_by_api(victor, license="CC-BY-SA-4.0")

    assert response.status_code == 201
    assert response.json()["derived_from"] == {
        "call": "eau",
        "resource": "carte-des-puits",
        "version": 1,
    }
    credit = api.get("/api/v1/calls/mobilite/resources/puits-mobiles/attribution").json()
    assert [(c["username"], c["edits"]) for c in credit["contributors"]] == [
        ("bob", 0),
        ("victor", 1),
    ]
    assert credit["derived_from"]["resource"] == "carte-des-puits"
    assert [c["username"] for c in credit["derived_from"]["contributors"]] == ["bob"]


def test_it_refuses_an_incompatible_license_through_the_api(share_alike, other_call, victor):
    response = derive_by_api(victor, source="guide", license="CC-BY-4.0")

    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["license"][0].startswith(REFUSAL)
    assert REFUSAL in body["detail"]
    assert not Resource.objects.filter(call=other_call).exists()


def test_it_allows_share_alike_into_share_alike(share_alike, other_call, victor):
    assert derive_by_api(victor, source="guide", license="CC-BY-SA-4.0").status_code == 201


# The web page


def test_it_sends_anonymous_visitors_to_log_in(client, resource):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_license_check_before_saving(client, resource, other_call, victor):
    client.force_login(victor)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    # Default: the source's own call and license, which allow the reuse.
    assert 'role="status"' in html and "Allowed:" in html
    assert '<option value="eau" selected>' in html
    assert 'name="title"' in html and 'value="Carte des puits"' in html


def test_it_rechecks_on_a_get_with_a_call_and_a_license(client, share_alike, other_call, victor):
    client.force_login(victor)
    url = "/calls/eau/resources/guide/derive/"
    refused = client.get(url, {"call": "mobilite", "license": "CC-BY-4.0"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert REFUSAL in html
    assert "Create the derived resource" not in html  # nothing to save while the check fails
    allowed = client.get(url, {"call": "mobilite", "license": "CC-BY-SA-4.0", "title": "Mon titre"})
    assert REFUSAL not in allowed.content.decode()
    assert 'value="Mon titre"' in allowed.content.decode()


def test_it_says_when_the_target_call_does_not_accept_the_license(
    client, resource, other_call, victor
):
    client.force_login(victor)
    page = client.get(PAGE, {"call": "mobilite", "license": "MIT"})
    assert "accepts only these licenses: CC-BY-4.0, CC-BY-SA-4.0, etalab-2.0" in (
        page.content.decode()
    )


def test_it_creates_the_derived_resource_and_redirects_to_it(client, resource, other_call, victor):
    client.force_login(victor)
    response = client.post(
        PAGE,
        {"call": "mobilite", "license": "CC-BY-SA-4.0", "title": "Puits mobiles", "version": "1"},
    )
    derived = Resource.objects.get(call=other_call)
    assert response.status_code == 302
    assert response["Location"] == derived.get_absolute_url()
    assert (derived.title, derived.license) == ("Puits mobiles", "CC-BY-SA-4.0")
    assert derived.derived_from == resource.latest_version
    assert derived.latest_version.content == TEXT
    assert derived.latest_version.authorship == resource.latest_version.authorship
    assert derived.latest_version.comment == "Derived from eau/carte-des-puits version 1"


def test_it_refuses_an_incompatible_license_on_the_page_and_keeps_the_title(
    client, share_alike, other_call, victor
):
    client.force_login(victor)
    response = client.post(
        "/calls/eau/resources/guide/derive/",
        {"call": "mobilite", "license": "CC-BY-4.0", "title": "Mon titre", "version": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert REFUSAL in html
    assert '<input type="hidden" name="title" value="Mon titre">' in html  # kept for a recheck
    assert not Resource.objects.filter(call=other_call).exists()


def test_it_refuses_a_call_that_is_not_open(client, resource, other_call, victor):
    other_call.status = Call.Status.CLOSED
    other_call.save()
    client.force_login(victor)
    response = client.post(
        PAGE, {"call": "mobilite", "license": "CC-BY-4.0", "title": "X", "version": "1"}
    )
    assert response.status_code == 400
    assert "This call is not open" in response.content.decode()
    assert not Resource.objects.filter(call=other_call).exists()


def test_it_answers_404_for_an_unknown_source_version(client, resource, victor):
    client.force_login(victor)
    assert client.get(PAGE, {"version": "9"}).status_code == 404
    assert client.get(PAGE, {"version": "abc"}).status_code == 404


def test_it_keeps_an_empty_title_on_the_form_with_its_error(client, resource, victor):
    client.force_login(victor)
    response = client.post(
        PAGE, {"call": "eau", "license": "etalab-2.0", "title": "", "version": "1"}
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert Resource.objects.count() == 1
