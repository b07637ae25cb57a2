"""Properties of merging, history and authorship, over generated edits."""

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resources import authorship
from resources.diff import three_way_merge
from resources.editing import create_resource, edit_resource, restore_version
from resources.models import ResourceVersion

WORDS = st.text(alphabet="abcdeéxyz", min_size=1, max_size=6)
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)


@st.composite
def disjoint_edits(draw, unique=True):
    base = draw(st.lists(PARAGRAPH, min_size=2, max_size=10, unique=unique))
    indices = list(range(len(base)))
    ours_at = draw(st.sets(st.sampled_from(indices), min_size=1))
    theirs_at = draw(st.sets(st.sampled_from(indices)).map(lambda s: s - ours_at))
    ours, theirs = list(base), list(base)
    for i in ours_at:
        ours[i] = draw(PARAGRAPH) + " OURS"
    for i in theirs_at:
        theirs[i] = draw(PARAGRAPH) + " THEIRS"
    return base, ours, theirs


def text(paragraphs):
    return "\n\n".join(paragraphs) + "\n"


def expected_merge(base, ours, theirs):
    return [t if t != b else o for b, o, t in zip(base, ours, theirs, strict=True)]


@settings(max_examples=100, deadline=None)
@given(disjoint_edits())
def test_it_keeps_every_change_of_both_sides_in_a_clean_merge(edits):
    base, ours, theirs = edits
    merged = three_way_merge(text(base), text(ours), text(theirs))
    assert merged is not None
    assert merged == text(expected_merge(base, ours, theirs))


@settings(max_examples=100, deadline=None)
@given(disjoint_edits(unique=False))
def test_it_loses_no_paragraph_when_paragraphs_repeat(edits):
    """Identical paragraphs make the alignment ambiguous: the merge may refuse
    (a conflict for a person to solve) or place an edit by another copy, but
    every paragraph of both sides is still there.

    Known weakness (reported): with repeated identical paragraphs a clean
    merge can also repeat an unchanged one, hence "at least" below.
    """
    base, ours, theirs = edits
    merged = three_way_merge(text(base), text(ours), text(theirs))
    if merged is not None:
        missing = Counter(expected_merge(base, ours, theirs)) - Counter(
            merged.rstrip("\n").split("\n\n")
        )
        assert missing == Counter()


@settings(max_examples=100, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=8), PARAGRAPH)
def test_it_never_merges_two_different_edits_of_one_paragraph_silently(base, replacement):
    ours = list(base)
    ours[0] = replacement + " OURS"
    theirs = list(base)
    theirs[0] = replacement + " THEIRS"
    assert three_way_merge(text(base), text(ours), text(theirs)) is None


EDIT_TEXT = st.lists(PARAGRAPH, min_size=1, max_size=4).map(text)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), EDIT_TEXT, st.integers(0, 3)),
        st.tuples(st.just("restore"), st.integers(0, 50), st.integers(0, 3)),
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def authors(alice, bob, charlie, rita):
    return [alice, bob, charlie, rita]


_slugs = itertools.count()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=EDIT_TEXT, steps=STEPS)
def test_it_keeps_history_whole_through_edits_and_restores(call, authors, first, steps):
    version = create_resource(
        call=call, author=authors[0], title="Propriété", slug=f"p-{next(_slugs)}", content=first
    )
    resource = version.resource
    saved = {1: first}
    for kind, value, who in steps:
        latest = max(saved)
        if kind == "edit":
            result = edit_resource(
                resource=resource, author=authors[who], content=value, base_version=latest
            )
            expected = value
        else:
            number = 1 + value % latest
            result = restore_version(resource=resource, author=authors[who], number=number)
            expected = saved[number]
        if result.created:
            assert result.version.number == latest + 1
            saved[result.version.number] = expected
        else:
            assert result.version.number == latest
            assert saved[latest] == expected
    versions = list(ResourceVersion.objects.filter(resource=resource).order_by("number"))
    assert [v.number for v in versions] == list(range(1, len(saved) + 1))
    assert {v.number: v.content for v in versions} == saved
    resource.refresh_from_db()
    assert resource.latest_version.number == len(saved)
    assert resource.content == saved[len(saved)]


@settings(max_examples=100, deadline=None)
@given(
    first=EDIT_TEXT,
    edits=st.lists(st.tuples(EDIT_TEXT, st.integers(1, 5)), max_size=10),
)
def test_it_shares_every_text_among_its_authors_summing_to_one(first, edits):
    runs, previous = authorship.initial(first, 0), first
    for new_text, author in edits:
        runs = authorship.derive(previous, runs, new_text, author)
        previous = new_text
        counts = authorship.word_counts(runs)
        assert sum(counts.values()) == len(new_text.split())
        shares = authorship.shares(runs)
        assert abs(sum(shares.values()) - 1) < 1e-9
        assert all(0 < share <= 1 for share in shares.values())
