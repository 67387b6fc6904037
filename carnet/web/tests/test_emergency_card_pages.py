"""Issue 16, item 3: the emergency card, through the pages. The patient makes it (nothing clinical unless
chosen), sees it on the phone, prints it; its QR code is a link that names no one; a professional who opens
it lands on the patient's page and enters the card's presence code (once); a new card or a revocation stops
the old link and code; a blocked professional learns nothing from it; the journal says it in plain words."""

import datetime
import html
import io
import re

import pytest
import segno
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from carnet.access.actions import block_professional
from carnet.access.models import EmergencyCard, Grant
from carnet.records import profile
from carnet.records.tests.helpers import me
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_factory():
    return Client


@pytest.fixture
def alice_with_wishes(alice, bob):
    assert alice.gp == bob  # the named users: bob is alice's GP
    profile.add_profile_entry(
        me(alice), alice, kind="allergy", label="Pénicilline", date=datetime.date(2026, 1, 1)
    )
    profile.set_wish(me(alice), alice, kind="trusted-person", name="Paul Martin", phone="0600000001")
    profile.set_wish(me(alice), alice, kind="organ-donation", organ_donation="oui")
    return alice


def _text(answer) -> str:
    return html.unescape(answer.content.decode())


def _make_card(client, sections=()):
    answer = client.post("/patient/carte/nouvelle/", {"sections": list(sections)})
    assert answer.status_code == 302
    page = _text(client.get("/patient/carte/"))
    code = re.search(r'class="wallet-code">(\d{4} \d{4})<', page).group(1)
    return page, code.replace(" ", "")


def _link(page) -> str:
    """The link the page's QR code holds: the page's SVG is the one segno draws for that link."""
    from carnet.access.queries import current_card

    card = EmergencyCard.objects.filter(revoked_at__isnull=True).get()
    link = f"/pro/carte/{current_card(me(card.patient), card.patient).token}/"
    drawn = segno.make(settings.SITE_URL + link, error="m").svg_inline(
        scale=3, title="Lien de la carte d'urgence"
    )
    assert html.unescape(drawn) in page
    return link


def test_a_card_without_clinical_data_unless_chosen(client, alice_with_wishes, bob):
    patient = signed_in(client, alice_with_wishes.user)
    page, _code = _make_card(patient)
    assert "Paul Martin" in page and bob.display_name in page
    assert "Pénicilline" not in page and "Aucune information médicale sur cette carte" in page
    page, _code = _make_card(patient, ["allergies", "wishes"])
    assert "Pénicilline" in page and "Don d'organes" in page


def test_the_link_names_no_one_and_opens_the_patients_page_for_a_professional(
    client_factory, alice_with_wishes, dave
):
    patient = signed_in(client_factory(), alice_with_wishes.user)
    page, code = _make_card(patient)
    link = _link(page)
    token = link.split("/")[-2]
    assert len(token) == 32 and alice_with_wishes.nir not in link and "patient" not in link
    assert not EmergencyCard.objects.filter(token_hash=token).exists()  # only a keyed hash is kept
    stranger = client_factory()
    assert stranger.get(link)["Location"].startswith("/connexion/")  # a professional must sign in
    doctor = signed_in(client_factory(), dave.user)
    arrived = doctor.get(link)
    assert arrived.status_code == 302 and arrived["Location"].startswith("/pro/patients/")
    assert "Vous arrivez par la carte d'urgence du patient" in _text(doctor.get(arrived["Location"]))
    doctor.post(f"{arrived['Location']}acces/code/", {"code": code})
    assert Grant.objects.filter(patient=alice_with_wishes, professional=dave, mode="confirmed").exists()
    assert "a ouvert le lien de votre carte d'urgence" in _text(patient.get("/patient/journal/"))


