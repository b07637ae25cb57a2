"""The French and English interface: a complete French catalogue, the language chosen.

The product speaks French first (LANGUAGE_CODE "fr"): the catalogue is read
here with a small parser (no dependency) and must have every entry
translated, none fuzzy, the same placeholders and HTML tags as the English
text, and a compiled .mo that says the same thing. A fresh extraction of
the sources must find no string the catalogue lacks. Then the pages: the
browser's language by default, the switcher, the API's error sentences,
dates and amounts written as each language writes them.
"""

import ast
import datetime
import gettext
import re
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from contributions import retribution, reviewing
from resources import editing
from tests.conftest import client_for, make_call

ROOT = Path(django_settings.BASE_DIR)
FR_PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FR_MO = FR_PO.with_suffix(".mo")
# The folders `make messages` reads; tests, bench and the virtualenv are left out.
SOURCES = ("appel", "resources", "contributions", "templates", "manage.py")


# A small reader of .po files


class Entry:
    def __init__(self):
        self.flags, self.msgctxt, self.msgid, self.msgid_plural = set(), None, "", None
        self.msgstr, self.msgstr_plural, self.line = "", {}, 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translations(self):
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[n] for n in sorted(self.msgstr_plural)]

    def __repr__(self):
        return f"line {self.line}: {self.msgid!r}"


def read_po(path):
    """The entries of a .po file (header first); obsolete ones (#~) are left out.

    gettext's tools write one entry per paragraph: comments and flags, then
    keywords each followed by quoted strings that continue on the next lines.
    """
    entries = []
    for number, block in paragraphs(path.read_text(encoding="utf-8")):
        entry, field = Entry(), None
        entry.line = number
        for line in block:
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                field, _, line = line.partition(" ")
                if field.startswith("msgstr["):
                    entry.msgstr_plural[int(field[7:-1])] = ""
                elif field in ("msgctxt", "msgid_plural"):
                    setattr(entry, field, "")
            value = ast.literal_eval(line)
            if field.startswith("msgstr["):
                entry.msgstr_plural[int(field[7:-1])] += value
            else:
                setattr(entry, field, getattr(entry, field) + value)
        if field is not None:
            entries.append(entry)
    return entries


def paragraphs(text):
    """(first line number, lines) of each paragraph, without its obsolete (#~) lines."""
    block, start = [], 0
    for number, raw in enumerate([*text.splitlines(), ""], 1):
        line = raw.strip()
        if line and not line.startswith("#~"):
            if not block:
                start = number
            block.append(line)
        elif not line and block:
            yield start, block
            block = []


PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
BRACES = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)[^>]*>")


def placeholders(text):
    """%(name)s, %s and {name} placeholders, and HTML tags with their attributes."""
    without_percents = text.replace("%%", "")
    return Counter(
        [match.group(0) for match in PLACEHOLDER.finditer(without_percents)]
        + BRACES.findall(text)
        + [match.group(0) for match in TAG.finditer(text)]
    )


@pytest.fixture(scope="module")
def catalogue():
    entries = read_po(FR_PO)
    assert entries and entries[0].msgid == "", "the catalogue starts with its header"
    return entries


@pytest.fixture(scope="module")
def messages(catalogue):
    return catalogue[1:]


# The catalogue


def test_it_reads_the_catalogue_header(catalogue):
    header = catalogue[0].msgstr
    assert "Language: fr\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header
    assert "fuzzy" not in catalogue[0].flags


def test_it_has_a_catalogue_of_the_interface(messages):
    ids = {entry.msgid for entry in messages}
    # A few strings of each app and of the templates, to be sure the parser read it all.
    for msgid in ("Calls for commons", "Log in", "Propose a resource", "Record my review"):
        assert msgid in ids
    assert len(messages) > 400


def test_it_translates_every_entry(messages):
    missing = [entry for entry in messages if not all(entry.translations)]
    assert missing == []


