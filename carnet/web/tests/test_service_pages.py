"""The pages every French public service has, the error pages and the shared form component."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from carnet import factories

FOOTER = ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/cookies/", "/plan-du-site/"]
FOOTER += ["/aide/"]


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("carnet.urls"))]
handler500 = "carnet.web.views.server_error"


@pytest.mark.django_db
def test_every_page_links_the_footer_pages():
    body = Client().get("/").content.decode()
    for url in FOOTER:
        assert f'href="{url}"' in body
    assert "Accessibilité : partiellement conforme" in body


@pytest.mark.django_db
@pytest.mark.parametrize("url", FOOTER)
def test_footer_pages_open_for_everyone(url):
    response = Client().get(url)
    assert response.status_code == 200
    assert b'aria-current="page"' in response.content  # breadcrumbs end on the page itself


@pytest.mark.django_db
def test_accessibility_statement_gives_its_conformity_level():
    body = Client().get("/accessibilite/").content.decode()
    assert "partiellement conforme" in body and "RGAA" in body and "Défenseur des droits" in body


@pytest.mark.django_db
@override_settings(CARNET_HELP_PHONE="01 23 45 67 89")
def test_help_page_gives_a_telephone_number_and_help_in_person():
    body = Client().get("/aide/").content.decode()
    assert "01 23 45 67 89" in body and "France services" in body


@pytest.mark.django_db
def test_home_offers_sign_in_and_activation_to_a_visitor():
    body = Client().get("/").content.decode()
    assert 'href="/connexion/"' in body and "Se connecter" in body
    assert 'href="/activation/"' in body and "Activer mon espace" in body


@pytest.mark.django_db
def test_not_found_page_is_carnets_own_in_french_and_english():
    response = Client().get("/nulle-part/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()
    english = Client(headers={"accept-language": "en"}).get("/nulle-part/")
    assert english.status_code == 404 and "Page not found" in english.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_translated_and_gives_the_help_line():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Désolé, le service a rencontré un problème" in response.content.decode()


@pytest.mark.django_db
def test_menu_marks_the_current_page_and_the_section(alice):
    from carnet.web.tests.test_journeys import signed_in

    client = Client()
    signed_in(client, alice.user)
    body = client.get("/patient/documents/ajouter/").content.decode()
    assert '<a href="/patient/documents/" aria-current="page">' in body
    assert '<a href="/patient/" aria-current="page">' not in body


@pytest.mark.django_db
def test_a_caregiver_sees_whose_space_it_is(alice):
    from carnet.access.actions import grant_mandate
    from carnet.records.tests.helpers import me
    from carnet.web.tests.test_journeys import signed_in

    helper = factories.make_patient("Hélène", "Aidant").user
    grant_mandate(me(alice), alice, helper, ["read"], 30)
    client = Client()
    signed_in(client, helper)
    client.post("/patient/espaces/", {"patient": alice.pk})
    body = client.get("/patient/").content.decode()
    assert "Vous agissez pour <strong>Alice Martin</strong>" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password,message",
    [("court", "trop court"), ("password1234", "trop courant"), ("zoe.bernard.2026", "trop semblable")],
)
def test_refused_password_at_activation_comes_back_under_the_password_field(password, message):
    from carnet.identity.actions import invite_patient

    patient = factories.make_patient("Zoé", "Bernard", user=False, email="zoe@example.org")
    code = invite_patient(patient)
    data = {"code": code, "login": "zoe.bernard", "password": password, "otp_channel": "email"}
    response = Client().post("/activation/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur :" in body
    assert (
        'id="id_password_error"' in body
        and 'aria-describedby="id_password_helptext id_password_error"' in body
    )
    assert 'class="error-summary"' in body and 'href="#id_password"' in body
    assert 'value="zoe.bernard"' in body


@pytest.mark.django_db
def test_the_privacy_page_says_the_print_room_reads_letters_and_when_their_text_goes(settings):
    settings.CARNET_PRINTED_LETTER_DAYS = 45
    french = Client().get("/donnees-personnelles/").content.decode()
    assert "le service d'impression lit les courriers qu'il imprime" in french
    assert "effacé 45 jours après leur impression" in french
    english = Client(headers={"accept-language": "en"}).get("/donnees-personnelles/").content.decode()
    assert "the print room reads the letters it prints" in english and "erased 45 days after" in english