def test_the_cards_code_works_once(client_factory, alice_with_wishes, dave, charlie):
    patient = signed_in(client_factory(), alice_with_wishes.user)
    page, code = _make_card(patient)
    link = _link(page)
    first = signed_in(client_factory(), dave.user)
    first.post(f"{first.get(link)['Location']}acces/code/", {"code": code})
    second = signed_in(client_factory(), charlie.user)
    where = second.get(link)["Location"]
    refused = _text(second.post(f"{where}acces/code/", {"code": code}, follow=True))
    assert "Aucun code de présence valide" in refused
    assert not Grant.objects.filter(professional=charlie).exists()
    assert "a servi : créez une nouvelle carte" in _text(patient.get("/patient/carte/"))


def test_a_new_card_or_a_revocation_stops_the_old_link_and_code(client_factory, alice_with_wishes, dave):
    patient = signed_in(client_factory(), alice_with_wishes.user)
    page, old_code = _make_card(patient)
    old_link = _link(page)
    page, new_code = _make_card(patient)
    doctor = signed_in(client_factory(), dave.user)
    gone = doctor.get(old_link)
    assert gone.status_code == 404 and "n'est plus valable" in _text(gone)
    where = doctor.get(_link(page))["Location"]
    doctor.post(f"{where}acces/code/", {"code": old_code})
    assert not Grant.objects.filter(professional=dave).exists()
    new_link = _link(page)
    patient.post("/patient/carte/revoquer/")
    assert doctor.get(new_link).status_code == 404
    assert "Créer ma carte" in patient.get("/patient/carte/").content.decode()


def test_a_blocked_professional_learns_nothing_from_the_card(client_factory, alice_with_wishes, dave):
    patient = signed_in(client_factory(), alice_with_wishes.user)
    page, _code = _make_card(patient)
    block_professional(me(alice_with_wishes), alice_with_wishes, dave)
    doctor = signed_in(client_factory(), dave.user)
    assert doctor.get(_link(page)).status_code == 404


def test_only_the_patients_side_makes_or_revokes_a_card(client_factory, alice_with_wishes, dave):
    doctor = signed_in(client_factory(), dave.user)
    assert doctor.post("/patient/carte/nouvelle/", {})["Location"].startswith("/connexion/")
    assert doctor.post("/patient/carte/revoquer/")["Location"].startswith("/connexion/")
    assert not EmergencyCard.objects.exists()


def test_the_printed_card_is_a_pdf_shown_in_the_browser_in_the_patients_language(client, alice_with_wishes):
    patient = signed_in(client, alice_with_wishes.user)
    assert patient.get("/patient/carte/imprimer/")["Location"] == "/patient/carte/"  # no card yet
    _page, code = _make_card(patient, ["allergies"])
    answer = patient.get("/patient/carte/imprimer/")
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith('inline; filename="carte-d-urgence-')
    text = " ".join(PdfReader(io.BytesIO(answer.content)).pages[0].extract_text().split())
    assert f"{code[:4]} {code[4:]}" in text and "Pénicilline" in text and "Paul Martin" in text
    assert "CARTE D'URGENCE" in text
    alice_with_wishes.language = "en"
    alice_with_wishes.save()
    english = patient.get("/patient/carte/imprimer/").content
    assert "EMERGENCY CARD" in " ".join(PdfReader(io.BytesIO(english)).pages[0].extract_text().split())


@pytest.mark.parametrize(
    ("who", "makes_a_card", "opens_the_link"),
    [
        ("patient", True, False),
        ("professional", False, True),
        ("operator", False, False),
        ("anonymous", False, False),
    ],
)
def test_who_makes_a_card_and_who_opens_its_link(
    client, alice, dave, erin, who, makes_a_card, opens_the_link
):
    from carnet.access.actions import issue_emergency_card
    from carnet.access.queries import current_card

    user = {"patient": alice.user, "professional": dave.user, "operator": erin, "anonymous": None}[who]
    browser = signed_in(client, user) if user else client
    browser.post("/patient/carte/nouvelle/", {"sections": []})
    assert EmergencyCard.objects.filter(patient=alice).exists() == makes_a_card
    issue_emergency_card(me(alice), alice, [])
    answer = browser.get(f"/pro/carte/{current_card(me(alice), alice).token}/")
    assert (answer.status_code == 302 and answer["Location"].startswith("/pro/patients/")) == opens_the_link
