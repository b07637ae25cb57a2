"""Word-level diffs and three-way merges of Markdown texts.

Both diffs work in two passes, lines first, then words inside the changed
lines only: a 100 KB text changed in a few places costs a line comparison
plus a few small word comparisons, never a word-by-word match of the whole
text.

The cost is bounded whatever the text. difflib's SequenceMatcher is
quadratic on sequences with many repeats (a 16 KB line of one repeated word
took 40 s), so sequences are matched here in stages, each charged to a
`Budget` that grows with the size of the texts:
1. the common start and end are cut off (linear);
2. a small remaining window goes to difflib, as before (its cost is the
   product of the window's sizes, and that product is small);
3. a larger one is cut at the tokens that occur exactly once on each side,
   kept in the order both sides agree on (patience diff), and each piece
   between two anchors is matched the same way;
4. a larger window without such anchors (one word repeated) goes to Myers'
   O((N+M)D) algorithm, which is fast when the two sides differ little.
Once the budget is spent, what is left is reported as replaced: coarser,
never wrong (equal pieces are equal, and every token of both sides is in the
result once).
"""

import re
from bisect import bisect_left
from collections import Counter
from difflib import SequenceMatcher

from merge3 import Merge3

_DISPLAY_TOKEN = re.compile(r"\w+|\s+|[^\w\s]+")

# Windows whose sizes multiply to at most this go to difflib.
_SMALL_WINDOW = 6_000
# Work units (roughly, token comparisons) allowed for one diff: a fixed part
# plus one unit per `_CHARACTERS_PER_UNIT` characters of the two texts: 1.4
# million units for two 1 MB texts, spent in 0.3 to 0.8 s on the project's
# shared 2-core machine (bench key diff_worst_1mb_ms).
_WORK_FIXED = 400_000
_CHARACTERS_PER_UNIT = 2
# Myers keeps one row per edit distance step: a cap on its memory.
_MYERS_MAX_EDITS = 400


