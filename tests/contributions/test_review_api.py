"""POST and GET calls/{call}/resources/{res}/versions/{n}/reviews (API.md)."""

import pytest

from appel.models import Call
from contributions.models import Review
from resources.models import Resource

from ..conftest import client_for
from .conftest import TEXT, edit, review

pytestmark = pytest.mark.usefixtures("english")


def url(resource, number, *, call="eau", slug=None):
    return f"/api/v1/calls/{call}/resources/{slug or resource.slug}/versions/{number}/reviews"


@pytest.fixture
def draft(resource, rita, charlie):
    """Version 2 by charlie, waiting; version 1 (bob's) is validated."""
    review(resource.latest_version, rita)
    return edit(resource, charlie, TEXT + "\nTroisième paragraphe.\n", comment="ajout")


def test_it_answers_401_to_anonymous(api, resource, draft):
    response = api.post(url(resource, 2), {"verdict": "approve"}, format="json")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert not draft.reviews.exists()


@pytest.mark.parametrize("who", ["bob", "charlie", "victor"])
def test_it_answers_403_to_people_who_do_not_review_this_call(
    request, resource, draft, other_call, who
):
    response = client_for(request.getfixturevalue(who)).post(
        url(resource, 2), {"verdict": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert "Only the reviewers and funders" in response.json()["detail"]
    assert not draft.reviews.exists()


@pytest.mark.parametrize("who", ["rita", "alice"])
def test_it_records_a_review_by_a_reviewer_or_steward(request, resource, draft, who):
    response = client_for(request.getfixturevalue(who)).post(
        url(resource, 2), {"verdict": "approve", "comment": "ok"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "version",
        "reviewer",
        "verdict",
        "comment",
        "comment_html",
        "created_at",
    }
    assert (body["version"], body["reviewer"], body["verdict"], body["comment"]) == (
        2,
        who,
        "approve",
        "ok",
    )
    assert body["comment_html"] == "<p>ok</p>"
    resource.refresh_from_db()
    assert resource.stable_version == draft


def test_it_answers_403_to_the_author(resource, draft, alice):
    mine = edit(resource, alice, TEXT + "\nTroisième paragraphe, revu.\n")
    response = client_for(alice).post(
        url(resource, mine.number), {"verdict": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert "You wrote part of this version" in response.json()["detail"]


def test_it_answers_403_to_every_author_of_a_merged_version(resource, alice, rita):
    edit(resource, alice, TEXT.replace("Premier", "Tout premier"), base_version=1)
    merged = edit(resource, rita, TEXT.replace("Deuxième", "Second"), base_version=1)
    assert merged.merged
    for author in (rita, alice):
        response = client_for(author).post(
            url(resource, merged.number), {"verdict": "approve"}, format="json"
        )
        assert response.status_code == 403, author
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/calls/eau/resources/carte-des-puits/versions/9/reviews",
        "/api/v1/calls/eau/resources/inconnue/versions/1/reviews",
        "/api/v1/calls/inconnu/resources/carte-des-puits/versions/1/reviews",
        "/api/v1/calls/mobilite/resources/carte-des-puits/versions/1/reviews",
        "/api/v1/calls/eau/resources/carte-des-puits/versions/99999999999999999999/reviews",
    ],
)
def test_it_answers_404_to_unknown_versions(resource, rita, other_call, path):
    assert client_for(rita).post(path, {"verdict": "approve"}, format="json").status_code == 404
    assert client_for(rita).get(path).status_code == 404


@pytest.mark.parametrize(
    "body", [{"verdict": "yes"}, {}, {"verdict": ["approve"]}, {"verdict": "approve", "comment": 3}]
)
def test_it_answers_400_to_bad_input(resource, rita, body):
    response = client_for(rita).post(url(resource, 1), body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] and set(data["errors"]) <= {"verdict", "comment"} and data["errors"]
    assert not Review.objects.exists()


def test_it_answers_400_to_a_body_that_is_not_an_object(resource, rita):
    response = client_for(rita).post(url(resource, 1), ["approve"], format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_it_accepts_a_null_comment(resource, rita):
    response = client_for(rita).post(
        url(resource, 1), {"verdict": "approve", "comment": None}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["comment"] == ""


def test_it_accepts_reviews_on_a_closed_call(resource, call, rita):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    response = client_for(rita).post(url(resource, 1), {"verdict": "approve"}, format="json")
    assert response.status_code == 201
    assert Resource.objects.get(pk=resource.pk).stable_version.number == 1


def test_it_answers_409_on_an_archived_call(resource, call, rita):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ARCHIVED)
    response = client_for(rita).post(url(resource, 1), {"verdict": "approve"}, format="json")
    assert response.status_code == 409
    assert "archived" in response.json()["detail"]
    assert not Review.objects.exists()


def test_it_validates_after_two_approvals_when_the_call_requires_two(resource, call, rita, alice):
    Call.objects.filter(pk=call.pk).update(approvals_required=2)
    client_for(rita).post(url(resource, 1), {"verdict": "approve"}, format="json")
    client_for(rita).post(url(resource, 1), {"verdict": "approve"}, format="json")
    assert Resource.objects.get(pk=resource.pk).stable_version is None
    client_for(alice).post(url(resource, 1), {"verdict": "approve"}, format="json")
    assert Resource.objects.get(pk=resource.pk).stable_version.state == "validated"


def test_it_sanitizes_the_comment(resource, rita):
    response = client_for(rita).post(
        url(resource, 1),
        {"verdict": "comment", "comment": "Voir <script>alert('x')</script> [ici](javascript:x)"},
        format="json",
    )
    assert response.status_code == 201
    html = response.json()["comment_html"]
    assert "<script" not in html
    assert "javascript:" not in html


def test_it_lists_the_reviews_of_a_version_to_anyone(
    api, resource, rita, alice, django_assert_num_queries
):
    review(resource.latest_version, rita, "request_changes", "Sources ?")
    review(resource.latest_version, alice, "approve")
    with django_assert_num_queries(5):  # call, its memberships, version, count, page
        response = api.get(url(resource, 1))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(r["reviewer"], r["verdict"]) for r in body["results"]] == [
        ("rita", "request_changes"),
        ("alice", "approve"),
    ]
