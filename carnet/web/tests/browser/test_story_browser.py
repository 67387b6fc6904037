"""« Ce que disent mes documents » in Chromium at 360 and 1280 px, in French and English: what the letter
says, confirmed into the profile with the keyboard-reachable buttons; axe on each state."""

import pytest

from carnet.records.actions import deposit_document
from carnet.records.tests.helpers import meta, pro
from carnet.web.tests.browser.conftest import OVERFLOW, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LETTER = "Diabète de type 2 sous metformine 1000 mg. Pas d'hypertension artérielle. Mère diabétique.".encode()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_the_patient_confirms_a_condition_found_in_a_letter(
    browser, live_server, check, settings, alice, bob, width, locale
):
    settings.CARNET_INDEXING = True
    deposit_document(pro(bob), alice, LETTER, meta(mime_type="text/plain", title="Courrier du Dr Durand"))
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(20_000)
    page = sign_in(context.new_page(), alice.user)
    page.goto("/patient/profil/documents/")
    main = page.locator("main")
    assert "E11" in main.inner_text() and "A10BA02" in main.inner_text()
    assert "I10" not in main.inner_text()
    assert page.evaluate(OVERFLOW) <= 0
    check(page, f"story-{locale}-{width}")
    confirm = "Confirmer : " if locale == "fr-FR" else "Confirm: "
    page.get_by_role("button", name=f"{confirm}Diabète sucré de type 2").click()
    page.wait_for_load_state()
    done = "Dans votre profil de santé." if locale == "fr-FR" else "In your health profile."
    assert done in page.locator("main").inner_text()
    check(page, f"story-confirmed-{locale}-{width}")
    page.goto("/patient/profil/")
    assert "Diabète sucré de type 2" in page.locator("main").inner_text()
    context.close()
