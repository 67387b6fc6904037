"""Masking says what it does; the sensitive-category choice is rendered; « Ce que voit chaque profession »
is the live matrix."""

import pytest

from carnet.access.actions import update_access_settings
from carnet.access.models import ProfessionRule
from carnet.records.actions import deposit_document, set_document_visibility
from carnet.records.tests.helpers import me, meta, pro
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_client(client, alice):
    return signed_in(client, alice.user)


@pytest.fixture
def masked(alice, bob):
    document = deposit_document(pro(bob), alice, b"%PDF-1.4 x", meta(title="Bilan"))
    set_document_visibility(me(alice), document, "masked")
    return document


def test_masked_document_says_the_gp_still_sees_it_by_default(patient_client, alice, masked):
    body = patient_client.get(f"/patient/documents/{masked.pk}/").content.decode()
    assert "sauf votre médecin traitant" in body


def test_masked_document_says_nobody_sees_it_when_the_gp_may_not(patient_client, alice, masked):
    update_access_settings(me(alice), alice, gp_sees_masked=False)
    body = patient_client.get(f"/patient/documents/{masked.pk}/").content.decode()
    assert "pas même votre médecin traitant" in body


def test_the_gp_sees_a_masked_marker_in_the_list(client, alice, bob, masked):
    signed_in(client, bob.user)
    body = client.get(f"/pro/patients/{alice.pk}/").content.decode()
    assert "Bilan" in body and "masqué par le patient" in body


def test_sensitive_categories_offer_a_choice_each(patient_client):
    body = patient_client.get("/patient/acces/").content.decode()
    for key in ["sexual-health", "hiv-sti", "mental-health", "addiction", "violence"]:
        assert f'id="cat-{key}"' in body


def test_what_each_profession_sees_follows_the_live_matrix(patient_client):
    def pharmacist_reads_prescriptions() -> bool:
        body = patient_client.get("/patient/acces/").content.decode()
        grid = body[body.index('class="grid"') :]
        row = grid[grid.index("Prescription de médicaments") :].split("</tr>")[0]
        cells = row.split("<td>")[1:]
        columns = grid.split("</thead>")[0].split('<th scope="col">')[2:]
        index = next(i for i, c in enumerate(columns) if c.startswith("Pharmacien"))
        return "oui" in cells[index]

    assert pharmacist_reads_prescriptions()
    ProfessionRule.objects.filter(profession="pharmacien", type_code="57833-6").delete()
    assert not pharmacist_reads_prescriptions()
