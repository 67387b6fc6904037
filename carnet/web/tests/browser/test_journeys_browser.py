"""The main journeys end to end in headless Chromium, with axe-core on every page they cross."""

import pathlib
import re

import pytest

from carnet import factories
from carnet.web.tests.browser.conftest import latest_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = pathlib.Path(__file__).with_name("ordonnance.pdf")


def find(page, patient):
    """The professional finds the patient by INS through the search form (a POST: no NIR in the URL)."""
    page.goto("/pro/")
    page.fill("#id_nir", patient.nir)
    page.fill("#id_birth_date", patient.birth_date.isoformat())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/pro/patients/" in page.url and patient.nir not in page.url


def deposit(page, patient, title, type_code="57833-6"):
    find(page, patient)
    page.select_option("#id_type_code", type_code)
    page.fill("#id_title", title)
    page.fill("#id_care_date", "2026-11-20")
    page.set_input_files("#id_file", str(PDF))
    with page.expect_navigation():
        page.click("form:has(#id_file) button[type=submit]")


def test_activation_then_sign_in_with_a_code(new_page, check):
    from carnet.identity.actions import invite_patient

    patient = factories.make_patient("Zoé", "Bernard", user=False, email="zoe@example.org")
    code = invite_patient(patient)
    page = new_page()
    page.goto("/")
    check(page, "home")
    page.goto("/activation/")
    check(page, "activation")
    page.fill("#id_code", code)
    page.fill("#id_login", "zoe.bernard")
    page.fill("#id_password", "une phrase de passe solide")
    page.click("form:has(#id_code) button[type=submit]")
    page.wait_for_url(re.compile("/connexion/"))
    check(page, "sign-in")
    page.fill("#id_login", "zoe.bernard")
    page.fill("#id_password", "une phrase de passe solide")
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(re.compile("/connexion/code/"))
    check(page, "sign-in-code")
    page.fill("#id_code", latest_code("zoe@example.org"))
    with page.expect_navigation():
        page.click("form:has(#id_code) button[type=submit]")
    page.goto("/patient/")
    check(page, "patient-dashboard")
    for path, name in [
        ("/patient/guide/", "patient-guide"),
        ("/patient/documents/", "patient-documents"),
        ("/patient/profil/", "patient-profile"),
        ("/patient/acces/", "patient-access"),
        ("/patient/journal/", "patient-journal"),
    ]:
        page.goto(path)
        check(page, name)


def test_gp_deposits_pharmacist_reads_then_masked_and_refused(new_page, check, alice, bob, charlie):
    from carnet.access.actions import declare_consent
    from carnet.records.tests.helpers import pro

    gp = sign_in(new_page(), bob.user)
    check(gp, "pro-home")
    deposit(gp, alice, "Ordonnance amoxicilline")
    check(gp, "pro-patient")
    assert gp.get_by_role("link", name="Ordonnance amoxicilline").count() == 1, gp.locator(
        "main"
    ).inner_text()
    declare_consent(pro(charlie), alice)
    pharmacist = sign_in(new_page(), charlie.user)
    find(pharmacist, alice)
    link = pharmacist.get_by_role("link", name="Ordonnance amoxicilline")
    from carnet.records.models import Document

    assert link.count() == 1, list(
        Document.objects.values(
            "type_code", "visibility", "status", "sensitive_category", "hidden_from_patient_until"
        )
    )
    href = link.get_attribute("href")
    assert pharmacist.request.get(href).body().startswith(b"%PDF")
    patient = sign_in(new_page(), alice.user)
    patient.goto("/patient/documents/")
    patient.get_by_role("link", name="Ordonnance amoxicilline").click()
    check(patient, "patient-document")
    patient.check("input[name=visibility][value=masked]")
    patient.click("form:has(input[name=visibility]) button[type=submit]")
    patient.wait_for_load_state()
    pharmacist.reload()
    assert pharmacist.get_by_role("link", name="Ordonnance amoxicilline").count() == 0
    assert pharmacist.request.get(href).status == 404


def test_break_the_glass_then_notified_and_journaled(new_page, check, alice, bob, dave):
    from carnet.notify.models import OutboxMessage

    deposit(sign_in(new_page(), bob.user), alice, "Compte rendu de consultation", "11488-4")
    doctor = sign_in(new_page(), dave.user)
    find(doctor, alice)
    assert doctor.get_by_role("link", name="Compte rendu de consultation").count() == 0
    doctor.locator("main summary").click()
    check(doctor, "pro-refused-with-glass-form")
    doctor.select_option("#id_reason_code", index=0)
    doctor.fill("#id_reason_text", "Patiente inconsciente aux urgences")
    with doctor.expect_navigation():
        doctor.click("form:has(#id_reason_text) button[type=submit]")
    assert doctor.get_by_role("link", name="Compte rendu de consultation").count() >= 1
    assert OutboxMessage.objects.filter(subject="Accès en urgence à votre dossier").exists()
    patient = sign_in(new_page(), alice.user)
    patient.goto("/patient/journal/?urgence=1")
    check(patient, "patient-journal-emergency")
    text = patient.locator("main").inner_text()
    assert "Dave Leroy" in text and "en urgence" in text


def test_export_and_operator_back_office(new_page, check, alice, erin):
    patient = sign_in(new_page(), alice.user)
    patient.goto("/patient/export/")
    check(patient, "patient-export")
    for kind, start in [("pdf", b"%PDF"), ("fhir", b"{")]:
        response = patient.request.get(f"/patient/export/{kind}/")
        assert response.ok and response.body().lstrip().startswith(start)
    # The emergency card is made on its own page, then printed.
    patient.goto("/patient/export/carte/")
    assert patient.url.endswith("/patient/carte/")
    patient.get_by_role("button", name="Créer ma carte").click()
    patient.wait_for_load_state()
    printed = patient.request.get("/patient/carte/imprimer/")
    assert printed.ok and printed.body().startswith(b"%PDF")
    operator = sign_in(new_page(), erin)
    for path, name in [
        ("/operateurs/", "operators-home"),
        ("/operateurs/courriers/", "operators-outbox"),
        ("/operateurs/matrice/", "operators-matrix"),
    ]:
        operator.goto(path)
        check(operator, name)
        assert alice.nir not in operator.content()


def test_keyboard_skip_link_and_visible_focus(new_page, alice):
    page = sign_in(new_page(), alice.user)
    page.goto("/patient/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    box = page.locator(".skip-link").first.bounding_box()
    assert outline != "none" and box["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu" or page.url.endswith("#contenu")


@pytest.mark.parametrize("width,scale", [(360, 1), (640, 2)])
def test_narrow_screen_and_zoom_do_not_scroll_sideways(new_page, alice, width, scale):
    page = sign_in(new_page(width=width, height=800, scale=scale), alice.user)
    for path in ["/patient/", "/patient/documents/", "/patient/acces/", "/patient/journal/"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
