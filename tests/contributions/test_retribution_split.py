"""The suggested split from validated work only: envelopes, reviewers' share, weights, cents.

The worked example of docs/retribution.md is built here and compared with
the table in that file.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appel.models import AuditEntry, Call
from contributions import ledger, retribution
from contributions.models import LedgerEntry, RetributionWeight
from resources import editing

from ..conftest import client_for, make_user
from .conftest import append, review

DOC = Path(__file__).resolve().parents[2] / "docs" / "retribution.md"
API = "/api/v1/calls/eau/retribution"


def words(n, word="mot"):
    return " ".join([word] * n)


def parts_of(call, resource):
    split = retribution.suggest(call).commun(resource)
    return {
        p.user.username: (p.words, p.approvals, p.weight, p.for_writing, p.for_reviewing)
        for p in split.parts
    }


@pytest.fixture
def guide(call, bob, charlie, rita):
    """Bob wrote 60 words (v1), Charlie 40 more (v2); Rita approved v2 (the stable one)."""
    resource = editing.create_resource(
        call=call, author=bob, title="Guide", content=words(60)
    ).resource
    review(append(resource, charlie, words(40, "eau")), rita)
    resource.refresh_from_db()
    return resource


# Only validated text


def test_it_counts_the_stable_text_only(call, guide, bob, charlie):
    before = parts_of(call, guide)
    dan = make_user("dan")
    append(guide, dan, words(20, "sol"))  # version 3, not validated
    after = parts_of(call, guide)
    assert after == before
    assert "dan" not in after
    assert after["bob"][0] == 60 and after["charlie"][0] == 40


def test_it_gives_nothing_to_a_commun_without_a_validated_version(call, guide, charlie):
    draft = editing.create_resource(
        call=call, author=charlie, title="Brouillon", content=words(500)
    ).resource
    suggestion = retribution.suggest(call)
    assert suggestion.commun(draft) is None
    assert [c.resource.slug for c in suggestion.communs] == ["guide"]
    assert suggestion.commun(guide).envelope == Decimal("20000.00")
    # Charlie's 500 unvalidated words add nothing to what he gets.
    amounts = {p.user.username: p.amount for p in suggestion.payouts}
    assert amounts == {"bob": Decimal("12000.00"), "charlie": Decimal("8000.00")}


def test_it_counts_the_words_once_their_version_is_validated(call, guide, charlie, rita):
    dan = make_user("dan")
    review(append(guide, dan, words(100, "sol")), rita)
    assert parts_of(call, guide)["dan"][0] == 100


# Envelopes


def test_it_shares_the_budget_by_validated_words_within_the_cap(call, guide, bob, rita):
    call.funding_max = Decimal("5000.00")
    call.save()
    other = editing.create_resource(call=call, author=bob, title="Autre", content=words(100))
    review(other, rita)
    suggestion = retribution.suggest(call)
    # 20,000 by words (100 and 100): 10,000 each, capped at 5,000; the rest is not allocated.
    assert [(c.resource.slug, c.envelope, c.granted) for c in suggestion.communs] == [
        ("autre", Decimal("5000.00"), False),
        ("guide", Decimal("5000.00"), False),
    ]
    assert sum(p.amount for p in suggestion.payouts) == Decimal("10000.00")


def test_the_envelopes_helper_keeps_grants_and_shares_what_is_left():
    found = retribution.envelopes(
        budget_cents=10000, cap_cents=3000, granted_cents={1: 4000}, words={1: 10, 2: 30, 3: 10}
    )
    # 6,000 left for 2 and 3 by words (4,500 and 1,500); 2 is capped at 3,000.
    assert found == {1: (4000, True), 2: (3000, False), 3: (1500, False)}


# Cents


def test_it_splits_100_euros_three_ways_to_the_cent(call, bob, charlie, rita, alice):
    call.budget_amount = Decimal("100.00")
    call.save()
    resource = editing.create_resource(call=call, author=bob, title="Trois", content="un").resource
    append(resource, charlie, "deux")
    review(append(resource, alice, "trois"), rita)
    split = retribution.suggest(call).commun(resource)
    assert sorted(amount for _user, amount in split.recipients()) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert split.allocated == Decimal("100.00") and split.unallocated == 0


def test_every_split_sums_to_its_envelope_exactly():
    for cents in (1, 2, 99, 10001, 123457):
        for percent in (Decimal("0"), Decimal("7.5"), Decimal("33.33")):
            users = {uid: make_fake(uid) for uid in (1, 2, 3)}
            parts, reviewing = retribution.split_commun(
                envelope_cents=cents,
                reviewers_percent=percent,
                words={1: 7, 2: 11, 3: 13},
                approvals={3: 2, 2: 1},
                weights={2: (Decimal("1.37"), "r")},
                users=users,
            )
            assert sum(p[5] + p[6] for p in parts) == cents
            assert sum(p[6] for p in parts) == reviewing


def make_fake(uid):
    class Fake:
        username = f"u{uid}"

    return Fake()


# Reviewers' share and weights


def test_it_gives_the_reviewers_share_to_who_approved(call, guide, alice, rita):
    retribution.set_reviewers_share(call=call, actor=alice, percent="10")
    parts = parts_of(call, guide)
    assert parts["rita"] == (0, 1, Decimal("1"), Decimal("0.00"), Decimal("2000.00"))
    assert parts["bob"][3] == Decimal("10800.00") and parts["charlie"][3] == Decimal("7200.00")


def test_reviewers_share_by_approvals(call, guide, alice, rita, olga, charlie):
    call.memberships.create(user=olga, role="reviewer")
    review(append(guide, charlie, "encore"), rita)
    review(append(guide, charlie, "toujours"), olga)
    retribution.set_reviewers_share(call=call, actor=alice, percent="30")
    parts = parts_of(call, guide)
    # 6,000 for reviewing: Rita approved two versions, Olga one.
    assert (parts["rita"][4], parts["olga"][4]) == (Decimal("4000.00"), Decimal("2000.00"))


def test_without_reviewers_the_authors_get_everything(call, bob, alice):
    resource = editing.create_resource(call=call, author=bob, title="Seul", content="un deux")
    retribution.set_reviewers_share(call=call, actor=alice, percent="50")
    # A steward validates it (approvals_required 1): a reviewer then exists; weigh them 0.
    review(resource, alice)
    retribution.set_weight(
        resource=resource.resource, user=alice, actor=alice, weight="0", reason="Paid otherwise."
    )
    split = retribution.suggest(call).commun(resource.resource)
    assert split.reviewers_pool == 0
    assert [(p.user.username, p.amount) for p in split.parts] == [
        ("bob", Decimal("20000.00")),
        ("alice", Decimal("0.00")),
    ]


def test_a_weight_multiplies_a_part_and_keeps_its_history(call, guide, alice, charlie):
    retribution.set_weight(
        resource=guide, user=charlie, actor=alice, weight="2", reason="Maintains the tables."
    )
    retribution.set_weight(
        resource=guide, user=charlie, actor=alice, weight="1.5", reason="Less than we thought."
    )
    parts = parts_of(call, guide)
    # Bob 60, Charlie 40 × 1.5 = 60: half each.
    assert parts["bob"][3] == parts["charlie"][3] == Decimal("10000.00")
    assert parts["charlie"][2] == Decimal("1.50")
    history = [(row.weight, row.reason) for row in retribution.weight_history(guide)]
    assert history == [
        (Decimal("1.50"), "Less than we thought."),
        (Decimal("2.00"), "Maintains the tables."),
    ]
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.RETRIBUTION_WEIGHT_SET)
    assert [(e.details["previous"], e.details["weight"]) for e in logged.order_by("pk")] == [
        ("1", "2.00"),
        ("2.00", "1.50"),
    ]


def test_a_weight_needs_a_reason_a_range_and_a_person_with_a_part(call, guide, alice, bob):
    with pytest.raises(ValidationError) as refused:
        retribution.set_weight(resource=guide, user=bob, actor=alice, weight="101", reason=" ")
    assert set(refused.value.message_dict) == {"weight", "reason"}
    stranger = make_user("stranger")
    with pytest.raises(ValidationError) as refused:
        retribution.set_weight(resource=guide, user=stranger, actor=alice, weight="2", reason="x")
    assert set(refused.value.message_dict) == {"user"}
    with pytest.raises(PermissionDenied):
        retribution.set_weight(resource=guide, user=bob, actor=bob, weight="2", reason="Moi.")
    assert not RetributionWeight.objects.exists()


def test_the_reviewers_share_is_checked_and_logged(call, alice, bob):
    for bad in ("-1", "100.5", "abc", "1.234", True, None):
        with pytest.raises(ValidationError):
            retribution.set_reviewers_share(call=call, actor=alice, percent=bad)
    with pytest.raises(PermissionDenied):
        retribution.set_reviewers_share(call=call, actor=bob, percent="10")
    retribution.set_reviewers_share(call=call, actor=alice, percent="12,5")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVIEWERS_SHARE_SET)
    assert (entry.details["previous"], entry.details["percent"]) == ("0.00", "12.50")


# The worked example of docs/retribution.md


def doc_table():
    text = DOC.read_text()
    block = text.split("<!-- worked-example -->")[1].split("<!-- /worked-example -->")[0]
    rows = [line.strip().strip("|").split("|") for line in block.strip().splitlines()[2:]]
    return {
        cells[0].strip(): tuple(
            [int(cells[1]), int(cells[2])] + [Decimal(c.strip()) for c in cells[3:]]
        )
        for cells in rows
    }


def test_the_worked_example_of_the_docs(call, guide, alice, charlie, rita):
    grant(call, guide, alice, "10000.00")
    dan = make_user("dan")
    append(guide, dan, words(20, "sol"))
    retribution.set_reviewers_share(call=call, actor=alice, percent="10")
    retribution.set_weight(
        resource=guide, user=charlie, actor=alice, weight="1.25", reason="Maintains the tables."
    )
    split = retribution.suggest(call).commun(guide)
    assert (split.envelope, split.granted) == (Decimal("10000.00"), True)
    computed = {
        p.user.username: (p.words, p.approvals, p.weight, p.for_writing, p.for_reviewing, p.amount)
        for p in split.parts
    }
    expected = doc_table()
    assert set(expected) == {"bob", "charlie", "rita", "dan"}
    for name, row in expected.items():
        if name not in computed:  # listed in the doc to show they earn nothing
            assert row[5] == 0, name
            continue
        assert computed[name] == row, name
    assert "dan" not in computed
    assert split.allocated == sum(row[5] for row in expected.values()) == split.envelope
    assert re.search(r"reviewers' share to 10 %", DOC.read_text())


# API


def test_the_api_gives_each_communs_split(call, guide, alice):
    body = client_for(alice).get(API).json()
    assert set(body) >= {"budget_amount", "currency", "published", "shares", "communs"}
    (commun,) = body["communs"]
    assert commun["resource"] == "guide" and commun["version"] == 2
    assert commun["envelope_source"] == "budget" and commun["envelope"] == "20000.00"
    assert [(s["username"], s["amount"]) for s in commun["shares"]] == [
        ("bob", "12000.00"),
        ("charlie", "8000.00"),
        ("rita", "0.00"),  # she approved version 2; the reviewers' share is 0 %
    ]


def test_the_api_sets_the_reviewers_share(call, guide, alice, bob):
    response = client_for(alice).patch(API, {"reviewers_share": "25"}, format="json")
    assert response.status_code == 200
    assert response.json()["reviewers_share"] == "25.00"
    assert response.json()["published"] is False
    bad = client_for(alice).patch(API, {"reviewers_share": "250"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"reviewers_share"}
    assert client_for(bob).patch(API, {"reviewers_share": "1"}, format="json").status_code == 403


# Pages


PAGE = "/calls/eau/retribution/guide/"


def test_the_commun_page_shows_the_split_to_stewards(call, guide, client, alice):
    client.force_login(alice)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "€12,000.00" in html and "€8,000.00" in html
    assert 'name="weight"' in html and 'name="reason"' in html


def test_the_commun_page_refuses_others(call, guide, client, bob):
    assert client.get(PAGE).status_code == 302
    client.force_login(bob)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"user": "bob", "weight": "5", "reason": "Moi"}).status_code == 403
    assert not RetributionWeight.objects.exists()


def test_the_commun_page_of_a_draft_call_is_hidden(call, guide, client, alice, bob):
    call.status = Call.Status.DRAFT
    call.save()
    client.force_login(bob)
    assert client.get(PAGE).status_code == 404
    client.force_login(alice)
    assert client.get(PAGE).status_code == 200


def test_the_commun_page_sets_a_weight(call, guide, client, alice, charlie):
    client.force_login(alice)
    response = client.post(PAGE, {"user": "charlie", "weight": "2", "reason": "Les tableaux."})
    assert response.status_code == 302
    assert RetributionWeight.objects.get().weight == Decimal("2.00")
    refused = client.post(PAGE, {"user": "charlie", "weight": "x", "reason": ""})
    assert refused.status_code == 400
    assert RetributionWeight.objects.count() == 1


def test_the_commun_page_costs_constant_queries(
    call, guide, client, alice, charlie, rita, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(16):
        assert client.get(PAGE).status_code == 200
    for n in range(4):
        review(append(guide, charlie, f"encore {n}"), rita)
        retribution.set_weight(
            resource=guide, user=charlie, actor=alice, weight=str(n + 1), reason="r"
        )
    with django_assert_max_num_queries(16):
        assert client.get(PAGE).status_code == 200


def test_the_call_page_sets_the_reviewers_share(call, guide, client, alice):
    client.force_login(alice)
    page = "/calls/eau/retribution/"
    response = client.post(page, {"action": "reviewers-share", "reviewers_share": "10"})
    assert response.status_code == 302
    assert retribution.suggest(call).reviewers_share == Decimal("10.00")
    assert client.post(page, {"action": "reviewers-share", "reviewers_share": "x"}).status_code == (
        400
    )


# Recording a split in the ledger


def grant(call, resource, actor, amount):
    return ledger.record_entry(
        call=call, actor=actor, kind="grant", resource=resource, amount=amount
    )


RECORD = "/calls/eau/retribution/guide/record/"


def test_a_granted_communs_envelope_is_its_grant(call, guide, alice):
    grant(call, guide, alice, "7000")
    split = retribution.suggest(call).commun(guide)
    assert (split.envelope, split.granted) == (Decimal("7000.00"), True)
    assert [(u.username, a) for u, a in split.recipients()] == [
        ("bob", Decimal("4200.00")),
        ("charlie", Decimal("2800.00")),
    ]


def test_a_steward_records_the_split_after_confirming(call, guide, client, alice):
    grant(call, guide, alice, "7000")
    client.force_login(alice)
    page = client.get(RECORD, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Record this split of €7,000.00 for “Guide”?" in html
    fingerprint = page.context["form"].initial["fingerprint"]
    assert not LedgerEntry.objects.filter(kind="split").exists()
    response = client.post(RECORD, {"fingerprint": fingerprint})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="split")
    assert (entry.amount, entry.resource, entry.created_by) == (Decimal("7000.00"), guide, alice)
    assert [(s.user.username, s.amount) for s in entry.shares.all()] == [
        ("bob", Decimal("4200.00")),
        ("charlie", Decimal("2800.00")),
    ]
    assert retribution.suggest(call).commun(guide).recorded == Decimal("7000.00")


def test_it_records_nothing_when_the_figures_moved(call, guide, client, alice, charlie):
    grant(call, guide, alice, "7000")
    client.force_login(alice)
    fingerprint = client.get(RECORD).context["form"].initial["fingerprint"]
    retribution.set_weight(resource=guide, user=charlie, actor=alice, weight="2", reason="x")
    response = client.post(RECORD, {"fingerprint": fingerprint}, follow=True)
    assert response.redirect_chain[-1][0] == "/calls/eau/retribution/guide/"
    assert not LedgerEntry.objects.filter(kind="split").exists()


def test_a_second_split_amends_the_first_with_a_reason(call, guide, alice, charlie):
    grant(call, guide, alice, "7000")
    first = retribution.record_split(
        resource=guide,
        actor=alice,
        fingerprint=retribution.suggest(call).commun(guide).fingerprint(),
    )
    retribution.set_weight(resource=guide, user=charlie, actor=alice, weight="1.5", reason="x")
    fingerprint = retribution.suggest(call).commun(guide).fingerprint()
    with pytest.raises(ValidationError):
        retribution.record_split(resource=guide, actor=alice, fingerprint=fingerprint)
    second = retribution.record_split(
        resource=guide, actor=alice, fingerprint=fingerprint, reason="Charlie's tables."
    )
    assert (second.kind, second.supersedes) == ("amendment", first)
    assert [(s.user.username, s.amount) for s in second.shares.all()] == [
        ("bob", Decimal("3500.00")),
        ("charlie", Decimal("3500.00")),
    ]
    assert retribution.suggest(call).commun(guide).recorded == Decimal("7000.00")


def test_an_ungranted_commun_cannot_be_recorded(call, guide, alice, client):
    fingerprint = retribution.suggest(call).commun(guide).fingerprint()
    with pytest.raises(ledger.LedgerRefused):
        retribution.record_split(resource=guide, actor=alice, fingerprint=fingerprint)
    client.force_login(alice)
    page = client.get(RECORD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "granted nothing yet" in page and 'type="submit"' not in page.split("<main")[-1]


def test_only_stewards_record_splits(call, guide, client, alice, bob):
    grant(call, guide, alice, "7000")
    fingerprint = retribution.suggest(call).commun(guide).fingerprint()
    with pytest.raises(PermissionDenied):
        retribution.record_split(resource=guide, actor=bob, fingerprint=fingerprint)
    assert client.get(RECORD).status_code == 302
    client.force_login(bob)
    assert client.get(RECORD).status_code == 403
    assert client.post(RECORD, {"fingerprint": fingerprint}).status_code == 403
    call.status = Call.Status.DRAFT
    call.save()
    assert client.get(RECORD).status_code == 404
    assert not LedgerEntry.objects.filter(kind="split").exists()
