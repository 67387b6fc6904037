"""Patient.generalPractitioner: the declared médecin traitant, by reference and RPPS (IDNPS)."""

import pytest

from carnet.access.actor import Actor, Role
from carnet.identity.actions import choose_gp

pytestmark = pytest.mark.django_db
INS = "urn:oid:1.2.250.1.213.1.4.8"


def test_the_patient_resource_names_the_declared_gp_and_follows_a_change(as_pro, alice, bob, dave):
    found = as_pro(bob).get("Patient", identifier=f"{INS}|{alice.nir}").json()
    (gp,) = found["entry"][0]["resource"]["generalPractitioner"]
    assert gp["reference"] == f"Practitioner/{bob.pk}"
    assert gp["identifier"] == {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": f"8{bob.rpps}"}
    choose_gp(Actor(role=Role.PATIENT, user=alice.user, patient=alice), alice, None)
    found = as_pro(bob).get("Patient", identifier=f"{INS}|{alice.nir}").json()
    assert "generalPractitioner" not in found["entry"][0]["resource"]


def test_a_professional_who_may_deposit_learns_the_gp_to_send_a_copy(as_pro, alice, bob, dave):
    found = as_pro(dave).get("Patient", identifier=f"{INS}|{alice.nir}").json()
    assert found["entry"][0]["resource"]["generalPractitioner"][0]["reference"] == f"Practitioner/{bob.pk}"
