"""The service's furniture in Chromium: menu button on phones, current page, breadcrumbs, footer pages,
error pages, forms read by screen readers, no sideways scrolling at 320 px; axe on every page."""

import re

import pytest

from carnet import factories
from carnet.web.tests.browser.conftest import OVERFLOW, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PUBLIC = ["/", "/aide/", "/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/cookies/"]
PUBLIC += ["/plan-du-site/", "/connexion/", "/activation/", "/opposition/", "/page-qui-n-existe-pas/"]
PATIENT = ["/patient/", "/patient/documents/", "/patient/documents/ajouter/", "/patient/profil/"]
PATIENT += ["/patient/journal/", "/patient/acces/", "/patient/notifications/", "/patient/espaces/"]
PATIENT += ["/patient/applications/", "/patient/export/", "/patient/guide/", "/patient/carte/"]
OPERATOR = ["/operateurs/", "/operateurs/courriers/", "/operateurs/matrice/"]


def _name(path, width):
    return "page" + (path.strip("/").replace("/", "-") or "-home") + f"-{width}"


@pytest.mark.parametrize("width", [360, 1280])
def test_public_pages_pass_axe_and_fit(new_page, check, width):
    page = new_page(width=width)
    for path in PUBLIC:
        page.goto(path)
        check(page, _name(path, width))
        assert page.evaluate(OVERFLOW) <= 0, path


def test_home_offers_sign_in_and_activation(new_page):
    page = new_page(width=360)
    page.goto("/")
    main = page.locator("main")
    assert main.get_by_role("link", name="Se connecter").is_visible()
    main.get_by_role("link", name="Activer mon espace").click()
    page.wait_for_url(re.compile("/activation/"))


def test_menu_is_a_button_on_phones_and_a_row_on_wide_screens(new_page, alice):
    phone = sign_in(new_page(width=360), alice.user)
    phone.goto("/patient/documents/")
    documents = phone.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Documents")
    assert not documents.is_visible()
    menu_box = phone.locator(".site-header").bounding_box()
    assert menu_box["height"] < 130, menu_box
    phone.get_by_text("Menu", exact=True).click()
    assert documents.is_visible() and documents.get_attribute("aria-current") == "page"
    wide = sign_in(new_page(width=1280), alice.user)
    wide.goto("/patient/documents/")
    assert not wide.get_by_text("Menu", exact=True).is_visible()
    link = wide.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Documents")
    assert link.is_visible() and link.get_attribute("aria-current") == "page"


def test_keyboard_reaches_content_first_through_the_skip_link(new_page, alice):
    page = sign_in(new_page(width=360), alice.user)
    page.goto("/patient/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate("document.activeElement.closest('main') !== null")
    assert inside


def test_no_page_overflows_320_px(new_page, alice, bob, erin):
    from carnet.records.actions import deposit_document
    from carnet.records.tests.helpers import me, meta, pro

    long_title = "Compte rendu d'hospitalisation en chirurgie orthopédique et traumatologique"
    deposit_document(pro(bob), alice, b"%PDF-1.4 test", meta(title=long_title, mime_type="application/pdf"))
    deposit_document(me(alice), alice, b"notes", meta(type_code="DOCPAT01", title="Mes notes"))
    from carnet.access.actions import issue_emergency_card

    issue_emergency_card(me(alice), alice, ["allergies", "treatments", "wishes"])
    patient = sign_in(new_page(width=320), alice.user)
    for path in PATIENT:
        patient.goto(path)
        assert patient.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at 320 px"
    operator = sign_in(new_page(width=320), erin)
    for path in OPERATOR:
        operator.goto(path)
        assert operator.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at 320 px"


@pytest.mark.parametrize("width", [360, 1280])
def test_refused_activation_keeps_the_person_on_the_page_with_a_summary(new_page, check, width):
    from carnet.identity.actions import invite_patient

    patient = factories.make_patient("Zoé", "Bernard", user=False, email="zoe@example.org")
    code = invite_patient(patient)
    page = new_page(width=width)
    page.goto("/activation/")
    page.fill("#id_code", code)
    page.fill("#id_login", "zoe.bernard")
    page.fill("#id_password", "court")
    page.click("form:has(#id_code) button[type=submit]")
    page.wait_for_load_state()
    assert page.title().startswith("Erreur :")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and page.evaluate("document.activeElement.className") == "error-summary"
    assert page.locator("#id_password_error").is_visible()
    assert "id_password_error" in page.get_attribute("#id_password", "aria-describedby")
    assert page.input_value("#id_login") == "zoe.bernard"
    check(page, f"activation-refused-{width}")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_password"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_professionals_patient_page_shows_wishes_and_fits(new_page, check, alice, bob, width):
    from carnet.records.actions import deposit_document, set_document_visibility, set_wish
    from carnet.records.tests.helpers import me, meta, pro

    set_wish(me(alice), alice, kind="trusted-person", name="Paul Martin", phone="0612345678")
    set_wish(me(alice), alice, kind="advance-directives", text="Pas d'acharnement thérapeutique.")
    document = deposit_document(pro(bob), alice, b"%PDF-1.4 x", meta(title="Bilan cardiologique"))
    set_document_visibility(me(alice), document, "masked")
    page = sign_in(new_page(width=width), bob.user)
    page.goto("/pro/")  # a professional reaches a patient by INS lookup only
    page.fill("#id_nir", alice.nir)
    page.fill("#id_birth_date", alice.birth_date.isoformat())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.get_by_role("heading", name="Volontés du patient").is_visible()
    assert page.evaluate(OVERFLOW) <= 0
    check(page, f"pro-patient-page-{width}")
    page.get_by_text("Retirer…").click()
    assert page.get_by_role("button", name="Oui, retirer ce document").is_visible()
