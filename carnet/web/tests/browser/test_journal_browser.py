"""« Qui a consulté mon dossier » in Chromium at 360 and 1280 px: grouped lines, timeline, filters, contest,
download; axe on each state; screenshots for the record (artifacts/screenshots/journal-*.png)."""

import pytest

from carnet.access.decision import Decision
from carnet.access.permissions import Permission as P
from carnet.journal.actions import record
from carnet.records.actions import deposit_document
from carnet.records.tests.helpers import me, meta, pro
from carnet.web.tests.browser.conftest import OVERFLOW, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YES = Decision(True, "ok", "rule")


@pytest.mark.parametrize("width", [360, 1280])
def test_journal_groups_others_first_and_hides_own_actions_behind_a_filter(
    new_page, check, alice, bob, charlie, width
):
    document = deposit_document(pro(bob), alice, b"%PDF-1.4 cr", meta(title="Compte rendu cardiologie"))
    record(
        pro(bob),
        P.RECORD_DOCUMENT_READ,
        YES,
        patient=alice,
        resource_type="Document",
        resource_id=document.pk,
    )
    record(pro(charlie), P.RECORD_PROFILE_READ, YES, patient=alice)
    deposit_document(me(alice), alice, b"notes", meta(type_code="DOCPAT01", title="Mes notes"))
    page = sign_in(new_page(width=width), alice.user)
    page.goto("/patient/journal/")
    main = page.locator("main")
    assert main.get_by_role("heading", name=bob.display_name).count() == 1
    assert "« Compte rendu cardiologie »" in main.inner_text()
    assert "a ajouté un document" not in main.locator(".journal-group", has_text="Alice").all_inner_texts()
    assert page.locator("svg.timeline circle").count() >= 2
    assert page.evaluate(OVERFLOW) <= 0
    check(page, f"journal-{width}")
    page.get_by_label("mes propres actions et les opérations automatiques").check()
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "a ajouté un document" in page.locator("main").inner_text()
    assert page.get_by_text("Je conteste cet accès").count() == 0
    check(page, f"journal-mine-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mon journal (JSON)").click()
    assert download.value.suggested_filename.startswith("carnet-journal-")
