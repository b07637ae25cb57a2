"""Who wrote each word of a version, computed once at save.

A version's authorship is a run-length list `[[user_id, word_count], ...]`
over the words of its text (`text.split()`). The new version's list comes
from its parent's list and the diff between the two texts: kept words keep
their author, new words belong to the editor. The cost follows the size of
the text and of the change, never the length of the history.
"""

import re
from collections import Counter
from itertools import groupby

from .diff import two_level_opcodes

_WORD = re.compile(r"\S+")


def expand(runs):
    """[[7, 2], [9, 1]] -> [7, 7, 9]."""
    authors = []
    for user_id, count in runs:
        authors.extend([user_id] * count)
    return authors


def compress(authors):
    """[7, 7, 9] -> [[7, 2], [9, 1]]."""
    return [[user_id, sum(1 for _ in group)] for user_id, group in groupby(authors)]


def initial(text, author_id):
    """A first version: every word is its author's."""
    count = len(text.split())
    return [[author_id, count]] if count else []


def derive(parent_text, parent_runs, text, author_id):
    """Authorship of `text`, written by `author_id` from `parent_text`."""
    parent_authors = expand(parent_runs)
    if len(parent_authors) != len(parent_text.split()):
        # A record that does not match its text (imported or damaged data):
        # its words are credited to nobody rather than to the wrong person.
        parent_authors = [None] * len(parent_text.split())
    authors = []
    position = 0
    for tag, old_words, new_words in two_level_opcodes(parent_text, text, str.split):
        if tag == "equal":
            authors.extend(parent_authors[position : position + len(old_words)])
        else:
            authors.extend([author_id] * len(new_words))
        position += len(old_words)
    return compress(authors)


def word_counts(runs):
    """{user_id: words} for a version; words of unknown authors are left out."""
    counts = Counter()
    for user_id, count in runs:
        if user_id is not None:
            counts[user_id] += count
    return counts


def shares(runs):
    """{user_id: share of the words}, summing to 1 (empty for an empty text)."""
    counts = word_counts(runs)
    total = sum(counts.values())
    return {user_id: count / total for user_id, count in counts.items()} if total else {}


def passages(text, runs):
    """[(user_id, passage_text), ...] covering `text`, for the "who wrote this" view.

    The whitespace after a passage's last word stays with that passage.
    """
    spans = [match.span() for match in _WORD.finditer(text)]
    if sum(count for _, count in runs) != len(spans):
        return [(None, text)] if text else []
    result = []
    start = seen = 0
    for user_id, count in runs:
        seen += count
        end = spans[seen][0] if seen < len(spans) else len(text)
        result.append((user_id, text[start:end]))
        start = end
    return result
