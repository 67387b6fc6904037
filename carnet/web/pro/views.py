"""The professional space: find a patient, get access, read what the rules allow, deposit."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.queries import active_emergency
from carnet.identity.models import Patient
from carnet.identity.queries import find_patient_by_ins
from carnet.records import actions as records
from carnet.records import queries
from carnet.records.actions import DocumentMetadata
from carnet.web.auth.decorators import professional_required
from carnet.web.downloads import document_download
from carnet.web.errors import refusals
from carnet.web.patient.forms import ProfileEntryForm
from carnet.web.pro import forms

ACCESS_MODES = {"declare", "request", "code", "glass"}


@professional_required
def home(request):
    form = forms.FindForm(request.GET or None)
    if request.GET and form.is_valid():
        patient = find_patient_by_ins(form.cleaned_data["nir"], form.cleaned_data["birth_date"])
        if patient is not None:
            return redirect("pro:patient", patient_id=patient.pk)
        form.add_error(None, _("Aucun patient ne correspond à cette identité."))
    return render(request, "web/pro/home.html", {"form": form})


def _patient(patient_id) -> Patient:
    patient = Patient.objects.filter(pk=patient_id, state=Patient.State.OPEN).first()
    if patient is None:
        raise Http404("patient")
    return patient


@professional_required
def patient(request, patient_id):
    return _patient_page(request, _patient(patient_id))


def _patient_page(request, patient, status=200, **bound):
    """The patient's page; a form that failed comes back filled in and marked (``bound``)."""
    actor = request.actor
    can_read = decide(actor, P.RECORD_PROFILE_READ, patient)
    context = {
        "patient": patient,
        "can_read": can_read,
        "mode": access.effective_mode(patient),
        "documents": queries.list_documents(actor, patient, status=""),
        "profile": queries.health_profile(actor, patient) if can_read else [],
        "deposit_form": forms.DepositForm(),
        "code_form": forms.PresenceCodeForm(),
        "glass_form": forms.BreakGlassForm(),
        "profile_form": ProfileEntryForm(),
        "emergency": active_emergency(actor.professional, patient),
    } | bound
    return render(request, "web/pro/patient.html", context, status=status)


@require_POST
@professional_required
def get_access(request, patient_id, how):
    if how not in ACCESS_MODES:
        raise Http404("unknown access mode")
    actor, patient = request.actor, _patient(patient_id)
    with refusals(request):
        if how == "declare":
            access.declare_consent(actor, patient)
        elif how == "request":
            access.request_access(actor, patient)
        elif how == "code":
            access.redeem_presence_code(actor, patient, request.POST.get("code", ""))
        else:  # "glass": break the glass, only when named; a refusal keeps the explanation typed
            return _break_glass(request, patient)
        messages.success(request, _("Accès enregistré."))
    return redirect("pro:patient", patient_id=patient.pk)


def _break_glass(request, patient):
    form = forms.BreakGlassForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with refusals(request, form):
            access.break_glass(
                request.actor, patient, data["reason_code"], data["reason_text"], samu=data["samu"]
            )
            messages.success(request, _("Accès enregistré."))
            return redirect("pro:patient", patient_id=patient.pk)
    return _patient_page(request, patient, status=400, glass_form=form)


@require_POST
@professional_required
def deposit(request, patient_id):
    actor, patient = request.actor, _patient(patient_id)
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
            return redirect("pro:patient", patient_id=patient.pk)
    if request.FILES.get("file") and "file" not in form.errors:
        form.add_error("file", _("Le navigateur ne garde pas le fichier choisi : choisissez-le à nouveau."))
    return _patient_page(request, patient, status=400, deposit_form=form)


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
    return redirect("pro:patient", patient_id=found.patient_id)


@require_POST
@professional_required
def add_profile_entry(request, patient_id):
    from carnet.records.actions import add_profile_entry as add

    patient = _patient(patient_id)
    form = ProfileEntryForm(request.POST)
    with refusals(request):
        if form.is_valid():
            add(request.actor, patient, **form.cleaned_data)
            messages.success(request, _("Information ajoutée au profil de santé."))
        else:
            messages.error(request, _("Vérifiez le formulaire du profil."))
    return redirect("pro:patient", patient_id=patient.pk)


@require_POST
@professional_required
def replace(request, document_id):
    """The author uploads a new version; the old one is superseded (history kept)."""
    found = queries.get_document(request.actor, document_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choisissez le fichier de la nouvelle version."))
        return redirect("pro:patient", patient_id=found.patient_id)
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
    return redirect("pro:patient", patient_id=found.patient_id)
