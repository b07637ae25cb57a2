"""Word-level diffs and three-way merges of Markdown texts.

Both diffs work in two passes, lines first, then words inside the changed
lines only: a 100 KB text changed in a few places costs a line comparison
plus a few small word comparisons, never a word-by-word match of the whole
text.
"""

import re
from collections import Counter
from difflib import SequenceMatcher

from merge3 import Merge3

_DISPLAY_TOKEN = re.compile(r"\w+|\s+|[^\w\s]+")


def _lines(text):
    return text.splitlines(keepends=True)


def two_level_opcodes(a, b, tokenize, whole=None):
    """Yield (op, a_tokens, b_tokens) with op in equal/insert/delete/replace.

    Lines are matched first; a run of replaced lines is then compared token by
    token with `tokenize`. Runs of whole lines (equal, inserted, deleted) are
    cut with `whole` (default: `tokenize`); a caller that only needs their
    text passes `lambda text: [text]` and skips tokenizing most of a long
    document. Concatenating the a-sides gives a, the b-sides b (as tokens),
    as long as tokenize never joins across a line end.
    """
    whole = whole or tokenize
    a_lines, b_lines = _lines(a), _lines(b)
    # Lines frequent in the text (blank lines, table rules, "- a" items) are
    # difflib's "popular" junk: matches do not start on them but extend over
    # them, which keeps the line pass near linear on long documents.
    lines = SequenceMatcher(None, a_lines, b_lines, autojunk=True)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag != "replace":
            yield tag, whole("".join(a_lines[i1:i2])), whole("".join(b_lines[j1:j2]))
            continue
        a_tokens = tokenize("".join(a_lines[i1:i2]))
        b_tokens = tokenize("".join(b_lines[j1:j2]))
        matcher = SequenceMatcher(None, a_tokens, b_tokens, autojunk=False)
        for sub, k1, k2, l1, l2 in matcher.get_opcodes():
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
    for region in Merge3(base_lines, our_lines, their_lines).merge_regions():
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
