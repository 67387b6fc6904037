"""A small world for policy tests: one minor patient, her professionals, representative, caregivers, apps.

Every scenario of the table starts from this world and changes one thing.
"""

import datetime

from django.utils import timezone

from carnet import factories
from carnet.access.actor import ANONYMOUS, SYSTEM, Actor, Role
from carnet.access.models import Block, EmergencyAccess, Grant, PatientAccessSettings
from carnet.identity.models import Mandate, Profession, Representative, Specialty
from carnet.records.codes import class_of
from carnet.records.models import Document, Visibility

ROLES = [
    "patient",
    "representative",
    "caregiver-read",
    "caregiver-messaging",
    "gp",
    "author",
    "doctor-granted",
    "doctor-no-grant",
    "occupational",
    "pharmacist",
    "nurse",
    "physio",
    "midwife",
    "dentist",
    "operator",
    "app-documents",
    "app-allergies",
    "anonymous",
    "system",
]
GRANTED = ["doctor-granted", "occupational", "pharmacist", "nurse", "physio", "midwife", "dentist"]
PROFESSIONALS = ["gp", "author", "doctor-no-grant", *GRANTED]


def _pro(name, profession=Profession.MEDECIN, specialty=Specialty.GENERALE):
    return factories.make_professional(name, "Test", profession, specialty)


def build_world(type_code="11488-4", **document_fields):
    today = timezone.localdate()
    patient = factories.make_patient("Lina", "Moreau", birth_date=today.replace(year=today.year - 16))
    pros = {
        "gp": _pro("Gaspard"),
        "author": _pro("Aude", specialty=Specialty.CARDIOLOGIE),
        "doctor-granted": _pro("Denis", specialty=Specialty.CARDIOLOGIE),
        "doctor-no-grant": _pro("Nadia", specialty=Specialty.URGENCES),
        "occupational": _pro("Octave", specialty=Specialty.TRAVAIL),
        "pharmacist": _pro("Pia", Profession.PHARMACIEN),
        "nurse": _pro("Noé", Profession.INFIRMIER),
        "physio": _pro("Kim", Profession.KINE),
        "midwife": _pro("Sage", Profession.SAGE_FEMME),
        "dentist": _pro("Dan", Profession.DENTISTE),
    }
    patient.gp = pros["gp"]
    patient.save(update_fields=["gp"])
    now = timezone.now()
    for name in GRANTED:
        Grant.objects.create(
            patient=patient,
            professional=pros[name],
            mode=Grant.Mode.DECLARED,
            confirmed_at=now,
            expires_at=now + datetime.timedelta(days=365),
        )
    parent = factories.make_user("parent")
    Representative.objects.create(patient=patient, user=parent)
    helper = factories.make_user("helper")
    texter = factories.make_user("texter")
    mandates = {
        "read": Mandate.objects.create(
            patient=patient, caregiver=helper, scopes=["read"], ends_at=now + datetime.timedelta(days=30)
        ),
        "messaging": Mandate.objects.create(
            patient=patient, caregiver=texter, scopes=["messaging"], ends_at=now + datetime.timedelta(days=30)
        ),
    }
    fields = {"visibility": Visibility.NORMAL} | document_fields
    document = make_document(patient, pros["author"], type_code, **fields)
    actors = {
        "patient": Actor(role=Role.PATIENT, user=patient.user, patient=patient),
        "representative": Actor(role=Role.REPRESENTATIVE, user=parent, patient=patient),
        "caregiver-read": Actor(role=Role.CAREGIVER, user=helper, patient=patient, mandate=mandates["read"]),
        "caregiver-messaging": Actor(
            role=Role.CAREGIVER, user=texter, patient=patient, mandate=mandates["messaging"]
        ),
        "operator": Actor(role=Role.OPERATOR, user=factories.make_operator("erin-test")),
        "app-documents": Actor(
            role=Role.APP,
            patient=patient,
            scopes=frozenset({"patient/DocumentReference.rs"}),
            app_name="App A",
        ),
        "app-allergies": Actor(
            role=Role.APP,
            patient=patient,
            scopes=frozenset({"patient/AllergyIntolerance.rs"}),
            app_name="App B",
        ),
        "anonymous": ANONYMOUS,
        "system": SYSTEM,
    }
    for name, pro in pros.items():
        actors[name] = Actor(role=Role.PROFESSIONAL, user=pro.user, professional=pro)
    return patient, pros, actors, document


def make_document(patient, author, type_code="11488-4", **fields):

    n = Document.objects.count() + 1
    defaults = {
        "unique_id": f"urn:oid:1.2.250.1.999.{patient.pk}.{n}",
        "title": "Compte rendu",
        "care_date": datetime.date(2026, 1, 5),
        "mime_type": "application/pdf",
        "size": 10,
        "sha256": "0" * 64,
        "depositor": Document.Depositor.PROFESSIONAL,
        "blob_ref": "0" * 64,
        "author": author,
    }
    return Document.objects.create(
        patient=patient, type_code=type_code, class_code=class_of(type_code), **(defaults | fields)
    )


# Scenario changes, applied to a fresh world.
def blocked(patient, pros, document):
    for pro in pros.values():
        Block.objects.create(patient=patient, professional=pro)


def grants_expired(patient, pros, document):
    Grant.objects.filter(patient=patient).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))


def grants_revoked(patient, pros, document):
    Grant.objects.filter(patient=patient).update(revoked_at=timezone.now())


def grants_pending(patient, pros, document):
    Grant.objects.filter(patient=patient).update(confirmed_at=None)


def emergency(patient, pros, document):
    EmergencyAccess.objects.create(
        patient=patient,
        professional=pros["doctor-no-grant"],
        kind="glass",
        reason_code="unconscious",
        reason_text="inconscient à l'arrivée",
        ends_at=timezone.now() + datetime.timedelta(hours=4),
    )


def closed(patient, pros, document):
    type(patient).objects.filter(pk=patient.pk).update(state="closed")
    patient.refresh_from_db()


def gp_opted_out(patient, pros, document):
    PatientAccessSettings.objects.create(patient=patient, gp_sees_masked=False)


# The service's own housekeeping (clean-ups run by the scheduler): everyone else is refused.
NOT_THE_SERVICE = ["patient", "professional", "operator", "anonymous"]


def not_the_service(who: str, patient, professional, operator) -> Actor:
    """The actor ``who`` of NOT_THE_SERVICE: the patient in her space, a professional, an operator's
    account, a visitor."""
    return {
        "patient": lambda: Actor.for_patient(patient),
        "professional": lambda: Actor.for_professional(professional),
        "operator": lambda: Actor.for_account(operator),
        "anonymous": lambda: ANONYMOUS,
    }[who]()
