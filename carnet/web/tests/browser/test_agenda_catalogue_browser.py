"""The agenda and the catalogue in headless Chromium: axe-core on every page, no JavaScript needed
(forms post), and no sideways scrolling at 360 px."""

import datetime
import re

import pytest
from django.utils import timezone

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.agenda import actions as agenda
from carnet.catalogue import actions as catalogue
from carnet.fhir.tests.test_smart import pkce
from carnet.web.tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page, path):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def visit(page, check, path, name):
    page.goto(path)
    check(page, name)
    no_sideways_scroll(page, path)


def test_patient_agenda_catalogue_and_measurements(new_page, check, alice, bob):
    when = timezone.now() + datetime.timedelta(days=4)
    event = agenda.create_event(
        Actor(role=Role.PROFESSIONAL, user=bob.user, professional=bob),
        alice,
        agenda.EventData("Consultation", when),
    )
    scale = factories.make_referenced_app(
        "Balance", "https://balance.example/cb", [("measurements", "write")]
    )
    app = Actor(
        role=Role.APP,
        user=alice.user,
        patient=alice,
        scopes=frozenset({"patient/Observation.c"}),
        app_name="Balance",
    )
    for day, kg in ((1, 73.2), (8, 72.9), (15, 72.5)):
        moment = timezone.now() - datetime.timedelta(days=20 - day)
        catalogue.write_measurement(
            app, alice, catalogue.MeasurementData("weight", "29463-7", kg, "kg", moment)
        )
    page = sign_in(new_page(width=360, height=800), alice.user)
    visit(page, check, "/patient/agenda/", "agenda-patient-360")
    page.fill("#id_title", "Kiné")
    page.fill("#id_starts_at", (when + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.check("#id_reminders_1")
    with page.expect_navigation():
        page.click("form:has(#id_title) button[type=submit]")
    assert "Kiné" in page.content()
    visit(page, check, f"/patient/agenda/{event.uid}/", "agenda-event-360")
    assert "Bob" in page.content()
    visit(page, check, "/patient/applications/", "apps-connected-360")
    visit(page, check, "/patient/applications/catalogue/", "apps-catalogue-360")
    visit(page, check, f"/patient/applications/catalogue/{scale.pk}/", "apps-page-360")
    visit(page, check, "/patient/applications/mesures/", "measurements-360")
    assert page.locator("svg polyline").count() == 1
    _verifier, challenge = pkce()
    query = (
        f"response_type=code&client_id={scale.application.client_id}&redirect_uri=https://balance.example/cb"
        f"&scope=launch/patient%20patient/Observation.c&state=s&code_challenge={challenge}&code_challenge_method=S256"
    )
    visit(page, check, f"/oauth/authorize/?{query}", "consent-360")
    page.goto("/patient/agenda/")
    page.select_option("#language", "en")
    with page.expect_navigation():
        page.click(".site-footer button[type=submit]")
    assert "My agenda" in page.content()
    check(page, "agenda-patient-en")


def test_professional_operator_and_editor_pages(new_page, check, alice, bob, erin):
    page = sign_in(new_page(width=360, height=800), bob.user)
    visit(page, check, "/pro/agenda/", "agenda-pro-360")
    page.fill("#id_nir", alice.nir)
    page.fill("#id_birth_date", alice.birth_date.isoformat())
    page.fill("#id_title", "Consultation")
    page.fill("#id_starts_at", (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("form:has(#id_nir) button[type=submit]")
    page.click("text=Consultation")
    page.wait_for_url(re.compile("/pro/agenda/.+/"))
    check(page, "agenda-pro-event-360")
    editor = factories.make_editor()
    file = factories.make_referenced_app("Balance", owner=editor, state="submitted")
    page = sign_in(new_page(width=360, height=800), erin)
    visit(page, check, "/operateurs/catalogue/", "catalogue-review-list-360")
    visit(page, check, f"/operateurs/catalogue/{file.pk}/", "catalogue-review-360")
    page = sign_in(new_page(width=360, height=800), editor)
    visit(page, check, "/editeurs/", "editor-home-360")
    visit(page, check, f"/editeurs/{file.pk}/", "editor-file-360")
