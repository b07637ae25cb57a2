import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from appel.models import Call, Challenge, Membership, User
from tests.conftest import make_user


def test_it_creates_the_funders_group_in_a_migration(db):
    group = Group.objects.get(name="funders")
    assert [p.codename for p in group.permissions.all()] == ["add_call"]


def test_it_grants_the_funder_role(bob, capsys):
    assert not bob.is_funder
    call_command("grant_funder", "bob")
    bob = User.objects.get(pk=bob.pk)  # a fresh object: permissions are cached per instance
    assert bob.is_funder
    assert "bob" in capsys.readouterr().out


def test_it_says_clearly_when_the_user_does_not_exist(db):
    with pytest.raises(CommandError, match="No user is named “zed”"):
        call_command("grant_funder", "zed")


def test_it_loads_the_demo_once(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    call = Call.objects.get()
    assert call.title == "Sobriété et résilience des territoires"
    assert call.status == "open"
    assert call.funder_name == "ADEME"
    # A co-funder beside the lead funder, on one défi.
    (macif,) = call.funders.all()
    assert (macif.name, [c.slug for c in macif.challenges.all()]) == (
        "Fondation Macif",
        ["ilots-de-chaleur"],
    )
    assert call.allowed_licenses == ["etalab-2.0", "CC-BY-SA-4.0", "CC-BY-4.0"]
    assert call.default_license == "etalab-2.0"
    assert call.approvals_required == 1
    assert call.opens_at < call.closes_at
    assert call.challenges.count() == 3
    assert dict(call.memberships.values_list("user__username", "role")) == {
        "claire": "steward",
        "romain": "reviewer",
    }
    assert User.objects.get(username="claire").is_funder
    for username in ["claire", "romain", "lea", "sam"]:
        password = next(
            line.split()[1] for line in out.splitlines() if line.split()[:1] == [username]
        )
        assert User.objects.get(username=username).check_password(password)
    call.full_clean()  # the demo follows the rules the forms apply
    counts = (Call.objects.count(), Challenge.objects.count(), User.objects.count())
    call_command("load_demo")
    assert "no demo loaded" in capsys.readouterr().out
    assert (Call.objects.count(), Challenge.objects.count(), User.objects.count()) == counts


def test_the_demo_call_asks_for_ademes_fiche_and_has_its_cut_off_dates(db):
    from resources.completeness import normalize

    call_command("load_demo")
    call = Call.objects.get()
    assert call.required_sections == [
        "Pitch",
        "Qui porte le commun",
        "Description",
        "Gouvernance",
        "Licence",
        "Modèle économique",
    ]
    headings = [
        normalize(line.lstrip("# "))
        for line in call.resource_template.splitlines()
        if line.startswith("## ")
    ]
    assert headings == [normalize(title) for title in call.required_sections]
    assert (call.funding_min, call.funding_max) == (10000, 100000)
    assert list(call.cutoffs.values_list("title", flat=True)) == [
        "Premier relevé",
        "Deuxième relevé",
        "Troisième relevé",
    ]
    assert "| Premier relevé |" not in call.description  # dates are objects, not a table


def test_it_loads_demo_resources(db):
    from resources.models import Resource

    call_command("load_demo")
    resources = Resource.objects.filter(call__slug="sobriete-et-resilience")
    assert resources.count() == 2
    assert Call.objects.with_stats().get().stats["contributors"] == 2


def test_it_loads_nothing_when_a_call_exists(alice, capsys):
    from tests.conftest import make_call

    make_call(alice)
    call_command("load_demo")
    assert Call.objects.count() == 1
    assert not User.objects.filter(username="claire").exists()


def test_it_keeps_existing_accounts_and_their_passwords(db, capsys):
    lea = make_user("lea")
    call_command("load_demo")
    assert "lea      (existing account" in capsys.readouterr().out
    lea.refresh_from_db()
    assert lea.display_name == "Lea"
    assert not Membership.objects.filter(user=lea).exists()
