"""The pages of issue 14 in headless Chromium at 360 and 1280 px, with axe-core on each: the médecin traitant,
contact details, a child's space, a new provisional code, a forgotten password, and the operators' paper
requests and print batches."""

import pytest
from django.utils import timezone

from carnet import factories
from carnet.identity.actions import invite_patient
from carnet.identity.models import Patient, Representative
from carnet.web.tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (360, 1280)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_patient_pages_of_getting_in(new_page, check, width):
    alice = factories.make_patient("Alice", "Martin")
    factories.make_professional("Bob", "Durand")
    factories.make_professional("Dave", "Leroy", organisation="Maison de santé des Lices")
    today = timezone.localdate()
    child = factories.make_patient(
        "Zoé",
        "Martin",
        user=None,
        state=Patient.State.PENDING,
        birth_date=today.replace(year=today.year - 6, day=1),
    )
    Representative.objects.create(patient=child, person=alice, user=alice.user)
    code = invite_patient(child)
    page = sign_in(new_page(width=width), alice.user)
    page.goto("/patient/medecin-traitant/?q=Leroy")
    check(page, f"gp-search-{width}")
    no_sideways_scroll(page)
    with page.expect_navigation():
        page.click("form:has(input[name=professional]) button[type=submit]")
    check(page, f"gp-chosen-{width}")
    page.goto("/patient/coordonnees/")
    page.select_option("#id_kind", "address")
    page.fill("#id_value", "4 place du Marché 44000 Nantes")
    with page.expect_navigation():
        page.click("form:has(#id_kind) button[type=submit]")
    check(page, f"contact-pending-{width}")
    no_sideways_scroll(page)
    page.goto("/patient/espaces/ouvrir/")
    check(page, f"open-minor-space-{width}")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("form:has(#id_code) button[type=submit]")
    page.goto("/patient/espaces/")
    check(page, f"spaces-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_help_pages(new_page, check, width):
    page = new_page(width=width)
    page.goto("/connexion/")
    page.click("text=Code provisoire expiré ou perdu ?")
    check(page, f"new-code-{width}")
    no_sideways_scroll(page)
    page.fill("#id_nir", "2" * 15)
    page.fill("#id_birth_date", "1985-03-14")
    page.fill("#id_postal_code", "35000")
    with page.expect_navigation():
        page.click("form:has(#id_nir) button[type=submit]")
    check(page, f"new-code-sent-{width}")
    page.goto("/connexion/mot-de-passe-oublie/")
    check(page, f"forgot-password-{width}")
    page.goto("/connexion/nouveau-mot-de-passe/MQ/not-a-token/")
    check(page, f"reset-invalid-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_operator_pages_of_getting_in(new_page, check, width):
    erin = factories.make_operator()
    late = factories.make_patient(
        "Jean", "Cariou", user=None, email="", address="12 quai de l'Odet 29000 Quimper"
    )
    invite_patient(late)
    page = sign_in(new_page(width=width), erin)
    page.goto("/operateurs/personnes/")
    check(page, f"backoffice-people-{width}")
    page.fill("#nir", late.nir)
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    check(page, f"backoffice-person-{width}")
    no_sideways_scroll(page)
    page.goto("/operateurs/courriers/")
    with page.expect_navigation():
        page.click("text=Préparer un lot à imprimer (un seul PDF)")
    check(page, f"backoffice-batches-{width}")  # (its older "messages sent" table is wider than 360 px)
