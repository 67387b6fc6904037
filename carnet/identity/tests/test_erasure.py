"""A destroyed space leaves nothing that identifies the person, in any table (domain.md §2, issue 13 §5).

The first test lists, by introspection, every model with a foreign key to ``identity.Patient`` or a
``patient_id`` column: each must be declared in its app's ``erasure.py`` (erased, or kept with the
reason), so a new app's table fails here until it joins. The second builds a full record through the
public entry points (pages, API, actions), closes the space with early destruction, lets the scheduled
destruction run, and reads every row of every table for what would identify the person or their care.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone

from carnet import factories
from carnet.access import actions as access
from carnet.access.decision import AccessDenied
from carnet.agenda import actions as agenda
from carnet.fhir.tests.conftest import document_bundle
from carnet.identity import erasure
from carnet.identity.actions import request_closure
from carnet.identity.imports import import_beneficiaries
from carnet.identity.models import Patient, Representative, Specialty, User
from carnet.identity.tests.test_import_beneficiaries import beneficiary_file
from carnet.journal.models import Entry
from carnet.messaging import actions as messaging
from carnet.notify import actions as notify
from carnet.records import actions as records
from carnet.records import sweeps
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro
from carnet.research import actions as research
from carnet.research.tests.test_research import operator, study
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


def _about_a_patient(model) -> bool:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is Patient:
            return True
        if not field.is_relation and field.attname.endswith("patient_id"):
            return True
    return False


def test_every_table_about_a_patient_declares_its_erasure():
    about = {model._meta.label for model in apps.get_models() if _about_a_patient(model)}
    declared = set(erasure.DECLARED)
    missing = about - declared
    assert not missing, (
        f"{sorted(missing)} hold rows about a patient: declare in the app's erasure.py what a space's "
        "destruction does to them (delete_rows, erase_with, or keep with the reason)"
    )
    assert declared - about == {erasure.PATIENT}, "declared models that no longer exist or hold no patient"
    assert all(d.kept_because for d in erasure.DECLARED.values() if d.erase is None)


def test_what_is_kept_is_only_the_journal_and_the_shredded_key():
    assert {d.model for d in erasure.DECLARED.values() if d.erase is None} == {
        "journal.Entry",
        "vault.DataKey",
    }


# --- a full record, then its destruction ------------------------------------------------------------------

NAMES = ("Gwendoline", "Kerhervé", "Ysolde", "Quémeneur")
TEXTS = (
    "Synthèse psychiatrique annuelle",
    "Ordonnance de sertraline",
    "Photo de ma cicatrice",
    "Allergie au latex",
    "Sertraline 50 mg",
    "Directives: pas d'acharnement",
    "Yannick Le Goff",
    "0611223344",
    "12 rue des Ajoncs 29200 Brest",
    "Séance de psychothérapie",
    "Cabinet du Port",
    "Je ne connais pas ce médecin",
    "Patiente inconsciente aux urgences",
)
SENSITIVE_TYPES = ("68599-0", "57833-6")


@pytest.fixture
def gwendoline(db):
    patient = factories.make_patient(
        "Gwendoline Ysolde",
        "Kerhervé",
        used_name="Quémeneur",
        birth_date=datetime.date(1961, 7, 23),
        phone="0611223344",
        address="12 rue des Ajoncs 29200 Brest",
    )
    patient.user.email = patient.email
    patient.user.phone = patient.phone
    patient.user.save()
    return patient


def _full_record(patient, bob, charlie, dave, erin, as_pro, as_app):
    psychiatrist = factories.make_professional("Pia", "Morvan", specialty=Specialty.PSYCHIATRIE)
    patient.gp = bob
    patient.save(update_fields=["gp"])
    access.declare_consent(pro(bob), patient)
    access.declare_consent(pro(psychiatrist), patient)
    access.block_professional(me(patient), patient, charlie)
    access.update_access_settings(me(patient), patient, gp_sees_masked=False)
    access.issue_presence_code(me(patient), patient)
    records.deposit_document(
        pro(psychiatrist),
        patient,
        sample_pdf(TEXTS[0], ["Episode dépressif"]),
        meta("68599-0", TEXTS[0], sensitive_category="mental-health"),
    )
    first = records.deposit_document(pro(bob), patient, sample_pdf(TEXTS[1]), meta("57833-6", TEXTS[1]))
    records.replace_document(pro(bob), first, sample_pdf(TEXTS[1], ["v2"]), meta("57833-6", TEXTS[1]))
    records.deposit_document(me(patient), patient, sample_pdf(TEXTS[2]), meta("DOCPAT01", TEXTS[2]))
    api = as_pro(bob).post("", document_bundle(patient, ("urn:oid:1.2.3.77", "11488-4", sample_pdf("CR"))))
    assert api.status_code == 200, api.content
    records.add_profile_entry(
        me(patient), patient, kind="allergy", label=TEXTS[3], date=datetime.date(2020, 1, 1)
    )
    records.add_profile_entry(
        pro(bob), patient, kind="treatment", label=TEXTS[4], date=datetime.date(2026, 1, 1)
    )
    records.set_wish(me(patient), patient, kind="advance-directives", text=TEXTS[5])
    records.set_wish(me(patient), patient, kind="trusted-person", name=TEXTS[6], phone="0699887766")
    caregiver = factories.make_user("yann", first_name="Yann", last_name="Aidant")
    access.grant_mandate(me(patient), patient, caregiver, ["read"])
    access.break_glass(pro(dave), patient, "unconscious", TEXTS[12])
    seq = Entry.objects.filter(patient_id=patient.pk, actor_professional_id=dave.pk).last().seq
    access.contest_access(me(patient), patient, seq, TEXTS[11])
    notify.set_preferences(me(patient), patient, channel="letter", daily_digest=True)
    research.set_research_choice(me(patient), patient, True, False)
    the_study = study(erin)
    research.answer_study(me(patient), patient, the_study, True)
    research.create_extract(operator(erin), the_study)
    box = messaging.personal_mailbox(bob)
    conversation = messaging.start_conversation(
        pro(bob), patient, box, "Vos résultats", messaging.Draft(body="Bonjour Gwendoline")
    )
    messaging.send_message(me(patient), conversation, messaging.Draft(body="Merci docteur"))
    when = timezone.now() + datetime.timedelta(days=3)
    event = agenda.create_event(pro(bob), patient, agenda.EventData(TEXTS[9], when, location=TEXTS[10]))
    agenda.set_reminders(me(patient), event, [60])
    agenda.open_calendar_feed(me(patient), patient)
    agenda.propose_prevention(me(patient), patient)
    weight = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "effectiveDateTime": "2026-11-20T08:00:00+01:00",
        "valueQuantity": {"value": 61, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }
    app = as_app(patient, ["patient/Observation.c"]).post("Observation", weight)
    assert app.status_code == 201, app.content
    page = signed_in(Client(), patient.user).get("/patient/documents/")
    assert page.status_code == 200


def _needles(patient) -> list[str]:
    return [patient.nir, *NAMES, patient.email, *TEXTS]


def _text_of(row, field) -> str:
    value = getattr(row, field.attname)
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _everything_but_the_journal():
    for model in apps.get_models():
        if model is Entry:
            continue
        fields = [f for f in model._meta.concrete_fields if not f.is_relation]
        for row in model._default_manager.all():
            yield model._meta.label, " ".join(_text_of(row, field) for field in fields)


def test_destruction_leaves_nothing_that_identifies_the_person(
    gwendoline,
    bob,
    charlie,
    dave,
    erin,
    as_pro,
    as_app,
):
    _full_record(gwendoline, bob, charlie, dave, erin, as_pro, as_app)
    needles = _needles(gwendoline)
    found = [label for label, text in _everything_but_the_journal() if any(n in text for n in needles)]
    assert "records.Document" in found and "identity.Patient" in found  # the scan sees them before

    # the holder closes their space, asking for early destruction; the daily task destroys it when due
    request_closure(me(gwendoline), gwendoline, early_destruction=True)
    assert sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8)) == 1

    left = sorted({label for label, text in _everything_but_the_journal() if any(n in text for n in needles)})
    assert left == [], f"identifying data left in {left}: {_rows_with(left, needles)}"
    for model in apps.get_models():
        if erasure.DECLARED.get(model._meta.label, erasure.Declared("", None)).erase is None:
            continue
        if model is not Patient and _about_a_patient(model):
            assert not _rows_about(model, gwendoline.pk).exists(), model._meta.label

    row = Patient.objects.get(pk=gwendoline.pk)
    assert row.state == Patient.State.DESTROYED and row.nir_hash and row.nir == f"~{row.pk}"
    assert row.birth_date == erasure.ERASED_BIRTH_DATE and row.user_id is None and row.gp_id is None
    assert (row.closed_at, row.created_at) != (None, None)
    assert not User.objects.filter(pk=gwendoline.user_id).exists()


def test_an_account_that_represents_a_child_outlives_its_own_space(gwendoline):
    """The child's record is the child's: the parent's account and representation stay, unlinked."""
    child = factories.make_patient("Maël", "Le Bihan", birth_date=datetime.date(2015, 2, 1), user=False)
    Representative.objects.create(patient=child, person=gwendoline, user=gwendoline.user)
    request_closure(me(gwendoline), gwendoline, early_destruction=True)
    sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8))
    representation = child.representatives.get()
    assert representation.user_id == gwendoline.user_id and representation.person_id == gwendoline.pk
    assert Patient.objects.get(pk=gwendoline.pk).user_id is None
    assert child.representatives.get().person.first_names == ""


