"""Markdown to safe HTML: the one function whose output templates mark safe.

Every piece of user Markdown (resource text, call and challenge descriptions,
review comments) goes through `render_markdown` once, when it is saved; the
stored HTML is what pages and the API show. Changing the allowlist below
means re-rendering what is stored: `python manage.py rerender_markdown`.
"""

import ctypes
import html
import re
import threading
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.text import slugify

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
        "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_CLASSES = {"toc", "footnote", "footnote-ref", "footnote-backref"}


def _split(url):
    """urlsplit, or None for what it cannot parse (such as "https://[x"): never an error."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _allowed_attribute(tag, name, value):
    if name in {"title"}:
        return True
    if name == "id":
        return tag in {"h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div"}
    if name == "class":
        return value in _CLASSES
    if tag == "a":
        return name in {"href", "rel"}
    if tag == "img":
        if name == "src":
            # Images only from https: no tracking over http, no data: payloads.
            parts = _split(value)
            return parts is not None and parts.scheme.lower() == "https"
        return name in {"alt", "width", "height"}
    if tag in {"th", "td"}:
        return name in {"align", "colspan", "rowspan"}
    if tag == "ol":
        return name == "start"
    return False


class _ExternalLinkFilter(Filter):
    """Links to other sites get rel="nofollow ugc noopener": user content must not pass rank."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = _split(attrs.get((None, "href"), ""))
                # "//host/path" leaves the site too, without a scheme.
                if href is None or href.scheme.lower() in {"http", "https"} or href.netloc:
                    attrs[(None, "rel")] = "nofollow ugc noopener"
                else:
                    attrs.pop((None, "rel"), None)
            yield token


def _new_cleaner():
    return bleach.sanitizer.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,  # disallowed markup is shown as text: nothing typed is silently lost
        strip_comments=True,
        filters=[_ExternalLinkFilter],
    )


def _slugify_heading(value, separator):
    return slugify(value) or "section"


_EXTENSIONS = ["tables", "fenced_code", "footnotes", "toc", "sane_lists"]
_EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    "toc": {"slugify": _slugify_heading, "toc_depth": "2-4"},
}
_local = threading.local()


def _converter():
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
        )
    return md.reset()


def _cleaner():
    """One cleaner per thread: bleach's keeps parser state between calls."""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _new_cleaner()
    return cleaner


# Some texts make Python-Markdown work in quadratic time (thousands of "["
# never closed: 8,000 of them take 30 s), or recurse once per level of
# nesting ("- - - - ... x", 800 levels: RecursionError). Such shapes are
# recognised before rendering and shown as typed; what is left is bounded by
# a time guard that follows the text's size: about 2 s for a comment, 6 s
# for the largest text (a 1 MB document renders in about 2 s; a megabyte of
# one-word list items and table rows would take 10 s). A save renders while
# it holds the resource's row lock. The live preview passes a shorter guard.
RENDER_SECONDS_BASE = 2
RENDER_SECONDS_PER_MB = 4
# Deeper than this, lists and quotes are not a document any reader could follow.
MAX_NESTING = 30
MAX_UNCLOSED_BRACKETS = 500
_NESTED_LINE = re.compile(rf"^[ \t]*(?:(?:[-*+>]|\d{{1,9}}[.)])[ \t]+){{{MAX_NESTING + 1}}}", re.M)


def render_seconds(text):
    return RENDER_SECONDS_BASE + RENDER_SECONDS_PER_MB * len(text) / 1_000_000


def _pathological(text):
    """True for the shapes that make the renderer quadratic or recursive (see above)."""
    if text.count("[") - text.count("]") > MAX_UNCLOSED_BRACKETS:
        return True
    return _NESTED_LINE.search(text) is not None


class _Overtime(Exception):
    """Raised inside the rendering thread once its time is up."""


def _within(seconds, work):
    """work(), interrupted by _Overtime after `seconds`.

    A timer thread raises the exception in this thread (CPython's async
    exceptions): no cost while rendering, unlike a trace function. The lock
    makes sure it can never fire once work() is over.
    """
    ident = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}
    raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def fire():
        with lock:
            if not state["done"]:
                state["fired"] = True
                raise_in(ctypes.c_ulong(ident), ctypes.py_object(_Overtime))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        return work()
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:
                raise_in(ctypes.c_ulong(ident), None)  # not delivered yet: withdrawn
        timer.cancel()


def _unformatted(text):
    """The text as typed, escaped: what readers get when it cannot be rendered in time."""
    return f"<pre>{html.escape(text, quote=False)}</pre>"


def render_markdown(text, *, seconds=None):
    """Markdown -> sanitized HTML. Safe to mark safe; never call it per request.

    `seconds` caps the time guard below render_seconds(text) (the preview's).
    """
    if not text:
        return ""
    if _pathological(text):
        return _unformatted(text)
    guard = render_seconds(text) if seconds is None else min(seconds, render_seconds(text))
    try:
        return _within(guard, lambda: _cleaner().clean(_converter().convert(text)))
    except (_Overtime, RecursionError):
        # Stopped midway: start the next text with a fresh converter and cleaner.
        _local.md = _local.cleaner = None
        return _unformatted(text)
