"""Legal notice, personal data, accessibility: staff-edited pages, linked from every footer."""

import pytest
from django.test import Client

from appel.models import SitePage


def _get(path, language):
    return Client(headers={"accept-language": language}).get(path)


@pytest.mark.parametrize(
    ("key", "fr", "en"),
    [
        ("mentions-legales", "Mentions légales", "Legal notice"),
        ("donnees-personnelles", "Données personnelles", "Personal data"),
        ("accessibilite", "Accessibilité", "Accessibility"),
    ],
)
def test_it_has_default_pages_in_both_languages(db, key, fr, en):
    french = _get(f"/pages/{key}/", "fr").content.decode()
    english = _get(f"/pages/{key}/", "en").content.decode()
    assert f"<h1>{fr}</h1>" in french
    assert f"<h1>{en}</h1>" in english


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_footer_links_the_three_pages(call, language):
    for path in ("/", "/calls/eau/", "/nowhere/"):
        html = _get(path, language).content.decode()
        footer = html[html.index('class="site-footer"') :]
        for key in ("mentions-legales", "donnees-personnelles", "accessibilite"):
            assert f'href="/pages/{key}/"' in footer, (path, key)


def test_the_personal_data_page_explains_why_contributions_stay(db):
    html = _get("/pages/donnees-personnelles/", "fr").content.decode()
    assert "ancien contributeur n°N" in html
    assert "licence ouverte ne peut pas être retirée" in html


def test_staff_edit_a_page_in_the_admin_and_it_is_rendered_safely(admin_client):
    page = SitePage.objects.get(key="mentions-legales")
    response = admin_client.post(
        f"/admin/appel/sitepage/{page.pk}/change/",
        {
            "key": page.key,
            "title_fr": "Mentions légales",
            "content_fr": "Éditeur : **Région** <script>alert(1)</script>",
            "title_en": "Legal notice",
            "content_en": "Publisher: **Region**",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = _get("/pages/mentions-legales/", "fr").content.decode()
    assert "<strong>Région</strong>" in html
    assert "<script>alert(1)" not in html
    assert "<strong>Region</strong>" in _get("/pages/mentions-legales/", "en").content.decode()


def test_an_unknown_page_is_404(db):
    assert _get("/pages/nothing/", "fr").status_code == 404


def test_a_missing_page_is_written_again_from_its_defaults(db):
    SitePage.objects.all().delete()
    assert "<h1>Accessibilité</h1>" in _get("/pages/accessibilite/", "fr").content.decode()
    assert SitePage.objects.filter(key="accessibilite").exists()
