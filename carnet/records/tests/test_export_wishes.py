"""Issue 16, item 2: the wishes reach both exports. Advance directives, the organ-donation choice, the trusted
person and the people to warn are in the FHIR Bundle (valid R4) and in the readable PDF, in the patient's
language; reading them is journaled; only the patient's side exports."""

import base64
import io

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.journal.models import Entry
from carnet.records import export, profile
from carnet.records.tests.helpers import me, pro

pytestmark = pytest.mark.django_db
DIRECTIVES = "Pas d'acharnement thérapeutique ; pas de réanimation prolongée."


@pytest.fixture
def wishes(alice):
    profile.set_wish(me(alice), alice, kind="advance-directives", text=DIRECTIVES)
    profile.set_wish(me(alice), alice, kind="organ-donation", organ_donation="non")
    profile.set_wish(me(alice), alice, kind="trusted-person", name="Paul Martin", phone="0600000001")
    profile.set_wish(me(alice), alice, kind="emergency-contact", name="Jeanne Martin", phone="0600000002")
    return alice


def _resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_carries_every_wish_and_validates(wishes):
    bundle = export.fhir_bundle(me(wishes), wishes)
    Bundle.model_validate(bundle)
    consents = _resources(bundle, "Consent")
    directives = next(c for c in consents if c["category"][0].get("coding", [{}])[0].get("code") == "acd")
    assert base64.b64decode(directives["sourceAttachment"]["data"]).decode() == DIRECTIVES
    assert "L1111-11" in directives["policyRule"]["text"]
    donation = next(c for c in consents if "don d'organes" in c["category"][0]["text"])
    assert donation["provision"]["type"] == "deny"
    people = {p["name"][0]["text"]: p for p in _resources(bundle, "RelatedPerson")}
    assert people["Paul Martin"]["relationship"][0]["text"].startswith("personne de confiance")
    assert people["Jeanne Martin"]["relationship"][0]["coding"][0]["code"] == "C"
    assert people["Jeanne Martin"]["telecom"][0]["value"] == "0600000002"
    assert all(p["patient"]["reference"] == f"Patient/{wishes.pk}" for p in people.values())


def test_reading_the_wishes_for_the_export_is_journaled(wishes):
    export.fhir_bundle(me(wishes), wishes)
    assert Entry.objects.filter(patient_id=wishes.pk, action=P.RECORD_WISHES_READ, allowed=True).exists()


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def test_the_readable_pdf_lists_the_wishes(wishes):
    text = _pdf_text(export.summary_pdf(me(wishes), wishes))
    assert "Mes volontés" in text and "Pas d'acharnement thérapeutique" in text
    assert "Don d'organes : non" in text and "Paul Martin 0600000001" in text


def test_the_readable_pdf_is_in_the_patients_language(wishes):
    wishes.language = "en"
    wishes.save()
    text = _pdf_text(export.summary_pdf(me(wishes), wishes))
    assert "Health record of" in text and "My wishes" in text and "Organ donation : no" in text


def test_a_professional_exports_nothing_even_with_access(wishes, bob):
    for make in (export.fhir_bundle, export.summary_pdf):
        with pytest.raises(AccessDenied):
            make(pro(bob), wishes)
    refused = Entry.objects.filter(patient_id=wishes.pk, action=P.RECORD_EXPORT_CREATE, allowed=False)
    assert refused.count() == 2
