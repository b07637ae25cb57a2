"""The review page: contributions:version-review (GET shows, POST records)."""

import pytest
from django.urls import reverse

from appel.models import Call
from contributions.models import Review
from resources.models import ResourceVersion

from .conftest import TEXT, edit, review

pytestmark = pytest.mark.usefixtures("english")


def page(number, resource="carte-des-puits", call="eau"):
    return reverse("contributions:version-review", args=[call, resource, number])


@pytest.fixture
def draft(resource, rita, charlie):
    """Version 2 by charlie adds a paragraph; version 1 (bob's) is validated."""
    review(resource.latest_version, rita)
    return edit(resource, charlie, TEXT + "\nTroisième paragraphe.\n", comment="ajout")


def test_it_shows_the_changes_since_the_stable_version(client, draft):
    response = client.get(page(2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Changes since validated version 1" in html
    diff = html.split('class="diff"')[1].split("</div>")[0]
    assert diff.count("<ins>") == 1
    assert "Troisième paragraphe." in diff.split("<ins>")[1].split("</ins>")[0]
    assert "Premier paragraphe." not in diff.split("<ins>")[1]
    assert "<del>" not in diff
    assert "<p>Troisième paragraphe.</p>" in html  # the rendered draft


def test_it_shows_a_new_resource_whole(client, resource):
    html = client.get(page(1)).content.decode()
    assert "no version was validated before this one" in html
    assert "Deuxième paragraphe." in html.split('class="diff"')[1].split("</div>")[0]


def test_it_asks_anonymous_visitors_to_log_in(client, draft):
    response = client.get(page(2))
    assert 'name="verdict"' not in response.content.decode()
    assert f"{reverse('login')}?next=" in response.content.decode()
    response = client.post(page(2), {"verdict": "approve"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not draft.reviews.exists()


@pytest.mark.parametrize("who", ["bob", "victor"])
def test_it_explains_why_others_cannot_review(request, client, draft, other_call, who):
    client.force_login(request.getfixturevalue(who))
    html = client.get(page(2)).content.decode()
    assert 'name="verdict"' not in html
    assert "Only the reviewers and funders" in html
    response = client.post(page(2), {"verdict": "approve"})
    assert response.status_code == 403
    assert not draft.reviews.exists()


def test_it_explains_why_an_author_cannot_review(client, resource, draft, alice):
    edit(resource, alice, TEXT + "\nTroisième paragraphe, revu.\n")
    client.force_login(alice)
    html = client.get(page(3)).content.decode()
    assert 'name="verdict"' not in html
    assert "You wrote part of this version" in html
    assert client.post(page(3), {"verdict": "approve"}).status_code == 403
    assert not Review.objects.filter(reviewer=alice).exists()


@pytest.mark.parametrize("who", ["rita", "alice"])
def test_it_records_a_review_and_redirects(request, client, draft, who):
    client.force_login(request.getfixturevalue(who))
    assert 'name="verdict"' in client.get(page(2)).content.decode()
    response = client.post(page(2), {"verdict": "approve", "comment": "Très bien."}, follow=True)
    # Nothing else waits in this call: on to the queue, which says so.
    assert response.redirect_chain == [("/calls/eau/reviews/", 302)]
    html = response.content.decode()
    assert "Your review of version 2 of “Carte des puits” is recorded." in html
    assert "Nothing else waits for your review here." in html
    assert "<p>Très bien.</p>" in client.get(page(2)).content.decode()
    draft.refresh_from_db()
    assert draft.state == ResourceVersion.State.VALIDATED


def test_it_keeps_the_comment_when_the_verdict_is_missing(client, draft, rita):
    client.force_login(rita)
    response = client.post(page(2), {"comment": "Mon long commentaire"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mon long commentaire" in html
    assert 'class="errorlist"' in html
    assert not draft.reviews.exists()


def test_it_shows_previous_reviews_sanitized(client, resource, rita):
    review(resource.latest_version, rita, "comment", "Voir <script>alert(1)</script>")
    html = client.get(page(1)).content.decode()
    assert "alert(1)" in html
    assert "<script>alert" not in html


def test_it_refuses_reviews_in_an_archived_call(client, resource, call, rita):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ARCHIVED)
    client.force_login(rita)
    assert 'name="verdict"' not in client.get(page(1)).content.decode()
    assert client.post(page(1), {"verdict": "approve"}).status_code == 409
    assert not Review.objects.exists()


def test_it_answers_404_for_unknown_versions(client, resource, rita):
    client.force_login(rita)
    assert client.get(page(7)).status_code == 404
    assert client.post(page(7), {"verdict": "approve"}).status_code == 404
    assert client.get(page(1, resource="inconnue")).status_code == 404
    assert client.get(page(2**31)).status_code == 404  # beyond what the column holds


def test_it_answers_405_to_other_verbs(client, resource):
    assert client.put(page(1)).status_code == 405


def test_it_costs_the_same_queries_whatever_the_history(
    client, resource, rita, charlie, django_assert_num_queries
):
    """Session, user, call, roles, version, reviews, both texts of the diff, authors,
    the last request for changes, the next resource of the queue (the header's
    count is cached after the first page)."""
    review(resource.latest_version, rita)
    for n in range(2):
        edit(resource, charlie, TEXT + f"\nAjout {n}.\n")
    client.force_login(rita)
    client.get(page(3))
    with django_assert_num_queries(10):
        assert client.get(page(3)).status_code == 200
    for n in range(2, 10):
        edit(resource, charlie, TEXT + f"\nAjout {n}.\n")
    with django_assert_num_queries(10):
        assert client.get(page(11)).status_code == 200
