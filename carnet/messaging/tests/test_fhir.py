"""FHIR Communication and CommunicationRequest: read and search under the messaging policy."""

import pytest
from django.core.cache import cache

from carnet.access.models import Block
from carnet.fhir.tests.conftest import Fhir, as_app, software, token_for  # noqa: F401 - fixtures
from carnet.messaging import actions
from carnet.messaging.models import Message
from carnet.messaging.tests.conftest import as_patient, as_pro

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def asking(alice, bob, bob_box):
    draft = actions.Draft(body="Pouvez-vous confirmer votre rendez-vous ?", asks_reply=True)
    return actions.start_conversation(as_pro(bob), alice, bob_box, "Rendez-vous", draft)


def test_the_gp_searches_and_reads_communications(software, alice, bob, asking):  # noqa: F811
    fhir = Fhir(token_for(software, bob))
    bundle = fhir.get("Communication", patient=str(alice.pk)).json()
    assert bundle["total"] == 1
    resource = bundle["entry"][0]["resource"]
    assert (
        resource["topic"]["text"] == "Rendez-vous"
        and resource["sender"]["reference"] == f"Practitioner/{bob.pk}"
    )
    assert (
        fhir.get(f"Communication/{resource['id']}").json()["payload"][0]["contentString"].startswith("Pouvez")
    )


def test_a_request_is_active_until_the_patient_answers(software, alice, bob, asking):  # noqa: F811
    fhir = Fhir(token_for(software, bob))
    request = fhir.get("CommunicationRequest", patient=str(alice.pk)).json()["entry"][0]["resource"]
    assert request["status"] == "active"
    actions.send_message(as_patient(alice), asking, actions.Draft(body="Oui, confirmé."))
    assert fhir.get(f"CommunicationRequest/{request['id']}").json()["status"] == "completed"


def test_a_stranger_and_a_blocked_professional_find_nothing(software, alice, bob, dave, asking):  # noqa: F811
    message = asking.messages.get(side=Message.Side.PROFESSIONAL)
    stranger = Fhir(token_for(software, dave))
    assert stranger.get("Communication", patient=str(alice.pk)).json()["total"] == 0
    assert stranger.get(f"Communication/{message.pk}").status_code == 404
    Block.objects.create(patient=alice, professional=bob)
    blocked = Fhir(token_for(software, bob))
    assert blocked.get("Communication", patient=str(alice.pk)).json()["total"] == 0
    assert blocked.get(f"Communication/{message.pk}").status_code == 404


def test_a_patient_app_reads_with_the_communication_scope_only(as_app, alice, asking):  # noqa: F811
    assert as_app(alice, ["patient/Communication.rs"]).get("Communication").json()["total"] == 1
    assert as_app(alice, ["patient/DocumentReference.rs"]).get("Communication").json()["total"] == 0


def test_the_capability_statement_lists_communication():
    from django.test import Client

    kinds = {r["type"] for r in Client().get("/fhir/metadata").json()["rest"][0]["resource"]}
    assert {"Communication", "CommunicationRequest"} <= kinds
