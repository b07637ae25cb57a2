"""Files and links on the pages: upload from the edit page without JS, lists, history, backlinks."""

import re

import pytest

from resources import editing, files
from resources.models import FileRevision

from .conftest import BASE, SLUG
from .samples import image_bytes, pdf_bytes, upload

PAGE = f"/calls/eau/resources/{SLUG}/"
EDIT = f"{PAGE}edit/"


def put(resource, user, filename, data):
    return files.upload_file(resource=resource, uploader=user, upload=upload(filename, data))


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def edit_form(resource, **extra):
    return {
        "title": resource.title,
        "content": "Texte en cours, pas encore enregistré.",
        "comment": "",
        "base_version": resource.latest_version.number,
        **extra,
    }


def test_the_edit_page_has_a_plain_file_input(resource, bob_client):
    html = bob_client.get(EDIT).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="upload-file"' in html
    assert 'name="upload" value="1"' in html


def test_uploading_from_the_edit_page_keeps_the_text_being_typed(resource, bob_client):
    data = edit_form(resource, upload="1", **{"upload-file": upload("puits.png", image_bytes())})
    response = bob_client.post(EDIT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Texte en cours, pas encore enregistré." in html
    assert "![…](files/puits.png)" in html
    assert "data-dirty" in html  # the unsaved text is still guarded
    assert files.get_file(resource, "puits.png").latest.uploaded_by.username == "bob"
    resource.refresh_from_db()
    assert resource.latest_version.number == 1  # the text was not saved


def test_after_an_upload_the_file_fields_are_empty_for_the_next_one(resource, bob_client):
    """A name kept in "Name in the text" would file the next file as a revision of this one."""
    data = edit_form(
        resource,
        upload="1",
        **{"upload-file": upload("puits.png", image_bytes()), "upload-name": "carte.png"},
    )
    html = bob_client.post(EDIT, data).content.decode()
    assert "![…](files/carte.png)" in html
    name_input = re.search(r'<input[^>]*name="upload-name"[^>]*>', html).group(0)
    assert "value=" not in name_input


def test_a_refused_file_says_why_and_keeps_the_text(resource, bob_client):
    data = edit_form(
        resource, upload="1", **{"upload-file": upload("x.png", b"<html><script>1</script>")}
    )
    response = bob_client.post(EDIT, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "HTML and SVG files are refused" in html
    assert "Texte en cours, pas encore enregistré." in html
    assert not FileRevision.objects.exists()


def test_upload_without_a_file_asks_for_one(resource, bob_client):
    response = bob_client.post(EDIT, edit_form(resource, upload="1"))
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_saving_with_a_file_attached_uploads_it_and_saves_the_text(resource, bob_client):
    data = edit_form(resource, save="1", **{"upload-file": upload("rapport.pdf", pdf_bytes())})
    data["content"] = "Voir [le rapport](files/rapport.pdf)."
    response = bob_client.post(EDIT, data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.latest_version.number == 2
    assert 'href="/calls/eau/resources/carte-des-puits/files/rapport.pdf"' in (
        resource.latest_version.html
    )
    assert files.get_file(resource, "rapport.pdf")


def test_the_resource_page_lists_files_with_thumbnails_and_backlinks(resource, call, bob, client):
    put(resource, bob, "puits.png", image_bytes())
    put(resource, bob, "rapport.pdf", pdf_bytes())
    editing.create_resource(call=call, author=bob, title="Atlas", content=f"Voir [[{SLUG}]].")
    html = client.get(PAGE).content.decode()
    assert f'src="{PAGE}files/puits.png/thumbnail"' in html
    assert f'href="{PAGE}files/rapport.pdf" download' in html
    assert "Linked pages" in html
    assert 'href="/calls/eau/resources/atlas/">Atlas</a>' in html


def test_the_resource_page_in_french(resource, call, bob, client):
    put(resource, bob, "puits.png", image_bytes())
    editing.create_resource(call=call, author=bob, title="Atlas", content=f"Voir [[{SLUG}]].")
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Pages liées" in html
    assert "Fichiers" in html


def test_an_upload_shows_at_the_next_visit_of_a_cached_page(
    resource, bob, client, django_capture_on_commit_callbacks
):
    assert "puits.png" not in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        put(resource, bob, "puits.png", image_bytes())
    assert "puits.png" in client.get(PAGE).content.decode()


def test_a_new_backlink_shows_at_the_next_visit_of_a_cached_page(
    resource, call, bob, client, django_capture_on_commit_callbacks
):
    assert "Atlas" not in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editing.create_resource(call=call, author=bob, title="Atlas", content=f"[[{SLUG}]]")
    assert 'href="/calls/eau/resources/atlas/">Atlas</a>' in client.get(PAGE).content.decode()


def test_the_history_shows_uploads_beside_versions(resource, bob, charlie, client):
    put(resource, bob, "data.csv", b"a;b\n")
    put(resource, charlie, "data.csv", b"a;c\n")
    html = client.get(f"{PAGE}history/").content.decode()
    assert "Files uploaded" in html
    assert f'href="{PAGE}files/data.csv?revision=2"' in html
    assert f'href="{PAGE}files/data.csv?revision=1"' in html
    assert "Charlie" in html


def test_the_files_page_lists_every_revision(resource, bob, charlie, client):
    put(resource, bob, "data.csv", b"a;b\n")
    put(resource, charlie, "data.csv", b"a;c\n")
    html = client.get(f"{PAGE}files/").content.decode()
    assert "Revision 2" in html and "Revision 1" in html
    assert f'href="{PAGE}files/data.csv?revision=1" download' in html
    assert "[…](files/data.csv)" in html


def test_restoring_a_text_version_never_deletes_files(resource, bob, charlie):
    editing.edit_resource(
        resource=resource, author=charlie, content=BASE + "\n![p](files/p.png)\n", base_version=1
    )
    put(resource, charlie, "p.png", image_bytes())
    resource.refresh_from_db()
    editing.restore_version(resource=resource, author=bob, number=1)
    assert files.get_file(resource, "p.png").latest.number == 1


def test_a_page_with_20_images_stays_within_its_query_budget(
    resource, bob, client, django_assert_num_queries
):
    text = BASE + "".join(f"\n![image {n}](files/image-{n}.png)\n" for n in range(20))
    editing.edit_resource(resource=resource, author=bob, content=text, base_version=1)
    for n in range(20):
        put(resource, bob, f"image-{n}.png", image_bytes(color=(n * 10, 0, 0)))
    # The page's state, the resource with both versions, its défis, the authors, files,
    # backlinks, the team, the open threads, the published cut-off decisions, its ledger
    # entries.
    with django_assert_num_queries(10):
        html = client.get(PAGE).content.decode()
    assert len(re.findall(r'src="[^"]+/files/image-\d+\.png"', html)) == 20
    assert len(re.findall(r'src="[^"]+/files/image-\d+\.png/thumbnail"', html)) == 20
    with django_assert_num_queries(1):
        client.get(PAGE)