class Budget:
    """The work one diff may do; `spent` counts what it did (tests read it)."""

    def __init__(self, limit):
        self.limit = limit
        self.spent = 0

    @classmethod
    def for_texts(cls, a, b):
        return cls(_WORK_FIXED + (len(a) + len(b)) // _CHARACTERS_PER_UNIT)

    @property
    def left(self):
        return self.limit - self.spent

    def take(self, cost):
        """Reserve `cost` units; False (and nothing taken) when they are not left."""
        if cost > self.left:
            return False
        self.spent += cost
        return True


def _lines(text):
    return text.splitlines(keepends=True)


def _anchors(a, i1, i2, b, j1, j2):
    """Pairs (i, j) of tokens found once in a[i1:i2] and once in b[j1:j2], in both orders."""
    count_a = Counter(a[i1:i2])
    count_b = Counter(b[j1:j2])
    where = {a[i]: i for i in range(i1, i2) if count_a[a[i]] == 1 and count_b.get(a[i]) == 1}
    if not where:
        return []
    pairs = [(where[b[j]], j) for j in range(j1, j2) if b[j] in where]
    # The longest run of pairs increasing on both sides (patience sorting).
    tails, tail_index, previous = [], [], [None] * len(pairs)
    for index, (i, _j) in enumerate(pairs):
        place = bisect_left(tails, i)
        if place:
            previous[index] = tail_index[place - 1]
        if place == len(tails):
            tails.append(i)
            tail_index.append(index)
        else:
            tails[place] = i
            tail_index[place] = index
    chain, index = [], tail_index[-1]
    while index is not None:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain


def _myers(a, i1, i2, b, j1, j2, budget):
    """Matching blocks of the window by Myers' algorithm, or None past the budget."""
    n, m = i2 - i1, j2 - j1
    offset = _MYERS_MAX_EDITS + 1
    v = [0] * (2 * offset + 1)
    trace = []
    for d in range(min(n + m, _MYERS_MAX_EDITS) + 1):
        if not budget.take(d + 1):
            return None
        trace.append(v[offset - d - 1 : offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[i1 + x] == b[j1 + y]:
                x += 1
                y += 1
            if not budget.take(x - start):
                return None
            v[offset + k] = x
            if x >= n and y >= m:
                return _myers_blocks(trace, d, n, m, i1, j1)
    return None


def _myers_blocks(trace, d, n, m, i1, j1):
    """Walk the saved rows back from (n, m) to (0, 0): the diagonal runs are the matches."""
    blocks = []
    x, y = n, m
    for step in range(d, 0, -1):
        row = trace[step]  # v for k in -step-1 .. step+1, before step `step`

        def at(k, row=row, step=step):
            return row[k + step + 1]

        k = x - y
        down = k == -step or (k != step and at(k - 1) < at(k + 1))
        previous_k = k + 1 if down else k - 1
        previous_x = at(previous_k)
        previous_y = previous_x - previous_k
        # The snake of this step runs from the point after the edit to (x, y).
        snake_x = previous_x if down else previous_x + 1
        snake_y = snake_x - k
        if x > snake_x:
            blocks.append((i1 + snake_x, j1 + snake_y, x - snake_x))
        x, y = previous_x, previous_y
    if x > 0:
        blocks.append((i1, j1, x))
    return blocks


def matching_blocks(a, b, budget):
    """Blocks (i, j, size) where a[i:i+size] == b[j:j+size], in order.

    Like SequenceMatcher.get_matching_blocks (ending with (len(a), len(b), 0)),
    within `budget` (see the module docstring).
    """
    blocks = []
    windows = [(0, len(a), 0, len(b))]
    while windows:
        i1, i2, j1, j2 = windows.pop()
        start_i, start_j = i1, j1
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
            i1 += 1
            j1 += 1
        if i1 > start_i:
            blocks.append((start_i, start_j, i1 - start_i))
        end_i = i2
        while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
            i2 -= 1
            j2 -= 1
        if end_i > i2:
            blocks.append((i2, j2, end_i - i2))
        n, m = i2 - i1, j2 - j1
        if not n or not m:
            continue
        if n * m <= _SMALL_WINDOW:
            if budget.take(n * m):
                matcher = SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
                blocks.extend(
                    (i1 + i, j1 + j, size) for i, j, size in matcher.get_matching_blocks() if size
                )
            continue
        if not budget.take(n + m):
            continue
        anchors = _anchors(a, i1, i2, b, j1, j2)
        if anchors:
            previous_i, previous_j = i1, j1
            for i, j in anchors:
                blocks.append((i, j, 1))
                windows.append((previous_i, i, previous_j, j))
                previous_i, previous_j = i + 1, j + 1
            windows.append((previous_i, i2, previous_j, j2))
            continue
        blocks.extend(_myers(a, i1, i2, b, j1, j2, budget) or ())
    blocks.sort()
    merged = []
    for i, j, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    merged.append((len(a), len(b), 0))
    return merged


def opcodes(a, b, budget):
    """(tag, i1, i2, j1, j2) turning a into b, as SequenceMatcher.get_opcodes, within `budget`."""
    result = []
    i = j = 0
    for block_i, block_j, size in matching_blocks(a, b, budget):
        if i < block_i and j < block_j:
            result.append(("replace", i, block_i, j, block_j))
        elif i < block_i:
            result.append(("delete", i, block_i, j, block_j))
        elif j < block_j:
            result.append(("insert", i, block_i, j, block_j))
        if size:
            result.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return result


class _BoundedMatcher:
    """The part of SequenceMatcher's interface Merge3 uses, within a budget."""

    def __init__(self, isjunk=None, a="", b="", autojunk=True):
        self.a, self.b = a, b

    def get_matching_blocks(self):
        size = sum(map(len, self.a)) + sum(map(len, self.b))
        return matching_blocks(self.a, self.b, Budget(_WORK_FIXED + size // _CHARACTERS_PER_UNIT))


def two_level_opcodes(a, b, tokenize, whole=None, *, budget=None):
    """Yield (op, a_tokens, b_tokens) with op in equal/insert/delete/replace.

    Lines are matched first; a run of replaced lines is then compared token by
    token with `tokenize`. Runs of whole lines (equal, inserted, deleted) are
    cut with `whole` (default: `tokenize`); a caller that only needs their
    text passes `lambda text: [text]` and skips tokenizing most of a long
    document. Concatenating the a-sides gives a, the b-sides b (as tokens),
    as long as tokenize never joins across a line end. Both passes share one
    `budget` (by default, the one the texts' length allows).
    """
    whole = whole or tokenize
    budget = budget or Budget.for_texts(a, b)
    a_lines, b_lines = _lines(a), _lines(b)
    for tag, i1, i2, j1, j2 in opcodes(a_lines, b_lines, budget):
        if tag != "replace":
            yield tag, whole("".join(a_lines[i1:i2])), whole("".join(b_lines[j1:j2]))
            continue
        a_tokens = tokenize("".join(a_lines[i1:i2]))
        b_tokens = tokenize("".join(b_lines[j1:j2]))
        for sub, k1, k2, l1, l2 in opcodes(a_tokens, b_tokens, budget):
            yield sub, a_tokens[k1:k2], b_tokens[l1:l2]


def word_diff(a, b):
    """The changes turning text a into text b, word by word.

    Returns [{"op": "equal"|"insert"|"delete", "text": ...}], neighbours of
    the same op joined: equal+delete pieces spell a, equal+insert spell b.
    """
    changes = []

    def add(op, tokens):
        text = "".join(tokens)
        if not text:
            return
        if changes and changes[-1]["op"] == op:
            changes[-1]["text"] += text
        else:
            changes.append({"op": op, "text": text})

    pieces = two_level_opcodes(a, b, _DISPLAY_TOKEN.findall, whole=lambda text: [text])
    for tag, a_tokens, b_tokens in pieces:
        if tag == "equal":
            add("equal", a_tokens)
        else:
            add("delete", a_tokens)
            add("insert", b_tokens)
    return changes


def three_way_merge(base, ours, theirs):
    """Merge two edits of `base` line by line; None when they touch the same lines.

    `ours` is the latest saved text, `theirs` the text an editor wrote from
    `base`. Changes on separate lines (e.g. separate paragraphs) are combined;
    changes to the same or adjacent lines are a conflict for a person to solve.
    """
    base_lines, our_lines, their_lines = _lines(base), _lines(ours), _lines(theirs)
    merged = []
    merge = Merge3(base_lines, our_lines, their_lines, sequence_matcher=_BoundedMatcher)
    for region in merge.merge_regions():
        kind = region[0]
        if kind == "conflict":
            return None
        if kind == "unchanged":
            merged.extend(base_lines[region[1] : region[2]])
        elif kind in ("a", "same"):
            merged.extend(our_lines[region[1] : region[2]])
        else:  # "b"
            merged.extend(their_lines[region[1] : region[2]])
    # Repeated identical lines make alignments ambiguous, and the merge can
    # then drop or duplicate a copy. Each side's additions and removals must
    # show up exactly once in the result; if not, a person decides (409).
    expected = Counter(our_lines) + Counter(their_lines)
    expected.subtract(base_lines)
    if +expected != Counter(merged) or any(count < 0 for count in expected.values()):
        return None
    return "".join(merged)