def test_it_has_no_fuzzy_entry(catalogue):
    assert [entry for entry in catalogue if "fuzzy" in entry.flags] == []


def test_it_gives_each_plural_entry_both_french_forms(messages):
    plurals = [entry for entry in messages if entry.msgid_plural is not None]
    assert plurals
    assert [entry for entry in plurals if sorted(entry.msgstr_plural) != [0, 1]] == []


def test_it_keeps_placeholders_and_html_of_the_english_text(messages):
    wrong = []
    for entry in messages:
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                wrong.append(entry)
            continue
        # The singular may leave the count out ("one version"); the plural may not.
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        forms = entry.translations
        extra = any(set(placeholders(form)) - allowed for form in forms)
        if extra or placeholders(forms[-1]) != placeholders(entry.msgid_plural):
            wrong.append(entry)
    assert wrong == []


def test_it_leaves_no_english_sentence_untranslated(messages):
    """A translation may equal its English text only for names and words French shares."""

    def words(text):
        return re.findall(r"[A-Za-z]{2,}", TAG.sub("", PLACEHOLDER.sub("", text)))

    same = {
        entry.msgid
        for entry in messages
        if entry.msgid_plural is None
        and entry.msgstr == entry.msgid
        and len(words(entry.msgid)) > 2
    }
    assert same <= {"Citation (CITATION.cff)", "Citation (BibTeX)"}


def test_it_compiled_the_catalogue_it_ships(messages):
    """The .mo (tracked, for machines without msgfmt) says exactly what the .po says."""
    assert FR_MO.exists(), "run: python manage.py compilemessages --ignore=.venv"
    with FR_MO.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in messages:
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr:
                stale.append(entry)
            continue
        for n, expected in ((1, entry.msgstr_plural[0]), (2, entry.msgstr_plural[1])):
            if entry.msgctxt is None:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if got != expected:
                stale.append(entry)
    assert stale == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs xgettext")
