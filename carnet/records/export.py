"""The patient takes their whole record away: a FHIR R4 Bundle, a readable PDF, an emergency card."""

import base64
import io
import uuid

from django.utils import timezone

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.pdffonts import CarnetPDF, new_pdf, printable
from carnet.records import codes, queries
from carnet.records.models import ProfileEntry, Wish
from carnet.vault import queries as vault

INS_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"
PROFILE_RESOURCES: dict[str, str] = {
    ProfileEntry.Kind.CONDITION: "Condition",
    ProfileEntry.Kind.ALLERGY: "AllergyIntolerance",
    ProfileEntry.Kind.TREATMENT: "MedicationStatement",
    ProfileEntry.Kind.VACCINATION: "Immunization",
    ProfileEntry.Kind.MEASUREMENT: "Observation",
}


def patient_resource(patient) -> dict:
    return {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": [{"system": INS_SYSTEM, "value": patient.nir}],
        "name": [{"use": "official", "family": patient.birth_name, "given": patient.first_names.split()}],
        "gender": {"F": "female", "M": "male"}[patient.sex],
        "birthDate": patient.birth_date.isoformat(),
    } | general_practitioner(patient)


def general_practitioner(patient) -> dict:
    """The declared médecin traitant, by reference and by RPPS (France's IDNPS: "8" + RPPS)."""
    gp = patient.gp
    if gp is None:
        return {}
    reference = {"reference": f"Practitioner/{gp.pk}", "display": gp.display_name}
    if gp.rpps:
        reference["identifier"] = {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": f"8{gp.rpps}"}
    return {"generalPractitioner": [reference]}


def profile_resource(entry: ProfileEntry) -> dict:
    """A health-profile line as the FHIR resource of its kind (minimal, valid R4)."""
    ref = {"reference": f"Patient/{entry.patient_id}"}
    concept = {"text": entry.label} | ({"coding": [{"code": entry.code}]} if entry.code else {})
    kind = PROFILE_RESOURCES[entry.kind]
    base = {"resourceType": kind, "id": f"profile-{entry.pk}"}
    if kind == "Condition":
        return base | {"subject": ref, "code": concept, "recordedDate": entry.date.isoformat()}
    if kind == "AllergyIntolerance":
        return base | {"patient": ref, "code": concept, "recordedDate": entry.date.isoformat()}
    if kind == "MedicationStatement":
        return base | {
            "status": "active" if entry.status == "active" else "completed",
            "subject": ref,
            "medicationCodeableConcept": concept,
            "effectiveDateTime": entry.date.isoformat(),
        }
    if kind == "Immunization":
        return base | {
            "status": "completed",
            "patient": ref,
            "vaccineCode": concept,
            "occurrenceDateTime": entry.date.isoformat(),
        }
    value = {"valueString": f"{entry.value} {entry.unit}".strip()} if entry.value else {}
    return (
        base
        | {"status": "final", "subject": ref, "code": concept, "effectiveDateTime": entry.date.isoformat()}
        | value
    )


def document_reference(document) -> dict:
    return {
        "resourceType": "DocumentReference",
        "id": str(document.pk),
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": document.unique_id},
        "status": {"current": "current", "superseded": "superseded"}.get(document.status, "entered-in-error"),
        "type": {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": document.type_code,
                    "display": codes.type_name(document.type_code),
                }
            ]
        },
        "category": [{"coding": [{"code": document.class_code}]}],
        "subject": {"reference": f"Patient/{document.patient_id}"},
        "date": document.created_at.isoformat(),
        "description": document.title,
        "content": [
            {
                "attachment": {
                    "contentType": document.mime_type,
                    "url": f"Binary/{document.pk}",
                    "size": document.size,
                    "hash": document.sha1_b64,
                    "title": document.title,
                }
            }
        ],
        "context": {"period": {"start": document.care_date.isoformat()}},
    }


