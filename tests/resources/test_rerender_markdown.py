"""`manage.py rerender_markdown` brings stored HTML in line with the current rules."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from appel import markup
from appel.models import Call, Challenge
from resources import editing
from resources.models import Resource, ResourceVersion

from .conftest import BASE, grow


def run(*args):
    out = StringIO()
    call_command("rerender_markdown", *args, stdout=out)
    return out.getvalue()


def test_it_rerenders_every_version_call_challenge_and_review(resource, charlie, rita, monkeypatch):
    from contributions import reviewing
    from contributions.models import Review

    grow(resource, charlie, 4)
    reviewing.record_review(
        version=resource.latest_version, reviewer=rita, verdict="comment", comment="**ok**"
    )
    # The allowlist changes: <strong> is no longer allowed.
    monkeypatch.setattr(markup, "ALLOWED_TAGS", markup.ALLOWED_TAGS - {"strong", "h1", "h2"})
    monkeypatch.setattr(markup._local, "cleaner", None)
    output = run("--batch-size", "2")

    assert "versions: 5 of 5 re-rendered." in output
    for version in ResourceVersion.objects.all():
        assert version.html.startswith("&lt;h1")  # now shown as text
        assert version.html == markup.render_markdown(version.content)
    assert Review.objects.get().comment_html == "<p>&lt;strong&gt;ok&lt;/strong&gt;</p>"
    assert Call.objects.get().description_html.startswith("&lt;h2")
    assert Challenge.objects.get().description_html == "<p>Les nappes.</p>"  # unchanged, kept


def test_it_writes_nothing_when_the_html_is_current(resource):
    output = run()
    assert "versions: 0 of 1 re-rendered." in output


def test_it_never_saves_a_resource_or_its_snapshots(resource, monkeypatch):
    from reversion.models import Version

    before = (Version.objects.count(), Resource.objects.get().updated_at)
    monkeypatch.setattr(markup, "ALLOWED_TAGS", markup.ALLOWED_TAGS - {"p"})
    monkeypatch.setattr(markup._local, "cleaner", None)
    run()
    assert (Version.objects.count(), Resource.objects.get().updated_at) == before
    assert ResourceVersion.objects.get().content == BASE


def test_it_refuses_a_batch_size_below_one(db):
    with pytest.raises(CommandError):
        run("--batch-size", "0")


def test_it_handles_texts_that_cannot_be_rendered_in_time(call, bob, monkeypatch):
    content = "[x](#y) *a* " * 20_000
    version = editing.create_resource(call=call, author=bob, title="T", content=content)
    monkeypatch.setattr(markup, "RENDER_SECONDS_BASE", 0.01)
    monkeypatch.setattr(markup, "RENDER_SECONDS_PER_MB", 0)
    run()
    version.refresh_from_db()
    assert version.html.startswith("<pre>[x](#y)")


def test_the_resource_page_shows_the_rerendered_html_at_once(resource, client, monkeypatch):
    page = f"/calls/eau/resources/{resource.slug}/"
    assert '<h1 id="carte">' in client.get(page).content.decode()  # now cached
    monkeypatch.setattr(markup, "ALLOWED_TAGS", markup.ALLOWED_TAGS - {"h1"})
    monkeypatch.setattr(markup._local, "cleaner", None)
    run()
    assert "&lt;h1" in client.get(page).content.decode()


def test_it_resolves_files_and_links_as_the_save_does(call, bob):
    editing.create_resource(call=call, author=bob, title="La mare", content="x", slug="mare")
    guide = editing.create_resource(
        call=call, author=bob, title="Guide", content="[[mare]] ![p](files/p.png)"
    )
    saved = guide.html
    ResourceVersion.objects.filter(pk=guide.pk).update(html="")
    assert "versions: 1 of 2 re-rendered." in run()
    guide.refresh_from_db()
    assert guide.html == saved
    assert 'class="wikilink" href="/calls/eau/resources/mare/"' in saved
    assert 'src="/calls/eau/resources/guide/files/p.png"' in saved
