"""A reviewer's flow: the queue from the header, the review, then the next one waiting."""

import pytest
from django.test import Client

from contributions.reviewing import record_review
from resources.editing import create_resource, edit_resource


@pytest.fixture
def waiting(call, bob, charlie):
    """Three resources waiting, the oldest first: guide (bob), carte (charlie), note (bob)."""
    made = {}
    for author, slug in ((bob, "guide"), (charlie, "carte"), (bob, "note")):
        made[slug] = create_resource(
            call=call, author=author, title=slug.title(), slug=slug, content=f"# {slug}\n\nTexte.\n"
        ).resource
    return made


def _client(user, language="en"):
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_the_header_counts_what_waits_for_reviewers_and_stewards(waiting, rita, alice):
    for user in (rita, alice):
        html = _client(user).get("/").content.decode()
        assert '<a href="/calls/eau/reviews/" class="to-review">To review (3)</a>' in html
    assert "À relire (3)" in _client(rita, "fr").get("/").content.decode()


def test_the_header_shows_nothing_to_others(waiting, charlie):
    assert "to-review" not in _client(charlie).get("/").content.decode()
    assert "to-review" not in Client().get("/").content.decode()


def test_the_header_costs_no_query_for_anonymous_visitors(waiting, django_assert_num_queries):
    client = Client()
    client.get("/calls/eau/?again")
    # The call page's own queries after its state (appel/conditional.py): its communs and their
    # défis (resources/hub.py), its money (the ledger link, the co-funders); a query string,
    # so that the page is rendered, not served whole from the cache.
    with django_assert_num_queries(9):
        client.get("/calls/eau/?again")


def _count_queries(queries):
    return [q["sql"] for q in queries if '"appel_membership"."role" IN' in q["sql"]]


def test_the_header_counts_at_sign_in_not_on_pages(waiting, charlie, rita):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user in (charlie, rita):
        client = Client()
        with CaptureQueriesContext(connection) as signing_in:
            client.force_login(user)
        with CaptureQueriesContext(connection) as pages:
            client.get("/")
            client.get("/calls/eau/")
        assert len(_count_queries(signing_in.captured_queries)) == 1
        assert _count_queries(pages.captured_queries) == []


def test_a_new_role_shows_in_the_header_at_once(
    waiting, charlie, alice, django_capture_on_commit_callbacks
):
    from appel.stewarding import set_member

    client = _client(charlie)
    assert "to-review" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        set_member(call=waiting["guide"].call, user=charlie, role="reviewer", actor=alice)
    assert "To review (3)" in client.get("/").content.decode()


def test_several_calls_lead_to_the_profile_list(waiting, rita, other_call):
    from appel.models import Membership

    Membership.objects.create(call=other_call, user=rita, role="reviewer")
    html = _client(rita).get("/").content.decode()
    assert '<a href="/accounts/profile/#to-review" class="to-review">To review (3)</a>' in html
    profile = _client(rita).get("/accounts/profile/").content.decode()
    assert 'href="/calls/eau/reviews/"' in profile and 'href="/calls/mobilite/reviews/"' in profile


def test_a_review_takes_the_reviewer_to_the_next_one_waiting(
    waiting, rita, django_capture_on_commit_callbacks
):
    client = _client(rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/calls/eau/resources/guide/versions/1/review/", {"verdict": "approve", "comment": ""}
        )
    assert response["Location"] == "/calls/eau/resources/carte/versions/1/review/"
    page = client.get(response["Location"]).content.decode()
    assert "Your review of version 1 of “Guide” is recorded. Next in the queue: “Carte”." in page
    assert "To review (2)" in page  # refreshed at once, not after the cache's delay


def test_the_next_one_skips_what_the_reviewer_wrote(waiting, charlie, alice):
    from appel.models import Membership

    Membership.objects.create(call=waiting["guide"].call, user=charlie, role="reviewer")
    response = _client(charlie).post(
        "/calls/eau/resources/guide/versions/1/review/", {"verdict": "approve", "comment": ""}
    )
    # carte is charlie's own: note comes next.
    assert response["Location"] == "/calls/eau/resources/note/versions/1/review/"


def test_the_queue_when_nothing_else_waits(call, bob, rita):
    create_resource(call=call, author=bob, title="Seul", slug="seul", content="Texte.\n")
    client = _client(rita)
    response = client.post(
        "/calls/eau/resources/seul/versions/1/review/", {"verdict": "approve", "comment": ""}
    )
    assert response["Location"] == "/calls/eau/reviews/"
    assert (
        "Nothing else waits for your review here."
        in client.get("/calls/eau/reviews/").content.decode()
    )


def test_the_review_page_offers_the_next_one(waiting, rita):
    html = _client(rita).get("/calls/eau/resources/guide/versions/1/review/").content.decode()
    assert 'href="/calls/eau/resources/carte/versions/1/review/"' in html
    assert "Next in the queue: “Carte”" in html


def test_a_follow_up_shows_the_request_and_the_diff_since(call, bob, rita):
    version = create_resource(
        call=call, author=bob, title="Guide", slug="guide", content="Un paquet de 52 cartes.\n"
    )
    record_review(
        version=version,
        reviewer=rita,
        verdict="request_changes",
        comment="Précisez **le jeu**.",
    )
    edit_resource(
        resource=version.resource,
        author=bob,
        content="Un paquet de 52 cartes de tarot.\n",
        base_version=1,
    )
    html = _client(rita, "fr").get("/calls/eau/resources/guide/versions/2/review/").content.decode()
    assert "Des modifications ont été demandées sur la version 1" in html
    assert "<strong>le jeu</strong>" in html
    assert "Ce qui a changé de la version 1 à la version 2" in html
    assert "de tarot</ins>" in html


def test_no_follow_up_section_without_a_request(waiting, rita):
    html = _client(rita).get("/calls/eau/resources/guide/versions/1/review/").content.decode()
    assert "Changes were requested" not in html
