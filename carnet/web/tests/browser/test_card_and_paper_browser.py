"""Issue 16's last pages in headless Chromium, axe-core on each, at 360 and 1280 px, in French and English:
the emergency card (made, seen on the phone, opened by a professional through its link, the code entered),
the held-back document the author releases, the directory search to block a professional, the language of
letters, and a person without e-mail or mobile who activates with the codes of her letter and signs in."""

import datetime
import re

import pytest

from carnet import factories
from carnet.identity.actions import invite_patient
from carnet.identity.models import Patient
from carnet.notify.models import OutboxMessage
from carnet.records import profile
from carnet.records.actions import deposit_document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro
from carnet.web.tests.browser.conftest import OVERFLOW, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "une longue phrase de passe"


def fits(page, name):
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"


def to_english(page):
    page.select_option("#language", "en")
    with page.expect_navigation():
        page.click(".site-footer button[type=submit]")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_patient_makes_and_sees_the_card_blocks_and_chooses_a_language(
    new_page, check, alice, charlie, width
):
    profile.add_profile_entry(
        me(alice), alice, kind="allergy", label="Pénicilline", date=datetime.date(2026, 1, 1)
    )
    profile.set_wish(me(alice), alice, kind="trusted-person", name="Paul Martin", phone="0600000001")
    page = sign_in(new_page(width=width), alice.user)
    page.goto("/patient/carte/")
    check(page, f"card-none-{width}")
    page.get_by_label("mes allergies").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Créer ma carte").click()
    assert page.locator(".wallet-qr svg").is_visible() and "Pénicilline" in page.content()
    assert re.search(r"\d{4} \d{4}", page.locator(".wallet-code").inner_text())
    check(page, f"card-{width}")
    fits(page, "card")
    page.goto(f"/patient/acces/?annuaire={charlie.family_name}")
    check(page, f"access-directory-{width}")
    fits(page, "access")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Bloquer {charlie.display_name}").click()
    assert charlie.display_name in page.locator("main").inner_text()
    page.goto("/patient/notifications/")
    check(page, f"notifications-language-{width}")
    to_english(page)
    page.goto("/patient/carte/")
    assert "My emergency card" in page.content()
    check(page, f"card-en-{width}")
    fits(page, "card in English")
    page.goto("/patient/notifications/")
    page.select_option("#id_language", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the language").click()
    alice.refresh_from_db()
    assert alice.language == "en"


@pytest.mark.parametrize(("width", "english"), [(360, False), (1280, True)])
def test_a_professional_opens_the_card_link_enters_its_code_and_releases_a_document(
    new_page, check, alice, dave, width, english
):
    from carnet.access.actions import issue_emergency_card
    from carnet.access.queries import current_card

    issue_emergency_card(me(alice), alice, [])
    card = current_card(me(alice), alice)
    deposit_document(pro(dave), alice, sample_pdf("Résultat"), meta("11526-1", "Anapath", hide_days=10))
    page = sign_in(new_page(width=width), dave.user)
    if english:
        to_english(page)
    page.goto(f"/pro/carte/{card.token}/")
    page.wait_for_url(re.compile("/pro/patients/"))
    assert ("emergency card" if english else "carte d'urgence") in page.locator("main").inner_text()
    check(page, f"pro-from-card-{width}")
    fits(page, "pro patient page")
    page.fill("#id_code", card.code)
    with page.expect_navigation():
        page.locator("form:has(#id_code) button[type=submit]").click()
    release = "show it to the patient now" if english else "montrer au patient maintenant"
    assert page.get_by_role("button", name=re.compile(release)).is_visible()
    check(page, f"pro-held-back-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(release)).click()
    assert page.get_by_role("button", name=re.compile(release)).count() == 0
    page.goto("/pro/carte/lien-inconnu/")
    check(page, f"pro-card-unknown-{width}")


def print_the_queue(operator_page) -> bytes:
    """The print room: one batch of the queue, its PDF downloaded for the printer, marked printed."""
    operator_page.goto("/operateurs/courriers/")
    with operator_page.expect_navigation():
        operator_page.locator("form[action$='/courriers/lots/'] button").click()
    pdf = operator_page.request.get(operator_page.locator("a[href$='lot.pdf']").first.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    with operator_page.expect_navigation():
        operator_page.locator("form[action$='/imprime/'] button").first.click()
    return pdf.body()


@pytest.mark.parametrize(("width", "english"), [(360, False), (1280, True)])
def test_invited_by_letter_she_activates_with_its_codes_and_signs_in(new_page, check, width, english):
    marie = factories.make_patient(
        "Marie", "Le Floch", user=None, email="", state=Patient.State.PENDING,
        birth_date=datetime.date(1931, 3, 9), address="3 rue Kéréon 29000 Quimper",
    )  # fmt: skip
    invite_patient(marie)
    print_the_queue(sign_in(new_page(width=1280), factories.make_operator()))
    letter = OutboxMessage.objects.get(channel="letter", patient_id=marie.pk).body
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", letter).group(0)
    paper = re.findall(r"\b(\d{4} \d{4})\b", letter)
    page = new_page(width=width)
    page.goto("/activation/")
    if english:
        to_english(page)
    check(page, f"activation-paper-{width}")
    fits(page, "activation")
    page.fill("#id_code", code)
    page.fill("#id_login", "marie-lf")
    page.fill("#id_password", PASSWORD)
    page.select_option("#id_otp_channel", "paper")
    with page.expect_navigation():
        page.locator("form:has(#id_code) button[type=submit]").click()
    page.wait_for_url(re.compile("/connexion/"))
    page.fill("#id_login", "marie-lf")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#id_password) button[type=submit]").click()
    assert ("list of codes" if english else "liste de codes") in page.locator("main").inner_text()
    check(page, f"sign-in-paper-code-{width}")
    page.fill("#id_code", paper[0])
    with page.expect_navigation():
        page.locator("form:has(#id_code) button[type=submit]").click()
    page.wait_for_url(re.compile("/patient/"))
    page.goto("/patient/notifications/")
    assert re.search(r"9 (codes|codes left)", page.locator("main").inner_text())
    check(page, f"notifications-paper-{width}")
    # Her journal says the print room read her letter to post it to her.
    page.goto("/patient/journal/")
    said = "read a letter addressed to you" if english else "a lu un courrier qui vous est adressé"
    assert said in page.locator("main").inner_text()
    check(page, f"journal-paper-{width}")
    fits(page, "journal")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_neutral_theme_passes_axe_and_fits(new_page, check, alice, settings, width):
    settings.CARNET_THEME = "neutre"
    page = new_page(width=width)
    for path in ("/", "/activation/", "/aide/"):
        page.goto(path)
        check(page, f"theme-neutre{path.strip('/').replace('/', '-') or '-home'}-{width}")
        fits(page, path)
    page = sign_in(new_page(width=width), alice.user)
    for path in ("/patient/", "/patient/documents/", "/patient/carte/"):
        page.goto(path)
        check(page, f"theme-neutre-{path.strip('/').replace('/', '-')}-{width}")
        fits(page, path)
