"""Completeness of a commun's text against its call's required sections.

A call may ask every commun to document itself under fixed headings (ADEME's
"fiche commun": pitch, who carries it, description, governance, license,
business model). Missing sections never block a save: they are shown, as a
checklist, on the resource page, in the lists and in the API.

Two pure steps, so that lists never read texts:
- `outline(markdown)` is computed once per save (resources/editing.py) and
  stored on the resource: each heading with its level and whether
  something is written under it;
- `completeness(outline, required)` compares it with the call's list.

The rules, chosen for writers rather than for parsers:
- a required title matches a heading of any level (a "### Gouvernance"
  under a "## Description" still counts), ignoring case, accents, spaces
  and a trailing colon; a renamed heading ("Modèle éco") does not match;
- a section is filled when some text (not only sub-headings, blank lines or
  HTML comments, which the template uses for guidance) stands between its
  heading and the next heading of the same or a higher level;
- a title present twice counts as filled when either occurrence is.
"""

import re
import unicodedata

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def normalize(title):
    """The form two titles are compared in: "Modèle économique :" == "modele economique"."""
    text = unicodedata.normalize("NFKD", str(title))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = " ".join(text.casefold().split())
    return text.rstrip(" :.").strip()


def _headings(markdown):
    """[(line index, level, title)] of the ATX and setext headings outside code fences."""
    lines = markdown.split("\n")
    found, fence = [], None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        atx = _ATX.match(line)
        if atx:
            found.append((index, len(atx.group(1)), (atx.group(2) or "").strip()))
            continue
        underline = _SETEXT.match(line)
        previous = lines[index - 1].strip() if index else ""
        if (
            underline
            and previous
            and not _ATX.match(lines[index - 1])
            and (not found or found[-1][0] != index - 1)
        ):
            level = 1 if underline.group(1)[0] == "=" else 2
            found.append((index - 1, level, previous))
    return lines, found


def outline(markdown):
    """[[level, title, filled], ...]: each heading of `markdown`, in order."""
    lines, headings = _headings(markdown or "")
    starts = {index for index, _level, _title in headings}
    setext_lines = {index + 1 for index, _level, _title in headings if index + 1 < len(lines)}
    result = []
    for position, (index, level, title) in enumerate(headings):
        end = len(lines)
        for next_index, next_level, _next_title in headings[position + 1 :]:
            if next_level <= level:
                end = next_index
                break
        body = [
            line
            for number, line in enumerate(lines[index + 1 : end], start=index + 1)
            if number not in starts and not (number in setext_lines and _SETEXT.match(line))
        ]
        text = _COMMENT.sub("", "\n".join(body)).strip()
        result.append([level, title, bool(text)])
    return result


def completeness(stored_outline, required):
    """`{required, missing, empty}`: `missing` lists the required titles absent or empty.

    `empty` is the part of `missing` whose heading is there with nothing
    under it, so that a page can say "write something under it" rather
    than "add this section".
    """
    filled, present = set(), set()
    for _level, title, has_text in stored_outline or []:
        key = normalize(title)
        present.add(key)
        if has_text:
            filled.add(key)
    required = list(required or [])
    missing = [title for title in required if normalize(title) not in filled]
    empty = [title for title in missing if normalize(title) in present]
    return {"required": required, "missing": missing, "empty": empty}
