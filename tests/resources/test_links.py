"""`files/NAME` and `[[slug]]` in texts, the links table and backlinks (resources/links.py)."""

import pytest

from appel.markup import render_markdown
from appel.models import Call
from resources import editing, files, links
from resources.models import ResourceLink
from tests.conftest import client_for, make_call
from tests.security.htmlcheck import html_problems

from .conftest import API
from .samples import image_bytes, upload


def create(call, author, title, content, **kwargs):
    return editing.create_resource(
        call=call, author=author, title=title, content=content, **kwargs
    ).resource


def edit(resource, author, content, **kwargs):
    resource.refresh_from_db()
    return editing.edit_resource(
        resource=resource,
        author=author,
        content=content,
        base_version=resource.latest_version.number,
        **kwargs,
    )


def html_of(resource):
    resource.refresh_from_db()
    return resource.latest_version.html


def test_files_resolve_to_the_resources_file_address(call, bob):
    guide = create(
        call, bob, "Guide", "![Le puits](files/puits.png) et [la carte](files/carte.pdf)"
    )
    html = html_of(guide)
    assert '<img alt="Le puits" src="/calls/eau/resources/guide/files/puits.png">' in html
    assert '<a href="/calls/eau/resources/guide/files/carte.pdf">la carte</a>' in html


