"""The patient takes their whole record away: a FHIR R4 Bundle and a readable PDF (the card: card.py)."""

import base64
import uuid

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.identity.queries import language_of
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


CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
# The French law each wish rests on (Code de la santé publique), as the Consent's policy rule.
LAW = {
    Wish.Kind.ADVANCE_DIRECTIVES: "Code de la santé publique, article L1111-11 (directives anticipées)",
    Wish.Kind.ORGAN_DONATION: "Code de la santé publique, article L1232-1 (prélèvement d'organes)",
}


def wish_resource(wish: Wish) -> dict:
    """A wish as FHIR R4: directives and organ donation as Consent, the trusted person and the people to
    warn as RelatedPerson (the patient's own words kept as they typed them)."""
    ref = {"reference": f"Patient/{wish.patient_id}"}
    base = {"id": f"wish-{wish.pk}"}
    if wish.kind in (Wish.Kind.TRUSTED_PERSON, Wish.Kind.EMERGENCY_CONTACT):
        role = (
            {"text": "personne de confiance (CSP L1111-6)"}
            if wish.kind == Wish.Kind.TRUSTED_PERSON
            else {"coding": [{"system": CONTACT_ROLE, "code": "C", "display": "Emergency Contact"}]}
        )
        telecom = {"telecom": [{"system": "phone", "value": wish.phone}]} if wish.phone else {}
        return (
            base
            | {
                "resourceType": "RelatedPerson",
                "patient": ref,
                "relationship": [role],
                "name": [{"text": wish.name or "-"}],
            }
            | telecom
        )
    consent = base | {
        "resourceType": "Consent",
        "status": "active",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "adr"}]},
        "patient": ref,
        "dateTime": wish.updated_at.isoformat(),
        "policyRule": {"text": LAW[wish.kind]},
    }
    if wish.kind == Wish.Kind.ADVANCE_DIRECTIVES:
        text = base64.b64encode((wish.text or "").encode()).decode()
        return consent | {
            "category": [
                {"coding": [{"system": CONSENT_CATEGORY, "code": "acd"}], "text": "directives anticipées"}
            ],
            "sourceAttachment": {
                "contentType": "text/plain; charset=utf-8",
                "data": text,
                "title": "Directives anticipées",
            },
        }
    position = {"oui": "permit", "non": "deny"}.get(wish.organ_donation)
    return (
        consent
        | {
            "category": [{"text": "don d'organes et de tissus"}],
        }
        | ({"provision": {"type": position}} if position else {})
        | (
            {
                "sourceAttachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(wish.text.encode()).decode(),
                }
            }
            if wish.text
            else {}
        )
    )


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
    entries += [wish_resource(w) for w in queries.patient_wishes(actor, patient)]
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


def wish_line(wish: Wish) -> str:
    """One wish in plain words (the summary, the emergency card)."""
    if wish.kind == Wish.Kind.ORGAN_DONATION:
        position = {"oui": _("oui"), "non": _("non")}.get(wish.organ_donation, _("non précisé"))
        return f"{capfirst(wish.get_kind_display())} : {position}" + (f" ({wish.text})" if wish.text else "")
    if wish.kind == Wish.Kind.ADVANCE_DIRECTIVES:
        return f"{capfirst(wish.get_kind_display())} : {wish.text or _('rédigées, sans texte saisi')}"
    return f"{capfirst(wish.get_kind_display())} : {wish.name} {wish.phone}".strip()


def summary_pdf(actor: Actor, patient) -> bytes:
    """A readable summary in the patient's language: identity, profile, wishes, and the list of documents."""
    authorize(actor, P.RECORD_EXPORT_CREATE, patient)
    profile = list(queries.health_profile(actor, patient))
    wishes = list(queries.patient_wishes(actor, patient))
    documents = list(queries.list_documents(actor, patient))
    with translation.override(language_of(patient)):
        pdf = _pdf()
        _line(pdf, _("Dossier de santé de %(name)s") % {"name": patient.display_name}, 16, True)
        _line(
            pdf,
            _("Né(e) le %(birth)s - édité le %(today)s")
            % {"birth": f"{patient.birth_date:%d/%m/%Y}", "today": f"{timezone.localdate():%d/%m/%Y}"},
        )
        for kind, label in ProfileEntry.Kind.choices:
            entries = [e for e in profile if e.kind == kind]
            if entries:
                _line(pdf, str(label).capitalize(), 12, True)
                for entry in entries:
                    _line(pdf, f"- {entry.label} {entry.value} {entry.unit} ({entry.date:%d/%m/%Y})")
        _line(pdf, _("Mes volontés"), 12, True)
        for wish in wishes:
            _line(pdf, f"- {wish_line(wish)}")
        if not wishes:
            _line(pdf, _("Aucune volonté enregistrée."))
        _line(pdf, _("Documents"), 12, True)
        for document in documents:
            author = document.author.display_name if document.author else document.get_depositor_display()
            _line(
                pdf,
                f"- {document.care_date:%d/%m/%Y} {codes.type_name(document.type_code)} : {document.title} "
                f"({author})",
            )
        return bytes(pdf.output())