def fhir_bundle(actor: Actor, patient) -> dict:
    """The whole visible record as a FHIR R4 collection Bundle, content included."""
    authorize(actor, P.RECORD_EXPORT_CREATE, patient)
    entries = [patient_resource(patient)]
    for document in queries.list_documents(actor, patient, status=""):
        content = vault.get(patient, document.blob_ref, expected_sha256=document.sha256)
        entries.append(document_reference(document))
        entries.append(
            {
                "resourceType": "Binary",
                "id": str(document.pk),
                "contentType": document.mime_type,
                "data": base64.b64encode(content).decode(),
            }
        )
    entries += [profile_resource(e) for e in queries.health_profile(actor, patient)]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource} for resource in entries],
    }


def _pdf() -> CarnetPDF:
    pdf = new_pdf(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    return pdf


def _line(pdf: CarnetPDF, text: str, size: int = 10, bold: bool = False) -> None:
    pdf.set_font(pdf.carnet_font, style="B" if bold else "", size=size)
    pdf.multi_cell(0, size * 0.6, printable(pdf, text), new_x="LMARGIN", new_y="NEXT")


def summary_pdf(actor: Actor, patient) -> bytes:
    """A readable summary: identity, profile, wishes, and the list of documents."""
    authorize(actor, P.RECORD_EXPORT_CREATE, patient)
    pdf = _pdf()
    _line(pdf, f"Dossier de santé de {patient.display_name}", 16, True)
    _line(pdf, f"Né(e) le {patient.birth_date:%d/%m/%Y} - édité le {timezone.localdate():%d/%m/%Y}")
    for kind, label in ProfileEntry.Kind.choices:
        entries = [e for e in queries.health_profile(actor, patient) if e.kind == kind]
        if entries:
            _line(pdf, str(label).capitalize(), 12, True)
            for entry in entries:
                _line(pdf, f"- {entry.label} {entry.value} {entry.unit} ({entry.date:%d/%m/%Y})")
    _line(pdf, "Documents", 12, True)
    for document in queries.list_documents(actor, patient):
        author = document.author.display_name if document.author else document.get_depositor_display()
        _line(
            pdf,
            f"- {document.care_date:%d/%m/%Y} {codes.type_name(document.type_code)} : {document.title} "
            f"({author})",
        )
    return bytes(pdf.output())


def emergency_card(actor: Actor, patient, presence_code: str = "") -> bytes:
    """A card to keep on oneself: allergies, treatments, contacts, and a QR code to the space."""
    import segno

    authorize(actor, P.RECORD_EXPORT_CREATE, patient, detail={"export": "emergency-card"})
    profile = list(queries.health_profile(actor, patient))
    wishes = list(queries.patient_wishes(actor, patient))
    pdf = _pdf()
    _line(pdf, f"Carte d'urgence - {patient.display_name} - né(e) le {patient.birth_date:%d/%m/%Y}", 13, True)
    for kind, title in (
        (ProfileEntry.Kind.ALLERGY, "Allergies"),
        (ProfileEntry.Kind.TREATMENT, "Traitements"),
    ):
        _line(pdf, title, 11, True)
        _line(pdf, ", ".join(e.label for e in profile if e.kind == kind) or "aucun(e) renseigné(e)")
    _line(pdf, "Personnes à prévenir", 11, True)
    for wish in wishes:
        if wish.kind in (Wish.Kind.EMERGENCY_CONTACT, Wish.Kind.TRUSTED_PERSON):
            _line(pdf, f"- {wish.name} {wish.phone} ({wish.get_kind_display()})")
    if presence_code:
        _line(pdf, f"Code de présence (usage unique) : {presence_code}", 11, True)
    qr = io.BytesIO()
    segno.make(f"carnet:patient:{patient.pk}", error="m").save(qr, kind="png", scale=4)
    qr.seek(0)
    pdf.image(qr, w=30)
    return bytes(pdf.output())
