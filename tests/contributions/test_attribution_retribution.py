"""Retribution: the call's budget shared by validated words (domain, API and page)."""

from decimal import Decimal

import pytest

from appel.models import Call
from contributions import retribution
from contributions.models import Retribution
from resources import editing

from ..conftest import client_for
from .conftest import TEXT, edit, review

API = "/api/v1/calls/eau/retribution"
PAGE = "/calls/eau/retribution/"


@pytest.fixture
def written(resource, call, bob, charlie, rita):
    """Stable texts: carte-des-puits v1 (bob, 8 words) and sources (charlie, 4 words).

    charlie's later draft of carte-des-puits (4 more words) is not validated,
    nor is brouillon (charlie, 3 words), which has no validated version.
    """
    review(resource.latest_version, rita)
    edit(resource, charlie, TEXT + "\nBrouillon pas encore relu.\n")
    sources = editing.create_resource(
        call=call, author=charlie, title="Sources", content="Une liste de sources."
    )
    review(sources, rita)
    editing.create_resource(call=call, author=charlie, title="Brouillon", content="Pas relu.")
    return call


def test_it_shares_the_budget_by_words_of_the_stable_texts(written):
    report = retribution.retribution_for(written)
    assert [(p.user.username, p.words, p.share, p.amount) for p in report.payouts] == [
        ("bob", 8, 0.6667, Decimal("13333.33")),
        ("charlie", 4, 0.3333, Decimal("6666.67")),
    ]
    assert sum(p.amount for p in report.payouts) == Decimal("20000.00")
    assert not report.published


def test_it_hands_out_the_remainder_so_amounts_sum_to_the_budget(call, bob, charlie, alice, rita):
    call.budget_amount = Decimal("100.00")
    call.save()
    for author, title in [(bob, "Un"), (charlie, "Deux"), (alice, "Trois")]:
        review(editing.create_resource(call=call, author=author, title=title, content="mot"), rita)
    payouts = retribution.retribution_for(call).payouts
    assert sorted(str(p.amount) for p in payouts) == ["33.33", "33.33", "33.34"]
    assert sum(p.amount for p in payouts) == Decimal("100.00")
    assert abs(sum(p.share for p in payouts) - 1) < 1e-9


def test_it_shows_the_stewards_the_figures_before_publication(written, alice):
    response = client_for(alice).get(API)
    assert response.status_code == 200
    body = response.json()
    assert (body["budget_amount"], body["currency"], body["published"]) == (
        "20000.00",
        "EUR",
        False,
    )
    assert [(s["username"], s["share"], s["amount"]) for s in body["shares"]] == [
        ("bob", 0.6667, "13333.33"),
        ("charlie", 0.3333, "6666.67"),
    ]


def test_it_refuses_others_before_publication(written, api, bob, rita):
    assert api.get(API).status_code == 401
    for user in (bob, rita):
        response = client_for(user).get(API)
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "The funders of this call have not published its retribution yet."
        )


def test_it_lets_a_steward_publish_and_everyone_read(written, api, alice, bob):
    published = client_for(alice).patch(API, {"published": True}, format="json")
    assert published.status_code == 200
    assert published.json()["published"] is True
    body = api.get(API).json()
    assert body["published"] is True
    assert [s["username"] for s in body["shares"]] == ["bob", "charlie"]
    assert client_for(bob).get(API).status_code == 200


def test_it_freezes_the_published_figures(written, api, alice, resource, rita):
    retribution.publish_retribution(call=written, actor=alice)
    resource.refresh_from_db()
    review(resource.latest_version, rita)  # charlie's draft becomes the stable text
    assert [s["amount"] for s in api.get(API).json()["shares"]] == ["13333.33", "6666.67"]
    retribution.publish_retribution(call=written, actor=alice)
    assert [s["amount"] for s in api.get(API).json()["shares"]] == ["10000.00", "10000.00"]


def test_it_refuses_publication_by_others(written, bob):
    response = client_for(bob).patch(API, {"published": True}, format="json")
    assert response.status_code == 403
    assert not Retribution.objects.filter(published=True).exists()


def test_it_answers_400_to_a_bad_publication_body(written, alice):
    response = client_for(alice).patch(API, {"published": "yes"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"published"}


def test_it_withdraws_a_publication(written, api, alice):
    retribution.publish_retribution(call=written, actor=alice)
    assert client_for(alice).patch(API, {"published": False}, format="json").status_code == 200
    assert api.get(API).status_code == 401


def test_it_hides_a_draft_call(written, api, bob, alice):
    written.status = Call.Status.DRAFT
    written.save()
    assert client_for(bob).get(API).status_code == 404
    assert client_for(alice).get(API).status_code == 200


def test_it_costs_the_same_queries_whatever_the_history(
    written, resource, alice, bob, django_assert_num_queries
):
    client = client_for(alice)

    def count():
        # authentication, the call and its members, then the retribution record, the stable
        # texts, the approvals, the weights, the ledger's totals and the people
        with django_assert_num_queries(10):
            assert client.get(API).status_code == 200

    count()
    for n in range(5):
        resource.refresh_from_db()
        edit(resource, bob, resource.latest_version.content + f"\nMot {n}\n")
    count()


# The web page


def test_it_shows_the_table_and_the_publish_button_to_stewards(written, client, alice):
    client.force_login(alice)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<th scope="col">' in html
    assert "€13,333.33" in html and "€6,666.67" in html
    assert 'name="action" value="publish"' in html


def test_it_forbids_the_page_to_others_before_publication(written, client, bob):
    client.force_login(bob)
    assert client.get(PAGE).status_code == 403


def test_it_publishes_from_the_page(written, client, alice, bob):
    client.force_login(alice)
    response = client.post(PAGE, {"action": "publish"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    client.force_login(bob)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'value="publish"' not in page.content.decode()


def test_it_refuses_publication_from_the_page_to_others(written, client, bob):
    client.force_login(bob)
    assert client.post(PAGE, {"action": "publish"}).status_code == 403
    assert not Retribution.objects.exists()


def test_it_sends_anonymous_publishers_to_log_in(written, client):
    response = client.post(PAGE, {"action": "publish"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
