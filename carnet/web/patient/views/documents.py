"""The patient's documents: list, read, download, add, visibility, deletion, export."""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access.policy import settings_of
from carnet.records import actions as records
from carnet.records import export, queries
from carnet.records.actions import DocumentMetadata
from carnet.web.auth.decorators import patient_required, reauth_required
from carnet.web.downloads import document_download, file_response
from carnet.web.errors import refusals
from carnet.web.patient import forms


@patient_required
def documents(request):
    form = forms.SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    view = request.GET.get("vue", "documents")
    found = queries.list_documents(
        request.actor,
        request.actor.patient,
        view=view,
        text=filters.get("q", ""),
        type_code=filters.get("type_code", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return render(request, "web/patient/documents.html", {"form": form, "documents": found, "view": view})


@patient_required
def document(request, document_id):
    found = queries.get_document(request.actor, document_id)
    form = forms.VisibilityForm(initial={"visibility": found.visibility})
    gp_sees = settings_of(request.actor.patient).gp_sees_masked and request.actor.patient.gp_id is not None
    context = {"document": found, "form": form, "gp_sees_masked": gp_sees}
    return render(request, "web/patient/document.html", context)


@patient_required
def download(request, document_id):
    return document_download(request, document_id)


@require_POST
@patient_required
def set_visibility(request, document_id):
    form = forms.VisibilityForm(request.POST)
    found = queries.get_document(request.actor, document_id)
    with refusals(request):
        if form.is_valid():
            records.set_document_visibility(request.actor, found, form.cleaned_data["visibility"])
            messages.success(request, _("La visibilité du document a été changée."))
    return redirect("patient:document", document_id=found.pk)


@require_POST
@patient_required
def delete(request, document_id):
    found = queries.get_document(request.actor, document_id)
    with refusals(request):
        records.delete_own_document(request.actor, found)
        messages.success(request, _("Le document a été supprimé."))
    return redirect("patient:documents")


@patient_required
def upload(request):
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, meta = form.cleaned_data, None
        meta = DocumentMetadata(
            unique_id=f"urn:uuid:{request.POST.get('upload_id') or timezone.now().timestamp()}",
            type_code="DOCPAT01",
            title=data["title"],
            care_date=data["care_date"],
            mime_type=data["file"].content_type or "",
        )
        with refusals(request, form):
            records.deposit_document(request.actor, request.actor.patient, data["file"].read(), meta)
            messages.success(request, _("Votre document a été ajouté."))
            return redirect("patient:documents")
    return render(request, "web/patient/upload.html", {"form": form})


@patient_required
@reauth_required
def export_file(request, kind):
    """The readable summary opens in the browser (PDF); the whole record for another software is saved."""
    actor, patient = request.actor, request.actor.patient
    if kind == "fhir":
        body = json.dumps(export.fhir_bundle(actor, patient), ensure_ascii=False).encode()
        return file_response(body, "application/fhir+json", _("dossier-carnet-fhir"))
    if kind == "pdf":
        return file_response(
            export.summary_pdf(actor, patient), "application/pdf", _("dossier-carnet-resume")
        )
    if kind == "carte":
        return redirect("patient:card")
    raise Http404("export")


@patient_required
def export_page(request):
    return render(request, "web/patient/export.html")
