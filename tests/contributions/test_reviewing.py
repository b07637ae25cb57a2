"""The review rules, through contributions/reviewing.py itself."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from reversion.models import Version

from appel.models import Call, Membership
from contributions import reviewing
from contributions.models import Review
from resources.editing import restore_version

from .conftest import TEXT, append, edit, review

pytestmark = pytest.mark.usefixtures("english")

PENDING, VALIDATED, CHANGES = "pending", "validated", "changes_requested"


def _reload(resource):
    resource.refresh_from_db()
    return resource


def test_it_validates_with_one_approval_and_moves_the_stable_pointer(resource, rita):
    v1 = resource.latest_version
    review(v1, rita, comment="Clair et sourcé.")
    v1.refresh_from_db()
    assert v1.state == VALIDATED
    assert _reload(resource).stable_version == v1


def test_it_moves_the_pointer_outside_any_revision(resource, rita):
    """The stable pointer is not text: no new reversion snapshot, no new version."""
    snapshots = Version.objects.get_for_object(resource).count()
    review(resource.latest_version, rita)
    assert Version.objects.get_for_object(resource).count() == snapshots
    assert _reload(resource).versions.count() == 1


def test_it_needs_distinct_approvals_when_two_are_required(resource, call, rita, alice):
    call.approvals_required = 2
    call.save()
    v1 = resource.latest_version
    review(v1, rita)
    review(v1, rita)  # the same person twice counts once
    v1.refresh_from_db()
    assert v1.state == PENDING
    assert _reload(resource).stable_version is None
    review(v1, alice)
    v1.refresh_from_db()
    assert v1.state == VALIDATED
    assert _reload(resource).stable_version == v1


def test_it_marks_changes_requested_until_approvals_reach_the_threshold(
    resource, call, rita, alice
):
    call.approvals_required = 2
    call.save()
    v1 = resource.latest_version
    review(v1, rita, "request_changes", "Il manque les sources.")
    v1.refresh_from_db()
    assert v1.state == CHANGES
    review(v1, rita)
    v1.refresh_from_db()
    assert v1.state == CHANGES  # one approval of two
    review(v1, alice)
    v1.refresh_from_db()
    assert v1.state == VALIDATED
    assert _reload(resource).stable_version == v1


def test_it_keeps_a_comment_pending(resource, rita):
    v1 = resource.latest_version
    review(v1, rita, "comment", "Une question : d'où viennent les chiffres ?")
    v1.refresh_from_db()
    assert v1.state == PENDING
    assert _reload(resource).stable_version is None


def test_it_keeps_the_stable_version_while_a_later_draft_waits(resource, rita, charlie):
    v1 = resource.latest_version
    review(v1, rita)
    v2 = edit(resource, charlie, TEXT + "\nTroisième paragraphe.\n")
    resource = _reload(resource)
    assert (resource.latest_version, resource.stable_version) == (v2, v1)
    review(v2, rita, "request_changes")
    assert _reload(resource).stable_version == v1
    review(v2, rita)
    assert _reload(resource).stable_version == v2


def test_it_never_moves_the_stable_pointer_back(resource, rita, alice, charlie):
    v1 = resource.latest_version
    v2 = edit(resource, charlie, TEXT + "\nTroisième paragraphe.\n")
    review(v2, rita)
    assert _reload(resource).stable_version == v2
    review(v1, alice)
    v1.refresh_from_db()
    assert v1.state == VALIDATED
    assert _reload(resource).stable_version == v2


def test_it_refuses_reviewers_who_wrote_part_of_the_version(
    resource, call, alice, bob, charlie, rita
):
    for person in (bob, charlie):
        Membership.objects.create(call=call, user=person, role=Membership.Role.REVIEWER)
    v1 = resource.latest_version
    review(v1, rita)
    v2 = edit(resource, charlie, TEXT + "\nTroisième.\n")
    v3 = edit(resource, alice, TEXT + "\nTroisième, précisé.\n")
    for author in (alice, charlie):
        with pytest.raises(reviewing.ReviewNotAllowed, match="You wrote part of this version"):
            review(v3, author)
    with pytest.raises(reviewing.ReviewNotAllowed):
        review(v2, charlie)
    # bob's edit was validated with version 1: version 3 holds no unreviewed edit of his.
    review(v3, bob)
    assert not Review.objects.filter(reviewer__in=[alice, charlie]).exists()


def test_it_counts_both_editors_of_a_merged_version_as_its_authors(resource, alice, rita):
    edit(resource, alice, TEXT.replace("Premier", "Tout premier"), base_version=1)
    merged = edit(resource, rita, TEXT.replace("Deuxième", "Second"), base_version=1)
    assert merged.merged and merged.author == rita
    assert reviewing.author_ids(merged) == {resource.created_by_id, alice.pk, rita.pk}
    for author in (alice, rita):
        with pytest.raises(reviewing.ReviewNotAllowed):
            review(merged, author)


def test_it_refuses_people_who_do_not_review_this_call(resource, bob, charlie, victor, other_call):
    for person in (bob, charlie, victor):
        with pytest.raises(reviewing.ReviewNotAllowed, match="Only the reviewers and funders"):
            review(resource.latest_version, person)
    assert not Review.objects.exists()


def test_it_allows_reviews_once_the_call_is_closed(resource, call, rita):
    call.status = Call.Status.CLOSED
    call.save()
    review(resource.latest_version, rita)
    assert _reload(resource).stable_version == resource.latest_version


def test_it_refuses_reviews_in_an_archived_call(resource, call, rita):
    call.status = Call.Status.ARCHIVED
    call.save()
    with pytest.raises(reviewing.ReadOnlyCall):
        review(resource.latest_version, rita)
    assert not Review.objects.exists()
    assert _reload(resource).stable_version is None


@pytest.mark.parametrize(
    ("verdict", "comment", "field"),
    [
        ("maybe", "", "verdict"),
        (None, "", "verdict"),
        ("approve", "x" * (reviewing.MAX_COMMENT_CHARS + 1), "comment"),
        ("approve", "nul \x00 char", "comment"),
        ("approve", ["not", "text"], "comment"),
    ],
)
def test_it_refuses_bad_input_and_records_nothing(resource, rita, verdict, comment, field):
    with pytest.raises(ValidationError) as error:
        review(resource.latest_version, rita, verdict, comment)
    assert field in error.value.message_dict
    assert not Review.objects.exists()


def test_it_sanitizes_the_comment(resource, rita):
    done = review(resource.latest_version, rita, "comment", "**Bien** <script>alert(1)</script>")
    assert "<strong>Bien</strong>" in done.comment_html
    assert "<script" not in done.comment_html


def test_it_lists_reviews_of_a_persons_versions_for_their_notices(resource, bob, rita, alice):
    first = review(resource.latest_version, rita, "request_changes")
    second = review(resource.latest_version, alice, "approve")
    assert list(reviewing.reviews_of_versions_by(bob, viewer=bob)) == [second, first]
    assert list(reviewing.reviews_of_versions_by(rita, viewer=rita)) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_counts_two_approvals_given_at_the_same_instant(resource, call, rita, alice):
    """The second review waits for the first one's lock, so it sees and counts it.

    Without the lock each transaction would count only its own approval and
    the version would stay pending with two approvals recorded.
    """
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes whole transactions; the row lock is PostgreSQL's.")
    call.approvals_required = 2
    call.save()
    v1 = resource.latest_version
    first_recorded, release = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                review(v1, rita)
                first_recorded.set()
                release.wait(10)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_recorded.wait(10)
            review(v1, alice)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_recorded.wait(10)
    time.sleep(0.5)  # the second review is now waiting for the lock
    release.set()
    for thread in threads:
        thread.join(20)
    assert errors == []
    v1.refresh_from_db()
    assert v1.state == VALIDATED
    assert _reload(resource).stable_version == v1


def test_nobody_approves_their_own_words_brought_back_by_someone_else(
    resource, bob, charlie, rita, victor
):
    """victor writes v2, charlie replaces it (v3, validated by rita), bob restores v2 as v4:
    victor wrote none of v4's edits since the stable version, but its new words are his."""
    Membership.objects.create(call=resource.call, user=victor, role=Membership.Role.REVIEWER)
    review(resource.latest_version, rita)
    v2 = append(resource, victor, "Les puits du plateau sont profonds.")
    v3 = edit(resource, charlie, TEXT + "\nUn tout autre paragraphe.\n")
    review(v3, rita)
    v4 = restore_version(resource=_reload(resource), author=bob, number=v2.number).version
    assert victor.pk not in reviewing.author_ids(v4)
    assert reviewing.changed_word_authors(v4) == {victor.pk}
    with pytest.raises(reviewing.ReviewNotAllowed, match="Words you wrote"):
        review(v4, victor)
    assert _reload(resource).stable_version == v3
    # Someone whose words are not among the changed ones approves it.
    review(v4, rita)
    assert _reload(resource).stable_version.number == v4.number


def test_kept_words_of_a_reviewer_do_not_stop_their_review(resource, bob, rita):
    """rita's words validated long ago, untouched by the new version: she may review it."""
    review(resource.latest_version, rita)
    append(resource, bob, "Premier ajout.")
    # bob's edit only adds words; the words of version 1 (bob's) are kept.
    version = _reload(resource).latest_version
    assert reviewing.changed_word_authors(version) == {bob.pk}
    assert reviewing.refusal(version=version, user=rita) is None
