import pytest
from django.contrib.messages import get_messages

from appel.models import Call, Challenge, Membership
from tests.conftest import client_for, make_call, make_user, web_client

from .conftest import as_form, call_body


def sections(response):
    """Slugs of the calls listed on the home page, section by section."""
    return [
        (status, [call.slug for call in calls])
        for status, _heading, calls in response.context["sections"]
        if calls
    ]


def test_it_lists_open_calls_first_then_closed_then_archived(alice, bob, call):
    make_call(alice, slug="fermee", status=Call.Status.CLOSED)
    make_call(alice, slug="archivee", status=Call.Status.ARCHIVED)
    make_call(alice, slug="ouverte", status=Call.Status.OPEN)
    make_call(alice, slug="brouillon", status=Call.Status.DRAFT)
    response = web_client(bob).get("/")
    assert sections(response) == [
        ("open", ["ouverte", "eau"]),
        ("closed", ["fermee"]),
        ("archived", ["archivee"]),
    ]
    body = response.content.decode()
    assert body.index('href="/calls/ouverte/"') < body.index('href="/calls/fermee/"')
    assert body.index('href="/calls/fermee/"') < body.index('href="/calls/archivee/"')
    assert "/calls/brouillon/" not in body


def test_it_shows_drafts_to_their_stewards_only(alice, olga, call, draft, other_call):
    assert ("draft", ["brouillon"]) in sections(web_client(alice).get("/"))
    assert "draft" not in dict(sections(web_client(olga).get("/")))


def test_it_offers_to_launch_a_call_to_funders_only(alice, bob, call):
    assert 'href="/calls/new/"' in web_client(alice).get("/").content.decode()
    assert 'href="/calls/new/"' not in web_client(bob).get("/").content.decode()
    assert 'href="/calls/new/"' not in web_client(None).get("/").content.decode()


def test_it_says_when_there_is_no_call(db):
    response = web_client(None).get("/")
    assert response.status_code == 200
    assert response.context["calls"] == []


def test_it_shows_the_call_page(bob, call):
    Challenge.objects.create(call=call, slug="sols", title="Sols", description="**Vivants**")
    response = web_client(bob).get("/calls/eau/")
    body = response.content.decode()
    assert '<h2 id="pourquoi">Pourquoi</h2>' in body  # description_html, rendered once at save
    assert 'id="defi-nappes"' in body
    assert 'id="defi-sols"' in body
    assert "<strong>Vivants</strong>" in body
    assert 'href="/users/alice/"' in body and 'href="/users/rita/"' in body
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in body
    assert "Licence Ouverte / Open Licence 2.0" in body
    assert 'id="resources"' in body
    assert response.context["stewards"] == [call.created_by]
    assert [user.username for user in response.context["reviewers"]] == ["rita"]


@pytest.mark.parametrize(
    ("language", "budget"),
    [("fr", "1\xa0234\xa0567,50\xa0€"), ("en", "€1,234,567.50")],
)
def test_it_formats_the_budget_for_the_language(alice, language, budget):
    make_call(alice, budget_amount="1234567.50")
    response = web_client(None).get("/calls/eau/", headers={"accept-language": language})
    assert f'<dd class="budget">{budget}</dd>' in response.content.decode()


def test_it_states_the_review_policy(alice):
    make_call(alice, approvals_required=3)
    response = web_client(None).get("/calls/eau/", headers={"accept-language": "en"})
    assert "once 3 reviewers or funders of this call" in response.content.decode()


def test_it_escapes_what_users_type(alice):
    make_call(
        alice,
        title="<script>alert(1)</script>",
        summary="<b>gras</b>",
        description="<script>alert(2)</script><img src=x onerror=alert(3)>",
    )
    body = web_client(None).get("/calls/eau/").content.decode()
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;gras&lt;/b&gt;" in body


@pytest.mark.parametrize(
    ("status", "shown"),
    [("draft", "open"), ("open", "closed"), ("closed", "archived"), ("archived", None)],
)
def test_it_offers_only_the_next_status_to_stewards(alice, bob, status, shown):
    make_call(alice, status=status)
    body = web_client(alice).get("/calls/eau/").content.decode()
    assert ('href="/calls/eau/status/"' in body) == bool(shown)
    confirm = web_client(alice).get("/calls/eau/status/")
    if shown:
        page = confirm.content.decode()
        offered = [s for s in Call.Status.values if f'name="status" value="{s}"' in page]
        assert offered == [shown]
        assert "cannot be undone" in page
    else:
        assert confirm.status_code == 302
    if status != "draft":
        assert (
            'href="/calls/eau/status/"' not in web_client(bob).get("/calls/eau/").content.decode()
        )


def test_the_main_button_is_the_next_useful_action_not_the_most_destructive(alice, call):
    body = web_client(alice).get("/calls/eau/").content.decode()
    assert 'class="button button-secondary" href="/calls/eau/status/">Close the call…' in body
    assert 'class="button" href="/calls/eau/resources/new/"' in body
    call.status = Call.Status.DRAFT
    call.save()
    body = web_client(alice).get("/calls/eau/").content.decode()
    assert 'class="button" href="/calls/eau/status/">Open the call…' in body


def test_confirming_nothing_changes_nothing(alice, call):
    page = web_client(alice).get("/calls/eau/status/").content.decode()
    assert "Close “Eau et territoires”?" in page and 'href="/calls/eau/"' in page
    call.refresh_from_db()
    assert call.status == "open"


