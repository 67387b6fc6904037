"""The professional space: find a patient, get access, read what the rules allow, deposit."""

import secrets
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.access.grants import effective_mode
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.queries import active_emergency, patient_by_card
from carnet.identity.models import Patient
from carnet.identity.queries import lookup_patient
from carnet.records import actions as records
from carnet.records import queries
from carnet.records.actions import DocumentMetadata
from carnet.web.auth.decorators import professional_required
from carnet.web.downloads import document_download
from carnet.web.errors import refusals
from carnet.web.patient.forms import ProfileEntryForm
from carnet.web.pro import forms

# The patients this session found by INS, under references that mean nothing outside it: pages never
# carry a patient's number (enumerating ids listed the population) nor the NIR (the search is a POST).
FOUND = "pro_found_patients"


@professional_required
def home(request):
    form = forms.FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = lookup_patient(request.actor, form.cleaned_data["nir"], form.cleaned_data["birth_date"])
        if patient is not None:
            return _to_patient(request, patient.pk)
        form.add_error(None, _("Aucun patient ne correspond à cette identité."))
    return render(request, "web/pro/home.html", {"form": form})


@professional_required
def card(request, token):
    """The link of a patient's emergency card (its QR code): the patient's page, where the card's presence
    code or an emergency access opens the record. A revoked or unknown link names no one."""
    patient = patient_by_card(request.actor, token)
    if patient is None:
        return render(request, "web/pro/card_unknown.html", status=404)
    request.session["pro_from_card"] = patient.pk
    return _to_patient(request, patient.pk)


def _to_patient(request, patient_id):
    """The patient's page under this session's reference for them (made at the INS lookup)."""
    found = request.session.get(FOUND, {})
    ref = next((ref for ref, pk in found.items() if pk == patient_id), None)
    if ref is None:
        ref = secrets.token_urlsafe(16)
        request.session[FOUND] = {**dict(list(found.items())[-49:]), ref: patient_id}
    return redirect("pro:patient", patient_ref=ref)


def _back_to(request, patient_id):
    """After an action on a document: the patient's page if this session found them, else the search."""
    if patient_id in request.session.get(FOUND, {}).values():
        return _to_patient(request, patient_id)
    return redirect("pro:home")


def found_patient(request, patient_ref) -> Patient:
    """The open space this session found by INS under ``patient_ref`` (pages of other apps use it too), or
    404: a number, or a reference from another session, names nobody."""
    return _patient(request, patient_ref)


def _patient(request, patient_ref) -> Patient:
    patient_id = request.session.get(FOUND, {}).get(patient_ref)
    patient = Patient.objects.filter(pk=patient_id, state=Patient.State.OPEN).first() if patient_id else None
    if patient is None:
        raise Http404("patient")
    return patient


@professional_required
def patient(request, patient_ref):
    return _patient_page(request, _patient(request, patient_ref), patient_ref)


def _patient_page(request, patient, patient_ref, status=200, **bound):
    """The patient's page; a form that failed comes back filled in and marked (``bound``)."""
    actor = request.actor
    can_read = decide(actor, P.RECORD_PROFILE_READ, patient)
    reads_wishes = decide(actor, P.RECORD_WISHES_READ, patient)
    context = {
        "wishes": list(queries.patient_wishes(actor, patient)) if reads_wishes else [],
        "patient": patient,
        "patient_ref": patient_ref,
        "can_read": can_read,
        "mode": effective_mode(patient),
        "documents": queries.list_documents(actor, patient, status=""),
        "profile": queries.health_profile(actor, patient) if can_read else [],
        "deposit_form": forms.DepositForm(),
        "code_form": forms.PresenceCodeForm(),
        "glass_form": forms.BreakGlassForm(),
        "profile_form": ProfileEntryForm(),
        "emergency": active_emergency(actor.professional, patient),
        "from_card": request.session.get("pro_from_card") == patient.pk,
        "now": timezone.now(),
    } | bound
    return render(request, "web/pro/patient.html", context, status=status)


