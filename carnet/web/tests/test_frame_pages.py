"""The shared frame: French by default, English on request, skip link, landmarks, no inline code."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_home_is_french_by_default_with_skip_link_and_landmarks(client):
    page = client.get("/").content.decode()
    assert '<html lang="fr">' in page
    assert 'href="#contenu"' in page and "Aller au contenu" in page
    assert '<main id="contenu"' in page and "<header" in page and "<footer" in page and "<nav" in page


def test_language_switch_gives_english_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Skip to content" in page and "Your health record" in page


def test_an_unknown_language_keeps_french(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/", "/connexion/", "/activation/", "/opposition/"])
def test_no_inline_script_or_style(client, path):
    page = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and " style=" not in page