def test_it_knows_every_string_the_sources_mark(messages, tmp_path):
    """A fresh `makemessages` over a copy of the sources finds nothing the catalogue lacks."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    extracted = {entry.key for entry in read_po(tmp_path / "locale/fr/LC_MESSAGES/django.po")}
    known = {entry.key for entry in messages}
    extracted.discard((None, "", None))
    assert sorted(extracted - known, key=str) == [], "run `make messages` and translate"
    assert sorted(known - extracted, key=str) == [], "run `make messages` to drop old entries"


# The language of the pages


@pytest.fixture
def french_by_default(settings):
    """The product's own default (the suite's conftest sets English for the other tests)."""
    settings.LANGUAGE_CODE = "fr"


def test_it_answers_in_french_without_accept_language(db, french_by_default):
    body = Client().get("/").content.decode()
    assert '<html lang="fr">' in body
    assert "Appels à communs" in body and "Se connecter" in body
    assert "Log in" not in body


def test_it_answers_in_the_browser_language(db, french_by_default):
    response = Client().get("/", headers={"accept-language": "en-GB,en;q=0.9,fr;q=0.5"})
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body and "Se connecter" not in body
    # Caches must keep one copy per language.
    assert "Accept-Language" in response["Vary"]


def test_it_offers_a_switcher_with_both_languages(db, french_by_default):
    body = Client().get("/").content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert '<select id="language-select" name="language"' in body
    assert '<option value="fr" lang="fr" selected>Français</option>' in body
    assert '<option value="en" lang="en">English</option>' in body


def test_it_switches_the_language_and_remembers_it(db, french_by_default):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body and "Log in" in body
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_it_refuses_a_language_it_does_not_speak(db, french_by_default):
    client = Client()
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_it_translates_form_errors_and_messages(alice, bob, call, french_by_default):
    client = Client()
    client.force_login(alice)
    refused = client.post("/calls/eau/members/", {"username": "nobody", "role": "reviewer"})
    assert "Aucun compte n’a cet identifiant : cherchez par nom" in refused.content.decode()
    added = client.post("/calls/eau/members/", {"username": "bob", "role": "reviewer"}, follow=True)
    assert "Bob a désormais le rôle «\xa0relecteur\xa0» dans cet appel." in added.content.decode()


# The API's sentences


def test_it_gives_api_errors_in_the_requested_language(call, french_by_default):
    assert Client().get("/api/v1/calls/nope").json()["detail"] == "Introuvable."
    english = Client().get("/api/v1/calls/nope", headers={"accept-language": "en"})
    assert english.json()["detail"] == "Not found."


def test_it_gives_api_validation_errors_in_the_requested_language(alice, call, french_by_default):
    api = client_for(alice)
    body = {"username": "nobody", "role": "reviewer"}
    french = api.post("/api/v1/calls/eau/members", body, format="json")
    assert french.status_code == 400
    assert french.json() == {
        "detail": "username\xa0: Aucun compte ne porte ce nom d’utilisateur.",
        "errors": {"username": ["Aucun compte ne porte ce nom d’utilisateur."]},
    }
    english = api.post(
        "/api/v1/calls/eau/members", body, format="json", headers={"accept-language": "en"}
    )
    assert english.json() == {
        "detail": "username: No account has this username.",
        "errors": {"username": ["No account has this username."]},
    }


def test_it_gives_django_rest_framework_sentences_in_french_too(call, french_by_default):
    response = Client().post("/api/v1/calls", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"] == "Informations d'authentification non fournies."


# Dates and amounts


@pytest.fixture
def dated_call(alice):
    opens = timezone.make_aware(datetime.datetime(2030, 1, 1, 9, 0))
    closes = timezone.make_aware(datetime.datetime(2030, 6, 30, 18, 0))
    return make_call(
        alice, slug="dates", budget_amount=Decimal("20000.00"), opens_at=opens, closes_at=closes
    )


def page(path, language):
    return Client().get(path, headers={"accept-language": language}).content.decode()


def test_it_writes_the_budget_as_french_people_do(dated_call):
    assert '<dd class="budget">20\xa0000,00\xa0€</dd>' in page("/calls/dates/", "fr")


def test_it_writes_the_budget_as_english_people_do(dated_call):
    assert '<dd class="budget">€20,000.00</dd>' in page("/calls/dates/", "en")


def test_it_writes_other_currencies_with_their_code(alice):
    make_call(alice, slug="chf", budget_amount=Decimal("1500.5"), budget_currency="CHF")
    assert '<dd class="budget">1\xa0500,50\xa0CHF</dd>' in page("/calls/chf/", "fr")
    assert '<dd class="budget">1,500.50 CHF</dd>' in page("/calls/chf/", "en")


def test_it_writes_dates_in_the_page_language(dated_call):
    french, english = page("/calls/dates/", "fr"), page("/calls/dates/", "en")
    assert "1 janvier 2030 09:00" in french and "30 juin 2030 18:00" in french
    assert "Jan. 1, 2030, 9 a.m." in english and "June 30, 2030, 6 p.m." in english
    # Open, with its opening date ahead: announced, not yet open.
    assert "Ouvre le 1 janvier 2030" in page("/", "fr")
    assert "Opens on Jan. 1, 2030" in page("/", "en")


def test_it_writes_the_retribution_amounts_in_the_page_language(call, alice, bob, rita):
    version = editing.create_resource(
        call=call, author=bob, title="Carte", content="Un deux trois quatre.", license="etalab-2.0"
    )
    reviewing.record_review(version=version, reviewer=rita, verdict="approve", comment="")
    retribution.publish_retribution(call=call, actor=alice, published=True)
    french = page("/calls/eau/retribution/", "fr")
    assert "Budget\xa0: 20\xa0000,00\xa0€" in french
    assert "100,0\xa0%" in french
    english = page("/calls/eau/retribution/", "en")
    assert "Budget: €20,000.00" in english
