"""Every template obeys the strict Content Security Policy (script-src 'self', style-src 'self').

Inline scripts, style attributes, <style> elements and on* event handlers
would be blocked by the browser: the page would silently lose behaviour or
layout. This scan fails as soon as one is written.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
TEMPLATES = sorted(
    path
    for folder in TEMPLATE_DIRS
    if folder.is_dir() and ".venv" not in folder.parts
    for path in folder.rglob("*")
    if path.suffix in {".html", ".txt", ".xml", ".svg"}
)

FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def violations(text):
    return [
        f"{name} on line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0)[:80]}"
        for name, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]


def test_it_finds_the_templates():
    names = {path.name for path in TEMPLATES}
    assert {"base.html", "resource_edit.html", "review_version.html"} <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_has_no_inline_script_or_style(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<p style="color:red">',
        "<style>p{}</style>",
        '<button onclick="go()">',
        '<div\n  onmouseover="x">',
        '<a href="javascript:go()">',
    ],
)
def test_it_catches_each_forbidden_form(html):
    assert violations(html)


def test_it_allows_external_scripts_and_stylesheets():
    html = (
        '<script src="/static/js/app.js" defer></script>'
        '<link rel="stylesheet" href="/static/css/app.css">'
        '<p class="notice" data-style="x">{% translate "Mention: style=none" %}</p>'
    )
    assert violations(html) == []
