"""The professionals' sign-in pages in Chromium, at 360 and 1280 px, axe-checked: Pro Santé Connect through
the OpenID Connect provider process (the browser follows the real redirects), its refusal and provider-down
pages, and enrolment by invitation with the operators' directory page."""

import re

import pytest
from django.core.cache import cache

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.identity import actions
from carnet.identity.tests.oidc_fixtures import ProviderProcess
from carnet.notify.models import OutboxMessage
from carnet.web.tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
WIDTHS = [360, 1280]


@pytest.fixture
def psc(tmp_path, settings):
    cache.clear()
    process = ProviderProcess(tmp_path)
    settings.CARNET_OIDC = {**settings.CARNET_OIDC, "psc": process.settings_for()}
    yield process
    process.stop()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_with_pro_sante_connect(new_page, check, psc, width):
    helene = factories.make_professional("Hélène", "Lefèvre", user=False)
    psc.control(claims={"sub": "psc-helene", "SubjectNameID": f"8{helene.rpps}"})
    page = new_page(width=width)
    page.goto("/connexion/")
    check(page, f"signin-providers-{width}")
    _fits(page)
    with page.expect_navigation(url=re.compile("/pro/$")):
        page.click("text=Pro Santé Connect")
    assert page.locator("#id_nir").count() == 1  # the professional home: find a patient by INS
    check(page, f"signin-psc-done-{width}")
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_unknown_rpps_gets_a_clear_page(new_page, check, psc, width):
    psc.control(claims={"sub": "psc-x", "SubjectNameID": "810000000008"})
    page = new_page(width=width)
    page.goto("/connexion/")
    page.click("text=Pro Santé Connect")
    page.wait_for_selector("text=Connexion impossible")
    assert "ne figure pas dans" in page.content()
    check(page, f"signin-psc-unknown-{width}")
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_provider_that_is_down_gets_a_clear_page(new_page, check, settings, width):
    cache.clear()
    settings.CARNET_OIDC = {
        **settings.CARNET_OIDC,
        "psc": {"issuer": "http://127.0.0.1:9", "client_id": "carnet", "timeout": 2},
    }
    page = new_page(width=width)
    page.goto("/connexion/")
    page.click("text=Pro Santé Connect")
    page.wait_for_selector("text=ne répond pas")
    check(page, f"signin-psc-down-{width}")
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_enrolment_by_invitation(new_page, check, erin, width):
    paul = factories.make_professional("Paul", "Roux", user=False, email="paul.roux@example.org")
    operator = new_page(width=width)
    sign_in(operator, erin)
    operator.goto("/operateurs/professionnels/")
    check(operator, f"backoffice-directory-{width}")
    _fits(operator)
    with operator.expect_navigation():
        operator.click(f"form[action='/operateurs/professionnels/{paul.pk}/inviter/'] button")
    assert "Invitation envoyée" in operator.content()
    body = OutboxMessage.objects.filter(recipient=paul.email).latest("created_at").body
    link = re.search(r"(/connexion/inscription/[^/\s]+/)", body).group(1)
    page = new_page(width=width)
    page.goto(link)
    check(page, f"enrolment-{width}")
    _fits(page)
    page.fill("#id_login", "paul.roux")
    page.fill("#id_password", "court")
    page.fill("#id_code", "000000")
    page.click("form button[type=submit]")
    page.wait_for_selector(".field-error")
    check(page, f"enrolment-errors-{width}")


def test_the_enrolment_link_refused_page(new_page, check, db):
    paul = factories.make_professional("Paul", "Roux", user=False, email="paul.roux@example.org")
    token = actions.invite_professional(Actor(role=Role.OPERATOR), paul)
    actions.invite_professional(Actor(role=Role.OPERATOR), paul)  # the first link stops working
    page = new_page(width=360)
    page.goto(f"/connexion/inscription/{token}/")
    assert "expiré" in page.content()
    check(page, "enrolment-expired-360")
