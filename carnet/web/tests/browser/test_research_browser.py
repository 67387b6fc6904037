"""Research by opt-in in Chromium: the patient's page (the general choice, a study to answer, the extracts
that included her) and the operators' studies page, axe-clean at 360 and 1280 px, in French and English."""

import datetime

import pytest
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.research import actions
from carnet.web.tests.browser.conftest import OVERFLOW, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _study(erin):
    return actions.register_study(
        Actor(role=Role.OPERATOR, user=erin),
        title="Diabète et suivi",
        sponsor="CHU de Lyon",
        approving_body="CPP Sud-Est",
        approval_reference="2026-A01234-56",
        ethics_approved=True,
        purpose="Comprendre le suivi du diabète de type 2",
        categories=["demography", "documents"],
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2030, 1, 1),
        ends_on=timezone.localdate() + datetime.timedelta(days=365),
    )


def _language(page, code: str) -> None:
    page.select_option("#language", code)
    with page.expect_navigation():
        page.click(".site-footer button[type=submit]")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_patient_opts_in_answers_a_study_and_sees_the_extract(new_page, check, alice, erin, width):
    study = _study(erin)
    page = sign_in(new_page(width=width), alice.user)
    page.goto("/patient/recherche/")
    assert "Diabète et suivi" in page.locator("main").inner_text()
    check(page, f"research-patient-{width}")
    assert page.evaluate(OVERFLOW) <= 0
    page.check("#opted_in")
    page.get_by_role("button", name="Enregistrer mon choix").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="J'accepte", exact=True).click()
    page.wait_for_load_state()
    actions.create_extract(Actor(role=Role.OPERATOR, user=erin), study)
    page.goto("/patient/recherche/")
    assert (
        "Vos données ont été incluses dans l'étude « Diabète et suivi »" in page.locator("main").inner_text()
    )
    check(page, f"research-patient-included-{width}")
    _language(page, "en")
    page.goto("/patient/recherche/")
    assert "Your data and research" in page.locator("main").inner_text()
    check(page, f"research-patient-en-{width}")
    assert page.evaluate(OVERFLOW) <= 0


@pytest.mark.parametrize("width", [360, 1280])
def test_operators_see_the_studies_and_their_form(new_page, check, erin, width):
    _study(erin)
    page = sign_in(new_page(width=width), erin)
    page.goto("/operateurs/recherche/")
    assert "Diabète et suivi" in page.locator("main").inner_text()
    check(page, f"research-operators-{width}")
    assert page.evaluate(OVERFLOW) <= 0
