"""The steering dashboard: figures on a small known dataset, counted by hand."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest

from appel.models import Challenge
from contributions import deciding
from contributions.models import Funder, Review
from resources import editing
from resources.models import ResourceVersion
from tests.conftest import client_for, select_at_cutoff

from .conftest import edit, review

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=PARIS)


def dated(version, when):
    ResourceVersion.objects.filter(pk=version.pk).update(created_at=when)


def reviewed(version, reviewer, verdict, when):
    found = review(version, reviewer, verdict)
    Review.objects.filter(pk=found.pk).update(created_at=when)


@pytest.fixture
def dataset(call, alice, bob, charlie, rita):
    """Three communs over three weeks of March 2026 (weeks of the 2nd, 9th and 16th).

    A (bob, défi nappes): v1 on Mon 2nd, approved 24 h later; v2 by charlie
    on Tue 10th, approved 24 h later. B (charlie, nappes): v1 on Tue 3rd,
    changes requested 48 h later. C (bob, no défi): v1 on Tue 17th, not
    reviewed. Required: Pitch and Licence; A fills both, B the pitch only,
    C neither. A is selected for 15,000 at a published cut-off.
    """
    call.required_sections = ["Pitch", "Licence"]
    call.funding_min, call.funding_max = "10000", "50000"
    call.save()
    Challenge.objects.create(call=call, slug="rivieres", title="Rivières", position=1)
    nappes = call.challenges.get(slug="nappes")
    a1 = editing.create_resource(
        call=call,
        author=bob,
        title="A",
        content="## Pitch\n\nx\n\n## Licence\n\nCC\n",
        challenge=nappes,
    )
    dated(a1, at(2))
    reviewed(a1, rita, "approve", at(3))
    a2 = edit(a1.resource, charlie, "## Pitch\n\nxy\n\n## Licence\n\nCC\n")
    dated(a2, at(10))
    reviewed(a2, rita, "approve", at(11))
    b1 = editing.create_resource(
        call=call, author=charlie, title="B", content="## Pitch\n\ny\n", challenge=nappes
    )
    dated(b1, at(3))
    reviewed(b1, rita, "request_changes", at(5))
    c1 = editing.create_resource(call=call, author=bob, title="C", content="rien")
    dated(c1, at(17))
    resource = a1.resource
    resource.refresh_from_db()
    select_at_cutoff(
        resource, steward=alice, amount="15000", date=datetime.date(2026, 3, 20), answer="Oui."
    )
    select_at_cutoff(
        resource, steward=alice, amount="20000", title="Suivant", answer="Encore.", published=False
    )
    return call


EXPECTED_WEEKLY = [
    {"week": "2026-03-02", "versions": 2, "contributors": 2, "validations": 1},
    {"week": "2026-03-09", "versions": 1, "contributors": 1, "validations": 1},
    {"week": "2026-03-16", "versions": 1, "contributors": 1, "validations": 0},
]


def test_the_api_serves_the_hand_counted_figures(dataset, rita):
    data = client_for(rita).get("/api/v1/calls/eau/dashboard").json()
    assert data["weekly"] == EXPECTED_WEEKLY
    assert data["states"] == {"pending": 1, "validated": 1, "changes_requested": 1}
    assert data["review_latency_median_hours"] == 24.0 and data["reviewed_versions"] == 3
    assert [
        (c["challenge"], c["resources"], c["validated"], c["participants"])
        for c in data["by_challenge"]
    ] == [("nappes", 2, 1, 2), ("rivieres", 0, 0, 0)]
    assert data["completeness"] == {
        "required": ["Pitch", "Licence"],
        "resources": 3,
        "complete": 1,
        "sections": [
            {"section": "Pitch", "filled": 2, "missing": 1},
            {"section": "Licence", "filled": 1, "missing": 2},
        ],
    }
    funding = data["funding"]
    assert (funding["budget"], funding["granted"], funding["paid"]) == (
        "20000.00",
        "15000.00",
        "0.00",
    )
    assert funding["decided"] == "35000.00" and funding["selected"] == 1


def test_weeks_follow_the_local_time_zone(call, bob, settings):
    # Sunday 23:30 in Paris is still the week of Monday 2nd; 00:30 on Monday 9th is not.
    first = editing.create_resource(call=call, author=bob, title="Nuit", content="x")
    dated(first, datetime.datetime(2026, 3, 8, 23, 30, tzinfo=PARIS))
    second = edit(first.resource, bob, "xy")
    dated(second, datetime.datetime(2026, 3, 9, 0, 30, tzinfo=PARIS))
    from contributions import dashboard

    weeks = [(w["week"], w["versions"]) for w in dashboard.figures(call)["weekly"]]
    assert weeks == [("2026-03-02", 1), ("2026-03-09", 1)]


def test_only_stewards_and_reviewers_see_it(dataset, alice, rita, bob, victor, api, client):
    assert api.get("/api/v1/calls/eau/dashboard").status_code == 401
    for person in (bob, victor):
        assert client_for(person).get("/api/v1/calls/eau/dashboard").status_code == 403
        client.force_login(person)
        assert client.get("/calls/eau/dashboard/").status_code == 403
        assert client.get("/calls/eau/dashboard/weekly.csv").status_code == 403
    for person in (alice, rita):
        assert client_for(person).get("/api/v1/calls/eau/dashboard").status_code == 200


def test_the_page_draws_each_chart_with_a_title_a_description_and_its_table(dataset, alice, client):
    client.force_login(alice)
    page = client.get("/calls/eau/dashboard/").content.decode()
    for key in ("weekly", "states", "challenges", "completeness", "funding", "latency"):
        assert f'id="figure-{key}"' in page
        assert f'href="/calls/eau/dashboard/{key}.csv"' in page
    assert 'id="chart-latency-title"' not in page  # one figure: a sentence, no chart
    for key in ("weekly", "states", "challenges", "completeness", "funding"):
        assert f'<title id="chart-{key}-title">' in page
        assert f'<desc id="chart-{key}-desc">' in page
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in page
    assert "Commons filling every required section: 1 of 3." in page
    assert "Granted: €15,000.00 of €20,000.00; commons selected: 1." in page


@pytest.mark.parametrize("key", ["weekly", "states", "challenges", "completeness", "funding"])
def test_the_csv_matches_the_table_of_the_page(dataset, alice, client, key):
    from contributions import dashboard

    client.force_login(alice)
    response = client.get(f"/calls/eau/dashboard/{key}.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    table = {t.key: t for t in dashboard.tables(dataset, dashboard.figures(dataset))}[key]
    assert rows == [[str(v) for v in row] for row in [table.columns, *table.rows]]
    if key == "weekly":
        assert rows[1:] == [
            [w["week"], str(w["versions"]), str(w["contributors"]), str(w["validations"])]
            for w in EXPECTED_WEEKLY
        ]
    assert client.get("/calls/eau/dashboard/nope.csv").status_code == 404


def test_it_costs_the_same_queries_whatever_the_calls_size(
    dataset, alice, bob, django_assert_num_queries
):
    # The token and its user, the call with its memberships, the fingerprint of what
    # the figures count, then the figures (validations, the weeks' span, versions and
    # contributors per week, states, review delays, défis, fiches), then the money, read
    # fresh each time (decisions, the ledger's totals, the co-funders and their défis).
    Funder.objects.create(call=dataset, name="ADEME", budget_amount=100000)
    steward = client_for(alice)
    with django_assert_num_queries(15):
        steward.get("/api/v1/calls/eau/dashboard")
    for n in range(8):
        version = editing.create_resource(call=dataset, author=bob, title=f"R{n}", content="x")
        edit(version.resource, bob, "xy")
    with django_assert_num_queries(15):
        assert steward.get("/api/v1/calls/eau/dashboard").status_code == 200
    with django_assert_num_queries(8):  # nothing changed: all but the money from the cache
        assert steward.get("/api/v1/calls/eau/dashboard").status_code == 200


def test_cached_figures_follow_every_change_they_count(dataset, alice, bob, rita):
    steward = client_for(alice)
    before = steward.get("/api/v1/calls/eau/dashboard").json()
    version = editing.create_resource(call=dataset, author=bob, title="Nouveau", content="x")
    after = steward.get("/api/v1/calls/eau/dashboard").json()
    assert after["states"]["pending"] == before["states"]["pending"] + 1
    review(version, rita, "approve")
    validated = steward.get("/api/v1/calls/eau/dashboard").json()
    assert validated["states"]["validated"] == after["states"]["validated"] + 1
    cutoff = dataset.cutoffs.get(title="Suivant")
    deciding.publish_cutoff(cutoff=cutoff, actor=alice)
    funding = steward.get("/api/v1/calls/eau/dashboard").json()["funding"]
    assert funding["granted"] == "35000.00"
