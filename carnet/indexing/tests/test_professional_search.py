"""A professional finds the documents they may see by condition (CIM-10 code or chapter) and by drug (ATC
level), in the pages and over FHIR (``DocumentReference?event=``); a masked document never shows, nor its
codes in the counts; a negated mention does not count."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from carnet.access.models import Grant
from carnet.factories import Specialty, make_professional
from carnet.fhir.tests import conftest as fhir
from carnet.fhir.tests.conftest import software  # noqa: F401 - the registered software fixture
from carnet.records.actions import deposit_document, set_document_visibility
from carnet.records.tests.helpers import me, meta, pro
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("indexing")]
ICD10, ATC = "http://hl7.org/fhir/sid/icd-10", "http://www.whocc.no/atc"


@pytest.fixture
def cardiologist(alice):
    denis = make_professional("Denis", "Cardio", specialty=Specialty.CARDIOLOGIE)
    now = timezone.now()
    Grant.objects.create(
        patient=alice,
        professional=denis,
        mode=Grant.Mode.DECLARED,
        confirmed_at=now,
        expires_at=now + datetime.timedelta(days=365),
    )
    return denis


@pytest.fixture
def letters(alice, bob):
    def deposit(title, text):
        return deposit_document(pro(bob), alice, text.encode(), meta(title=title, mime_type="text/plain"))

    visible = deposit("Consultation diabétologie", "Diabète de type 2 traité par metformine 1000 mg.")
    masked = deposit("Consultation cardiologie", "Diabète de type 2. Fibrillation auriculaire sous apixaban.")
    negated = deposit("Bilan annuel", "Pas de diabète. Pas de traitement anticoagulant.")
    set_document_visibility(me(alice), masked, "masked")
    return visible, masked, negated


def test_the_pages_filter_by_code_chapter_and_atc_level_without_the_masked_document(
    cardiologist, alice, letters
):
    visible, masked, negated = letters
    client = signed_in(Client(), cardiologist.user)
    page = f"{found(client, alice)}maladies-traitements/"
    by_code = client.get(page, {"condition": "E11"}).content.decode()
    assert visible.title in by_code and masked.title not in by_code and negated.title not in by_code
    by_chapter = client.get(page, {"chapter": "IV"}).content.decode()
    assert visible.title in by_chapter and masked.title not in by_chapter
    anticoagulant = client.get(page, {"drug": "B01"}).content.decode()
    assert "<h2>0 document" in anticoagulant and "apixaban" not in anticoagulant.lower()
    facets = client.get(page).content.decode()
    assert "E11 Diabète sucré de type 2</a> (1 document)" in facets  # the masked one is not counted
    assert "B01AF02" not in facets


def test_the_gp_who_sees_masked_documents_finds_it_too(bob, alice, letters):
    visible, masked, negated = letters
    client = signed_in(Client(), bob.user)
    page = f"{found(client, alice)}maladies-traitements/"
    assert masked.title in client.get(page, {"drug": "B01AF"}).content.decode()


def test_a_stranger_finds_nothing(dave, alice, letters):
    client = signed_in(Client(), dave.user)
    page = f"{found(client, alice)}maladies-traitements/"
    response = client.get(page, {"condition": "E11"}).content.decode()
    assert "<h2>0 document" in response and "E11 Diabète" not in response


def test_fhir_event_with_cim10_and_atc_codings_leaves_the_masked_document_out(
    software,  # noqa: F811 - the fixture imported above
    cardiologist,
    alice,
    letters,
):
    visible, masked, negated = letters
    api = fhir.Fhir(fhir.token_for(software, cardiologist))

    def ids(**params):
        bundle = api.get("DocumentReference", patient=alice.pk, **params).json()
        return {entry["resource"]["id"] for entry in bundle.get("entry", [])}, bundle["total"]

    assert ids(event=f"{ICD10}|E11") == ({str(visible.pk)}, 1)
    assert ids(event=f"{ATC}|A10B") == ({str(visible.pk)}, 1)
    assert ids(event=f"{ATC}|B01") == (set(), 0)  # only in the masked letter
    assert ids(event="urn:oid:2.16.840.1.113883.6.3|E1") == ({str(visible.pk)}, 1)
    summary = api.get("DocumentReference", patient=alice.pk, event=f"{ICD10}|E11", _summary="count").json()
    assert summary["total"] == 1


def test_fhir_event_without_an_indexed_system_keeps_its_meaning(software, cardiologist, alice, letters):  # noqa: F811
    api = fhir.Fhir(fhir.token_for(software, cardiologist))
    bundle = api.get("DocumentReference", patient=alice.pk, event="E11").json()
    assert bundle["total"] == 0  # a bare code is the producer's event code, as before