def _getting_access(how):
    """One URL per way of getting access (declare, request, code; glass below): each calls its one action."""

    @require_POST
    @professional_required
    def view(request, patient_ref):
        actor, patient = request.actor, _patient(request, patient_ref)
        with refusals(request):
            how(actor, patient, request.POST)
            messages.success(request, _("Accès enregistré."))
        return redirect("pro:patient", patient_ref=patient_ref)

    return view


declare = _getting_access(lambda actor, patient, data: access.declare_consent(actor, patient))
request_access = _getting_access(lambda actor, patient, data: access.request_access(actor, patient))
redeem_code = _getting_access(
    lambda actor, patient, data: access.redeem_presence_code(actor, patient, data.get("code", ""))
)


@require_POST
@professional_required
def break_glass(request, patient_ref):
    """Break the glass, only when named; a refusal keeps the explanation typed."""
    return _break_glass(request, _patient(request, patient_ref), patient_ref)


def _break_glass(request, patient, patient_ref):
    form = forms.BreakGlassForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with refusals(request, form):
            access.break_glass(
                request.actor, patient, data["reason_code"], data["reason_text"], samu=data["samu"]
            )
            messages.success(request, _("Accès enregistré."))
            return redirect("pro:patient", patient_ref=patient_ref)
    return _patient_page(request, patient, patient_ref, status=400, glass_form=form)


@require_POST
@professional_required
def deposit(request, patient_ref):
    actor, patient = request.actor, _patient(request, patient_ref)
    form = forms.DepositForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        meta = DocumentMetadata(
            unique_id=f"urn:uuid:{uuid.uuid4()}",
            type_code=data["type_code"],
            title=data["title"],
            care_date=data["care_date"],
            sensitive_category=data["sensitive_category"],
            hide_days=data["hide_days"] or 0,
            mime_type=data["file"].content_type or "",
        )
        with refusals(request, form):
            records.deposit_document(actor, patient, data["file"].read(), meta)
            messages.success(request, _("Document déposé."))
            return redirect("pro:patient", patient_ref=patient_ref)
    if request.FILES.get("file") and "file" not in form.errors:
        form.add_error("file", _("Le navigateur ne garde pas le fichier choisi : choisissez-le à nouveau."))
    return _patient_page(request, patient, patient_ref, status=400, deposit_form=form)


@professional_required
def download(request, document_id):
    return document_download(request, document_id)


@require_POST
@professional_required
def withdraw(request, document_id):
    found = queries.get_document(request.actor, document_id)
    with refusals(request):
        records.withdraw_document(request.actor, found)
        messages.success(request, _("Document retiré."))
    return _back_to(request, found.patient_id)


@require_POST
@professional_required
def release(request, document_id):
    """The author shows a held-back document to the patient now (the announcement consultation took place)."""
    found = queries.get_document(request.actor, document_id)
    with refusals(request):
        records.release_hidden_document(request.actor, found)
        messages.success(request, _("Le patient voit maintenant ce document ; il en est prévenu."))
    return _back_to(request, found.patient_id)


@require_POST
@professional_required
def add_profile_entry(request, patient_ref):
    from carnet.records.actions import add_profile_entry as add

    patient = _patient(request, patient_ref)
    form = ProfileEntryForm(request.POST)
    with refusals(request):
        if form.is_valid():
            add(request.actor, patient, **form.cleaned_data)
            messages.success(request, _("Information ajoutée au profil de santé."))
        else:
            messages.error(request, _("Vérifiez le formulaire du profil."))
    return redirect("pro:patient", patient_ref=patient_ref)


@require_POST
@professional_required
def replace(request, document_id):
    """The author uploads a new version; the old one is superseded (history kept)."""
    found = queries.get_document(request.actor, document_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choisissez le fichier de la nouvelle version."))
        return _back_to(request, found.patient_id)
    meta = DocumentMetadata(
        unique_id=f"urn:uuid:{uuid.uuid4()}",
        type_code=found.type_code,
        title=found.title,
        care_date=found.care_date,
        mime_type=upload.content_type or "",
    )
    with refusals(request):
        records.replace_document(request.actor, found, upload.read(), meta)
        messages.success(request, _("Nouvelle version déposée ; l'ancienne est conservée dans l'historique."))
    return _back_to(request, found.patient_id)