def test_the_resolved_image_is_served_from_that_address(call, bob, client):
    guide = create(call, bob, "Guide", "![Le puits](files/puits.png)")
    files.upload_file(resource=guide, uploader=bob, upload=upload("puits.png", image_bytes()))
    response = client.get("/calls/eau/resources/guide/files/puits.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_only_file_images_of_this_site_pass_the_sanitizer():
    assert "src" not in render_markdown("![x](/calls/eau/resources/a/other/x.png)")
    assert "src" not in render_markdown("![x](//evil.example/files/x.png)")
    assert "src" not in render_markdown("![x](http://evil.example/x.png)")
    assert 'src="/calls/eau/resources/a/files/x.png"' in render_markdown(
        "![x](/calls/eau/resources/a/files/x.png)"
    )


def test_files_references_with_paths_or_schemes_are_left_alone(call, bob):
    guide = create(call, bob, "Guide", "[a](files/../../admin/) [b](javascript:files/x)")
    html = html_of(guide)
    assert "/calls/eau/resources/guide/files/" not in html
    assert "javascript" not in html.split("<a")[-1].split(">")[0]


def test_wikilinks_link_to_resources_of_the_call(call, bob):
    create(call, bob, "Carte des puits", "Texte.", slug="carte")
    guide = create(call, bob, "Guide", "Voir [[carte]] et [[carte|la carte]]; `[[carte]]` en code.")
    html = html_of(guide)
    assert '<a class="wikilink" href="/calls/eau/resources/carte/">Carte des puits</a>' in html
    assert '<a class="wikilink" href="/calls/eau/resources/carte/">la carte</a>' in html
    assert "<code>[[carte]]</code>" in html


def test_a_missing_resource_links_to_its_creation_with_the_title(call, bob, client):
    guide = create(call, bob, "Guide", "Voir [[plan-d-eau]] et [[mare|La mare du village]].")
    html = html_of(guide)
    assert (
        '<a class="wikilink-missing" '
        'href="/calls/eau/resources/new/?title=Plan+d+eau&amp;slug=plan-d-eau">Plan d eau'
        '<span class="wikilink-note" lang="fr"> (à écrire)</span>'
        '<span class="wikilink-note" lang="en"> (to be written)</span></a>'
    ) in html
    assert "title=La+mare+du+village&amp;slug=mare" in html
    client.force_login(bob)
    page = client.get("/calls/eau/resources/new/?title=La+mare+du+village&slug=mare")
    assert 'value="La mare du village"' in page.content.decode()
    assert 'value="mare"' in page.content.decode()


def test_creating_the_missing_resource_renders_the_links_to_it_again(call, bob, charlie):
    guide = create(call, bob, "Guide", "Voir [[mare]].")
    assert "wikilink-missing" in html_of(guide)
    create(call, charlie, "La mare", "Texte.", slug="mare")
    html = html_of(guide)
    assert '<a class="wikilink" href="/calls/eau/resources/mare/">La mare</a>' in html


def test_renaming_a_resource_renders_the_links_to_it_again(call, bob, charlie):
    mare = create(call, bob, "La mare", "Texte.", slug="mare")
    guide = create(call, bob, "Guide", "Voir [[mare]].")
    edit(mare, charlie, "Texte.", title="La grande mare")
    assert ">La grande mare</a>" in html_of(guide)
    # A restore that brings the old title back too.
    mare.refresh_from_db()
    editing.restore_version(resource=mare, author=charlie, number=1)
    assert ">La mare</a>" in html_of(guide)


def test_backlinks_follow_create_and_edit(call, bob, charlie):
    mare = create(call, bob, "La mare", "Texte.", slug="mare")
    guide = create(call, bob, "Guide", "Voir [[mare]].")
    atlas = create(call, charlie, "Atlas", "Voir [[mare|ici]] et [[mare]] et [[guide]].")
    assert [r.slug for r in links.backlinks(mare)] == ["atlas", "guide"]
    assert [r.slug for r in links.backlinks(guide)] == ["atlas"]
    edit(guide, charlie, "Plus de lien.")
    assert [r.slug for r in links.backlinks(mare)] == ["atlas"]
    edit(guide, charlie, "De retour: [[mare]].")
    assert [r.slug for r in links.backlinks(mare)] == ["atlas", "guide"]
    assert ResourceLink.objects.filter(source=atlas).count() == 2  # once per target


def test_backlinks_in_the_api(call, bob, api):
    create(call, bob, "La mare", "Texte.", slug="mare")
    create(call, bob, "Guide", "Voir [[mare]].")
    body = api.get(f"{API}/mare").json()
    assert body["backlinks"] == [{"slug": "guide", "title": "Guide"}]
    listed = {r["slug"]: r for r in api.get(API).json()["results"]}
    assert listed["mare"]["backlinks"] == [{"slug": "guide", "title": "Guide"}]
    assert listed["guide"]["backlinks"] == []
    assert listed["guide"]["files_count"] == 0


def test_a_self_link_is_not_a_backlink(call, bob):
    mare = create(call, bob, "La mare", "Moi: [[mare]].", slug="mare")
    assert list(links.backlinks(mare)) == []


def test_links_never_reach_another_call(call, bob, olga, other_call):
    secret_call = make_call(olga, slug="secret", status=Call.Status.DRAFT, title="Secret")
    other_call.status = Call.Status.OPEN
    other_call.save()
    # A draft call's resource, with the slug a text of `call` will name.
    secret_call.status = Call.Status.OPEN
    secret_call.save()
    create(secret_call, olga, "Plan confidentiel", "Texte.", slug="plan")
    secret_call.status = Call.Status.DRAFT
    secret_call.save()
    guide = create(call, bob, "Guide", "Voir [[plan]].")
    html = html_of(guide)
    assert "Plan confidentiel" not in html
    assert "secret" not in html
    assert "wikilink-missing" in html
    assert "Plan confidentiel" not in client_for(bob).get(f"{API}/guide").content.decode()


def test_a_draft_calls_backlinks_stay_in_the_draft(call, bob, alice, api):
    create(call, bob, "La mare", "Texte.", slug="mare")
    create(call, bob, "Guide", "Voir [[mare]].")
    call.status = Call.Status.DRAFT
    call.save()
    assert api.get(f"{API}/mare").status_code == 404
    assert client_for(bob).get(f"{API}/mare").status_code == 404
    assert client_for(alice).get(f"{API}/mare").json()["backlinks"] == [
        {"slug": "guide", "title": "Guide"}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[[mare|<script>alert(1)</script>]]",
        '[[mare|" onmouseover="alert(1)]]',
        "[[javascript:alert(1)]]",
        "[[mare|[x](javascript:alert(1))]]",
        '![x" onerror="alert(1)](files/a.png)',
        "[x](files/%22%3E%3Cscript%3Ealert(1)%3C/script%3E)",
    ],
)
def test_hostile_links_come_out_inert(call, bob, text):
    guide = create(call, bob, "Guide", text)
    assert html_problems(html_of(guide)) == []


def test_preview_resolves_links_and_files_like_the_save(call, bob, client):
    create(call, bob, "La mare", "Texte.", slug="mare")
    guide = create(call, bob, "Guide", "Texte.")
    client.force_login(bob)
    response = client.post(
        "/preview/",
        {"content": "[[mare]] ![p](files/p.png)", "call": "eau", "resource": guide.slug},
    )
    html = response.content.decode()
    assert 'class="wikilink" href="/calls/eau/resources/mare/"' in html
    assert 'src="/calls/eau/resources/guide/files/p.png"' in html


def test_preview_of_a_draft_calls_resource_is_404_for_others(call, bob, charlie, client):
    guide = create(call, bob, "Guide", "Texte.")
    call.status = Call.Status.DRAFT
    call.save()
    client.force_login(charlie)
    response = client.post(
        "/preview/", {"content": "[[guide]]", "call": "eau", "resource": guide.slug}
    )
    assert response.status_code == 404