def _rows_with(labels, needles):
    return [
        t for label, t in _everything_but_the_journal() if label in labels and any(n in t for n in needles)
    ]


def _rows_about(model, patient_id):
    fields = [f for f in model._meta.concrete_fields if f.attname.endswith("patient_id")]
    query = models.Q()
    for field in fields:
        query |= models.Q(**{field.attname: patient_id})
    return model._default_manager.filter(query)


def test_the_journal_keeps_who_did_what_and_when_but_no_clinical_content(
    gwendoline,
    bob,
    charlie,
    dave,
    erin,
    as_pro,
    as_app,
):
    _full_record(gwendoline, bob, charlie, dave, erin, as_pro, as_app)
    request_closure(me(gwendoline), gwendoline, early_destruction=True)
    sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8))
    entries = Entry.objects.filter(patient_id=gwendoline.pk)
    assert entries.filter(action="record:document:deposit").count() >= 3
    assert entries.filter(action="account:space:destroy", allowed=True).exists()
    clinical = [gwendoline.nir, gwendoline.email, *TEXTS, *SENSITIVE_TYPES]
    for entry in Entry.objects.all():
        payload = json.dumps(entry.payload(), default=str, ensure_ascii=False)
        assert not any(word in payload for word in clinical), (entry.seq, entry.action)


def test_the_insurers_next_file_opens_no_new_space_for_a_destroyed_one(gwendoline):
    nir = gwendoline.nir
    request_closure(me(gwendoline), gwendoline, early_destruction=True)
    sweeps.destroy_due_spaces(timezone.now() + datetime.timedelta(days=8))
    report = import_beneficiaries(beneficiary_file(f"{nir};Kerhervé;;Gwendoline;1961-07-23;F;29019;;;"))
    assert report.created == 0 and report.skipped == 1
    assert not Patient.objects.filter(nir=nir).exists()


def test_destruction_is_refused_to_anyone_but_the_system(gwendoline, bob):
    request_closure(me(gwendoline), gwendoline, early_destruction=True)
    for actor in (me(gwendoline), pro(bob)):
        with pytest.raises(AccessDenied):
            records.destroy_space(actor, Patient.objects.get(pk=gwendoline.pk))
    assert Patient.objects.get(pk=gwendoline.pk).nir == gwendoline.nir