def test_it_moves_the_status_from_the_page(alice, call):
    response = web_client(alice).post("/calls/eau/status/", {"status": "closed"})
    assert response["Location"] == "/calls/eau/"
    call.refresh_from_db()
    assert call.status == "closed"


@pytest.mark.parametrize("target", ["draft", "archived", "open", "nonsense", ""])
def test_it_refuses_other_moves_from_the_page(alice, call, target):
    response = web_client(alice).post("/calls/eau/status/", {"status": target})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    call.refresh_from_db()
    assert call.status == "open"


def test_it_links_to_the_resources_of_the_call(alice, bob, call):
    body = web_client(bob).get("/calls/eau/").content.decode()
    assert 'href="/calls/eau/resources/"' in body
    assert 'href="/calls/eau/resources/new/"' in body
    make_call(alice, slug="fermee", status=Call.Status.CLOSED)
    body = web_client(bob).get("/calls/fermee/").content.decode()
    assert 'href="/calls/fermee/resources/"' in body
    assert 'href="/calls/fermee/resources/new/"' not in body  # a closed call takes no new resource


# Launching and editing a call


def test_it_launches_a_call_from_the_page(alice):
    response = web_client(alice).post("/calls/new/", as_form(call_body(slug="")))
    assert response.status_code == 302
    call = Call.objects.get()
    assert response["Location"] == "/calls/eau-et-territoires/"
    assert call.status == "draft"
    assert call.created_by == alice
    assert call.role_of(alice) == Membership.Role.STEWARD
    assert call.allowed_licenses == ["CC-BY-4.0", "etalab-2.0"]
    assert call.opens_at.isoformat() == "2030-01-01T08:00:00+00:00"


@pytest.mark.parametrize(
    ("change", "field", "own_rule"),
    [
        ({"closes_at": "2029-12-31T09:00:00+01:00"}, "closes_at", True),
        ({"budget_currency": "eur"}, "budget_currency", True),
        (
            {"allowed_licenses": ["CC-BY-4.0"], "default_license": "CC-BY-SA-4.0"},
            "default_license",
            True,
        ),
        ({"slug": "new"}, "slug", True),
        # Limits from the model's field definitions, worded by Django and DRF each.
        ({"budget_amount": "-1"}, "budget_amount", False),
        ({"approvals_required": "0"}, "approvals_required", False),
        ({"slug": "eau"}, "slug", False),
        ({"title": "t" * 201}, "title", False),
    ],
)
def test_it_applies_the_same_rules_as_the_api(alice, call, change, field, own_rule):
    body = call_body(**change)
    page = web_client(alice).post("/calls/new/", as_form(body))
    assert page.status_code == 200
    api = client_for(alice).post("/api/v1/calls", body, format="json")
    assert list(page.context["form"].errors) == [field]
    assert list(api.json()["errors"]) == [field]
    if own_rule:
        assert page.context["form"].errors[field] == api.json()["errors"][field]
    assert f'id="id_{field}_error"' in page.content.decode()
    assert Call.objects.count() == 1


def test_it_refuses_a_license_that_is_not_offered(alice):
    body = as_form(call_body(allowed_licenses=["CC-BY-NC-4.0"]))
    page = web_client(alice).post("/calls/new/", body)
    assert "allowed_licenses" in page.context["form"].errors
    assert not Call.objects.exists()


def test_it_edits_a_call_from_the_page(alice, call):
    page = web_client(alice).get("/calls/eau/edit/")
    assert 'value="Eau et territoires"' in page.content.decode()
    assert "slug" not in page.context["form"].fields
    body = as_form(call_body(title="Eau", description="*Neuf*", slug="autre"))
    response = web_client(alice).post("/calls/eau/edit/", body)
    assert response["Location"] == "/calls/eau/"
    call.refresh_from_db()
    assert (call.title, call.slug, call.description_html) == ("Eau", "eau", "<p><em>Neuf</em></p>")


# Query counts: pages cost the same whatever the number of calls, défis and members.


@pytest.fixture
def crowded(alice, call):
    def crowd(n):
        for i in range(1, n):
            Challenge.objects.create(call=call, title=f"Défi {i}", description="*x*")
            member = make_user(f"member{i}")
            Membership.objects.create(call=call, user=member, role="reviewer")
            other = make_call(member, slug=f"appel-{i}", status=["open", "closed", "draft"][i % 3])
            Membership.objects.create(call=other, user=alice, role="steward")

    return crowd


@pytest.mark.parametrize("n", [1, 5])
# The call page asks once whether its retribution is published (its link shows only then),
# whether its ledger holds an entry (likewise; its stewards always see it) and who
# co-funds it; signed in, whether the reader watches the call; its communs (none here: see
# tests/resources/test_hub.py) cost one query. Anonymous: its state first (the ETag and
# the whole cached page, appel/conditional.py), one query again on the next visit.
@pytest.mark.parametrize(("who", "home", "page"), [(None, 1, 8), ("alice", 5, 8)])
def test_it_pins_query_counts(alice, crowded, django_assert_num_queries, n, who, home, page):
    crowded(n)
    client = web_client(alice if who else None)
    with django_assert_num_queries(home):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(page):
        assert client.get("/calls/eau/").status_code == 200
