"""Word-level diffs and three-way merges of Markdown texts.

Both diffs work in two passes, lines first, then words inside the changed
lines only: a 100 KB text changed in a few places costs a line comparison
plus a few small word comparisons, never a word-by-word match of the whole
text.
"""

import re
from difflib import SequenceMatcher

from merge3 import Merge3

_DISPLAY_TOKEN = re.compile(r"\w+|\s+|[^\w\s]+")


def _lines(text):
    return text.splitlines(keepends=True)


def two_level_opcodes(a, b, tokenize):
    """Yield (op, a_tokens, b_tokens) with op in equal/insert/delete/replace.

    Lines are matched first; a run of replaced lines is then compared token by
    token with `tokenize`. Concatenating the a-sides gives tokenize(a), the
    b-sides tokenize(b), as long as tokenize never joins across a line end.
    """
    a_lines, b_lines = _lines(a), _lines(b)
    for tag, i1, i2, j1, j2 in SequenceMatcher(
        None, a_lines, b_lines, autojunk=False
    ).get_opcodes():
        a_tokens = tokenize("".join(a_lines[i1:i2]))
        b_tokens = tokenize("".join(b_lines[j1:j2]))
        if tag != "replace":
            yield tag, a_tokens, b_tokens
            continue
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
        if not tokens:
            return
        text = "".join(tokens)
        if changes and changes[-1]["op"] == op:
            changes[-1]["text"] += text
        else:
            changes.append({"op": op, "text": text})

    for tag, a_tokens, b_tokens in two_level_opcodes(a, b, _DISPLAY_TOKEN.findall):
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
    return "".join(merged)
