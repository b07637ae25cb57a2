"""Resolving an edit conflict: keep my text, take theirs, or edit a merged draft.

An edit refused with EditConflict (resources/editing.py) touched the same
lines as a version saved meanwhile. The editor then chooses, passage by
passage or all at once; their own text is never dropped on the way: it
stays in the form until a save succeeds.

- `draft` merges both texts and writes each clashing passage with both sides
  between marker lines, for the editor to settle by hand;
- `resolve_conflict` settles every clashing passage one way (mine or theirs),
  keeps everyone's other changes, and saves through editing.edit_resource;
- editing refuses a text that still holds the marker lines
  (editing.has_conflict_markers), so a half-settled draft is never published.
"""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from merge3 import Merge3

from . import editing
from .editing import END, MIDDLE, START
from .models import Resource, ResourceVersion

MINE, THEIRS = "mine", "theirs"


@dataclass(frozen=True)
class Clash:
    """One passage both editors changed: their text and mine."""

    theirs: str
    mine: str


def _lines(text):
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _groups(base, theirs, mine):
    return Merge3(_lines(base), _lines(theirs), _lines(mine)).merge_groups()


def draft(base: str, theirs: str, mine: str, *, theirs_label: str, mine_label: str):
    """(text, clashes): both edits merged, each clash written with both sides between markers."""
    out, clashes = [], []
    for group in _groups(base, theirs, mine):
        if group[0] != "conflict":
            out.extend(group[1])
            continue
        _base, their_lines, my_lines = group[1:]
        clashes.append(Clash(theirs="".join(their_lines), mine="".join(my_lines)))
        out += [f"{START} {theirs_label}\n", *their_lines, f"{MIDDLE}\n", *my_lines]
        out.append(f"{END} {mine_label}\n")
    return "".join(out), clashes


def markers_as_text(text: str) -> str:
    """The draft with each conflict marker line set apart as a plain paragraph.

    Rendered as Markdown, `=======` under a line would make it a heading and
    `>>>>>>>` seven nested quotes: the preview must show the markers as the
    editor holds them, so that the person sees which passages are left to settle.
    """
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith((START, MIDDLE, END)):
            # Alone between blank lines, a line is a paragraph; `>` alone still needs its escape.
            shown = "\\" + line if line.startswith(END) else line
            out += ["\n", shown.rstrip("\r\n") + "\n", "\n"]
        else:
            out.append(line)
    return "".join(out)


def resolve(base: str, theirs: str, mine: str, side: str) -> str:
    """Both edits merged, each clashing passage settled with `side`'s text.

    Repeated identical lines can make the alignment drop a copy; if the
    chosen side's added lines are not all in the result, its whole text is
    taken instead: the chosen words are never lost.
    """
    chosen = mine if side == MINE else theirs
    out = []
    for group in _groups(base, theirs, mine):
        if group[0] == "conflict":
            out.extend(group[3] if side == MINE else group[2])
        else:
            out.extend(group[1])
    merged = "".join(out)
    added = Counter(_lines(chosen))
    added.subtract(_lines(base))
    if +added - Counter(_lines(merged)):
        return chosen
    return merged


def resolve_conflict(
    *,
    resource: Resource,
    author,
    content: str,
    title: str | None,
    comment: str,
    base_version: int,
    latest_version: int,
    side: str,
) -> editing.EditResult:
    """Save `content` (written from `base_version`) against `latest_version`, clashes settled.

    Saved as an edit from `latest_version`: if someone saved yet another
    version since, editing merges again or refuses with a new EditConflict.
    """
    if side not in (MINE, THEIRS):
        raise ValueError(side)
    versions = ResourceVersion.objects.filter(
        resource=resource, number__in=(base_version, latest_version)
    )
    by_number = {version.number: version for version in versions}
    if base_version not in by_number or latest_version not in by_number:
        raise ValidationError(
            {"base_version": [_("The versions of this conflict are not valid: edit again.")]}
        )
    base, latest = by_number[base_version], by_number[latest_version]
    text = resolve(base.content, latest.content, editing.normalize(content), side)
    return editing.edit_resource(
        resource=resource,
        author=author,
        content=text,
        base_version=latest_version,
        title=title if side == MINE else None,
        comment=comment,
    )
