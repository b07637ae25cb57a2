"""contributions.attribution: who wrote which words, edits, shares, reviewers, credit line."""

from django.utils import translation

from contributions import attribution
from resources import authorship, editing, loaders
from resources.models import Resource

from .conftest import append, edit, review

# One paragraph per line, so that the merge below combines two separate edits.
THREE = "Premier paragraphe ici.\n\nDeuxième paragraphe là.\n\nTroisième paragraphe enfin.\n"


def loaded(resource):
    """The resource as the pages and the API load it (pointers and source joined)."""
    return loaders.get_resource(
        resource.created_by,
        resource.call.slug,
        resource.slug,
        with_versions=True,
        with_source=True,
    )


def shares_of(credit):
    return {c.user.username: c.share for c in credit.contributors}


def assert_sums_to_one(credit):
    assert abs(sum(c.share for c in credit.contributors) - 1) < 1e-9


def test_it_credits_each_word_to_who_wrote_it(call, bob, charlie):
    resource = editing.create_resource(
        call=call, author=bob, title="Mots", content="un deux trois quatre"
    ).resource
    v2 = edit(resource, charlie, "un deux cinq six quatre sept")

    assert v2.authorship == [[bob.pk, 2], [charlie.pk, 2], [bob.pk, 1], [charlie.pk, 1]]
    assert authorship.passages(v2.content, v2.authorship) == [
        (bob.pk, "un deux "),
        (charlie.pk, "cinq six "),
        (bob.pk, "quatre "),
        (charlie.pk, "sept"),
    ]
    credit = attribution.attribution_for(loaded(resource), v2)
    assert [(c.user.username, c.edits, c.words, c.share) for c in credit.contributors] == [
        ("bob", 1, 3, 0.5),
        ("charlie", 1, 3, 0.5),
    ]


def test_it_orders_contributors_by_share_and_counts_edits(resource, bob, charlie):
    append(resource, charlie, "Un ajout de charlie.")
    append(resource, bob, "Et bob ajoute encore.")
    credit = attribution.attribution_for(loaded(resource))
    assert [(c.user.username, c.edits, c.words) for c in credit.contributors] == [
        ("bob", 2, 12),
        ("charlie", 1, 4),
    ]
    assert shares_of(credit) == {"bob": 0.75, "charlie": 0.25}
    assert_sums_to_one(credit)


def test_it_keeps_both_authors_of_a_merged_version(call, bob, charlie, alice):
    resource = editing.create_resource(call=call, author=bob, title="Trois", content=THREE).resource
    edit(resource, charlie, THREE.replace("Premier paragraphe", "Tout premier bloc"))
    merged = edit(resource, alice, THREE.replace("enfin", "pour finir vraiment"), base_version=1)
    assert merged.merged
    assert authorship.passages(merged.content, merged.authorship) == [
        (charlie.pk, "Tout premier bloc "),
        (bob.pk, "ici.\n\nDeuxième paragraphe là.\n\nTroisième paragraphe "),
        (alice.pk, "pour finir vraiment.\n"),
    ]
    credit = attribution.attribution_for(loaded(resource), merged)
    assert [(c.user.username, c.edits, c.words) for c in credit.contributors] == [
        ("bob", 1, 6),
        ("alice", 1, 3),
        ("charlie", 1, 3),
    ]
    assert_sums_to_one(credit)


def test_it_gives_restored_words_back_to_their_authors(resource, bob, charlie):
    edit(resource, charlie, "Tout autre chose, écrit par charlie.\n")
    restored = editing.restore_version(resource=resource, author=charlie, number=1).version
    assert restored.authorship == [[bob.pk, 8]]
    credit = attribution.attribution_for(loaded(resource), restored)
    assert [(c.user.username, c.edits, c.share) for c in credit.contributors] == [
        ("bob", 1, 1.0),
        ("charlie", 2, 0.0),
    ]
    assert_sums_to_one(credit)


def test_it_credits_the_authors_of_the_source_of_a_derivation(
    resource, bob, charlie, other_call, victor
):
    v2 = append(resource, charlie, "Ajout de charlie.")
    derived = editing.create_resource(
        call=other_call,
        author=victor,
        title="Puits de la mobilité",
        content=v2.content + "\nEt victor complète.\n",
        license="CC-BY-SA-4.0",
        derived_from=v2,
    ).resource
    credit = attribution.attribution_for(loaded(derived))
    assert [(c.user.username, c.edits, c.words) for c in credit.contributors] == [
        ("bob", 0, 8),
        ("victor", 1, 3),  # at equal shares, who edited this resource first
        ("charlie", 0, 3),
    ]
    assert_sums_to_one(credit)
    source = credit.derived_from
    assert (source.resource, source.version.number) == (resource, 2)
    assert [(c.user.username, c.edits) for c in source.contributors] == [
        ("bob", 1),
        ("charlie", 1),
    ]
    assert "Carte des puits" in credit.credit()


def test_it_credits_the_stable_version_by_default(resource, bob, charlie, rita):
    review(resource.latest_version, rita)
    append(resource, charlie, "Brouillon de charlie.")
    credit = attribution.attribution_for(loaded(resource))
    assert credit.version.number == 1
    assert [c.user.username for c in credit.contributors] == ["bob"]
    assert [(r.user.username, r.approvals) for r in credit.reviewers] == [("rita", 1)]
    latest = attribution.attribution_for(loaded(resource), loaders.get_version(resource, 2))
    assert [c.user.username for c in latest.contributors] == ["bob", "charlie"]


def test_it_rounds_shares_to_four_decimals_summing_to_one():
    shares = attribution.rounded_shares({"a": 1, "b": 1, "c": 1})
    assert shares == {"a": 0.3334, "b": 0.3333, "c": 0.3333}
    assert abs(sum(shares.values()) - 1) < 1e-12
    many = attribution.rounded_shares({n: n + 1 for n in range(37)})
    assert sum(round(share * 10_000) for share in many.values()) == 10_000


def test_it_splits_by_edits_when_the_text_has_no_words(call, bob, charlie):
    resource = editing.create_resource(call=call, author=bob, title="Vide", content="").resource
    edit(resource, charlie, "   \n")
    credit = attribution.attribution_for(loaded(resource))
    assert shares_of(credit) == {"bob": 0.5, "charlie": 0.5}


def test_it_writes_a_credit_line_with_everything_a_license_asks(resource, bob, charlie):
    append(resource, charlie, "Ajout.")
    with translation.override("en"):
        line = attribution.attribution_for(loaded(resource)).credit()
    assert line.startswith(
        "« Carte des puits », Bob, Charlie — /calls/eau/resources/carte-des-puits/"
    )
    assert "Licence Ouverte / Open Licence 2.0 (https://www.etalab.gouv.fr/" in line
    assert "version 2 of" in line


def test_it_costs_a_constant_number_of_queries(
    resource, bob, charlie, rita, django_assert_num_queries
):
    for n in range(6):
        append(resource, charlie if n % 2 else bob, f"Mot{n}")
    review(Resource.objects.get(pk=resource.pk).latest_version, rita)
    resource = loaded(resource)
    with django_assert_num_queries(3):  # edits, approvals, users
        credit = attribution.attribution_for(resource)
    assert credit.version.number == 7
