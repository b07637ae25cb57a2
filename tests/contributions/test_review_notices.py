"""Authors see the reviews of their versions: contributions/profile_reviews.html."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from contributions.slots import profile_reviews

from .conftest import review

pytestmark = pytest.mark.usefixtures("english")


def panel(viewer, profile_user):
    """The profile slot's part, as `viewer` sees it on `profile_user`'s profile."""
    request = RequestFactory().get("/")
    request.user = viewer
    return profile_reviews(request=request, profile_user=profile_user)


def test_it_lists_reviews_of_the_authors_versions_with_links(
    resource, bob, rita, alice, django_assert_num_queries
):
    first = review(resource.latest_version, rita, "request_changes", "Sources ?")
    review(resource.latest_version, alice, "approve")
    with django_assert_num_queries(1):
        html = panel(bob, bob)
    link = reverse("contributions:version-review", args=["eau", resource.slug, 1])
    assert f'href="{link}#review-{first.pk}"' in html
    assert "Reviews of your versions" in html
    assert html.index("Alice") < html.index("Rita")  # newest first
    assert "Request changes" in html and "Approve" in html


def test_it_says_when_there_is_nothing_yet(resource, bob, rita):
    html = panel(rita, rita)
    assert "No review of these versions yet." in html


def test_it_names_the_author_on_someone_elses_profile(resource, bob, rita):
    review(resource.latest_version, rita)
    html = panel(rita, bob)
    assert "Reviews of versions by Bob" in html
    assert "Rita" in html
