"""How a word diff is shown: rows of the Markdown source, inline or side by side.

resources/diff.py computes the changes (`word_diff`); this module only lays
them out for reading:

- the text is cut into rows where both versions share a line end, so the
  two columns of the side-by-side view stay level;
- each row knows what Markdown makes of it (a heading, a list item, a
  quotation), so the page can show a heading as a heading and a list as a list;
- a deleted passage directly followed by an inserted one is marked as a
  replacement, so the page can put a visible gap between them ("Un paquet de
  52 | Des cartes", never "52Des"), without adding a character to either text.
"""

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"(#{1,6})\s")
_LIST_ITEM = re.compile(r"\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")


@dataclass
class Row:
    """One row of the diff: its pieces inline, and each side's pieces for two columns."""

    inline: list = field(default_factory=list)
    old: list = field(default_factory=list)
    new: list = field(default_factory=list)

    @property
    def kind(self):
        """ "h1".."h6", "li", "quote" or "" from the row's newer text (its older when deleted)."""
        text = "".join(text for _op, text, _gap in self.new) or "".join(
            text for _op, text, _gap in self.old
        )
        if match := _HEADING.match(text):
            return f"h{len(match.group(1))}"
        if _LIST_ITEM.match(text):
            return "li"
        if text.startswith(">"):
            return "quote"
        return ""

    @property
    def changed(self):
        return any(op != "equal" for op, _text, _gap in self.inline)


def _add(pieces, op, text):
    # A gap before an insertion that follows a deletion: the page shows a space there.
    gap = op == "insert" and bool(pieces) and pieces[-1][0] == "delete"
    pieces.append((op, text, gap))


def rows(changes):
    """[Row, ...] from `word_diff` changes; the shared line ends between rows are not kept."""
    result, row = [], Row()
    for change in changes:
        op, text = change["op"], change["text"]
        if op != "equal":
            _add(row.inline, op, text)
            _add(row.old if op == "delete" else row.new, op, text)
            continue
        # Equal text: every line end in it is a line end of both versions.
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if line:
                _add(row.inline, "equal", line)
                _add(row.old, "equal", line)
                _add(row.new, "equal", line)
            if index < len(lines) - 1:
                result.append(row)
                row = Row()
    if row.inline:
        result.append(row)
    return result
