"""The diff and the authorship at save stay bounded on the worst texts anyone can save.

difflib's SequenceMatcher is quadratic on sequences with many repeats: a 16 KB
line of one repeated word took 40 s to diff, and the same cost was paid by
every save while it held the resource's row lock. Timings live in `make
bench` (diff_worst_1mb_ms, save_worst_ms); here we count the work.
"""

import difflib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resources import authorship, diff


@pytest.fixture
def difflib_windows(monkeypatch):
    """The sizes (len(a) * len(b)) of every sequence pair handed to difflib."""
    products = []
    real = difflib.SequenceMatcher

    def counting(isjunk=None, a="", b="", autojunk=True):
        products.append(len(a) * len(b))
        # Fail at once rather than wait for a quadratic match to end.
        assert products[-1] <= diff._SMALL_WINDOW, products[-1]
        return real(isjunk, a, b, autojunk)

    monkeypatch.setattr(diff, "SequenceMatcher", counting)
    return products


def worst_pairs(size):
    """Texts of about `size` characters that made difflib work hardest."""
    rng = random.Random(18)
    repeated = "mot " * (size // 4)
    third = len(repeated) // 3
    yield (
        repeated,
        repeated[:third] + "x " + repeated[third + 2 : 2 * third] + "y" + repeated[2 * third + 1 :],
    )
    for joiner in (" ", "\n"):
        sides, k = ([], []), 0
        while sum(map(len, sides[0])) < size:
            k += 1
            for side in sides:
                side.append(f"U{k} " + " ".join(rng.choice("ab") for _ in range(35)))
        yield joiner.join(sides[0]), joiner.join(sides[1])
    yield (
        " ".join(rng.choice("ab") for _ in range(size // 2)),
        " ".join(rng.choice("ab") for _ in range(size // 2)),
    )


def spell(changes, side):
    return "".join(c["text"] for c in changes if c["op"] != side)


@pytest.mark.parametrize("size", [16_000, 200_000])
def test_it_never_hands_difflib_a_large_window(size, difflib_windows):
    for a, b in worst_pairs(size):
        changes = diff.word_diff(a, b)
        assert spell(changes, "insert") == a and spell(changes, "delete") == b
        runs = authorship.derive(a, authorship.initial(a, 1), b, 2)
        assert sum(count for _, count in runs) == len(b.split())
    assert difflib_windows and max(difflib_windows) <= diff._SMALL_WINDOW


@pytest.mark.parametrize("size", [16_000, 200_000])
def test_its_work_grows_with_the_size_of_the_texts_only(size):
    for a, b in worst_pairs(size):
        budget = diff.Budget.for_texts(a, b)
        list(diff.two_level_opcodes(a, b, str.split, budget=budget))
        assert budget.spent <= budget.limit == 400_000 + (len(a) + len(b)) // 2


def test_it_keeps_the_authors_of_a_one_word_change_in_a_repeated_text():
    text = "mot " * 4_000
    changed = text[:8_000] + "autre " + text[8_004:]
    runs = authorship.derive(text, authorship.initial(text, 1), changed, 2)
    assert runs == [[1, 2_000], [2, 1], [1, 1_999]]


def test_it_finds_a_few_changes_in_a_long_line_of_one_repeated_word():
    """No word occurs once: Myers' algorithm finds the four edits exactly."""
    words = ["mot"] * 5_000
    changed = list(words)
    changed[1_000] = "x"
    changed[4_000] = "y"
    changed.insert(2_500, "z")
    budget = diff.Budget(10**6)
    blocks = diff.matching_blocks(words, changed, budget)
    assert sum(size for *_, size in blocks) == 4_998
    assert budget.spent < 100_000


def test_it_reports_what_the_budget_does_not_cover_as_replaced():
    a, b = list("ab" * 400), list("ba" * 400)
    assert diff.opcodes(a, b, diff.Budget(0)) == [("replace", 0, 800, 0, 800)]
    assert diff.opcodes(a, b, diff.Budget(10**6)) == [
        ("delete", 0, 1, 0, 0),
        ("equal", 1, 800, 0, 799),
        ("insert", 800, 800, 799, 800),
    ]


TOKENS = st.lists(st.sampled_from("abc "), max_size=300)


@settings(max_examples=300, deadline=None)
@given(a=TOKENS, b=TOKENS, limit=st.sampled_from([0, 50, 500, 10**9]))
def test_its_opcodes_always_spell_both_sides(a, b, limit):
    """Whatever the budget left, equal pieces are equal and nothing is lost or repeated."""
    spelled_a, spelled_b = [], []
    for tag, i1, i2, j1, j2 in diff.opcodes(a, b, diff.Budget(limit)):
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        spelled_a += a[i1:i2]
        spelled_b += b[j1:j2]
    assert spelled_a == a and spelled_b == b


@settings(max_examples=200, deadline=None)
@given(a=TOKENS, b=TOKENS)
def test_it_matches_as_much_as_difflib_on_small_texts(a, b):
    matched = sum(size for *_, size in diff.matching_blocks(a, b, diff.Budget(10**9)))
    reference = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    expected = sum(size for *_, size in reference)
    # Neither finds the longest common subsequence; they may differ by a little.
    assert matched >= expected - max(2, expected // 5)
