"""The patient space: views parse, call one service, render."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.access.policy import settings_of
from carnet.access.queries import access_overview
from carnet.journal.queries import patient_journal
from carnet.records import actions as records
from carnet.records import export, profile, queries
from carnet.records.actions import DocumentMetadata
from carnet.web.auth.decorators import patient_required, reauth_required
from carnet.web.downloads import document_download
from carnet.web.errors import refusals
from carnet.web.patient import forms


@patient_required
def dashboard(request):
    actor = request.actor
    context = {
        "documents": queries.list_documents(actor, actor.patient)[:5],
        "journal": patient_journal(actor, actor.patient, limit=5),
        "first_visit": not request.session.get("guide_seen"),
    }
    return render(request, "web/patient/dashboard.html", context)


@patient_required
def guide(request):
    request.session["guide_seen"] = True
    return render(request, "web/patient/guide.html")


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
    return render(request, "web/patient/document.html", {"document": found, "form": form})


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
def health_profile(request):
    actor = request.actor
    entry_form = forms.ProfileEntryForm(request.POST or None, prefix="entry")
    if request.method == "POST" and entry_form.is_valid():
        with refusals(request, entry_form):
            profile.add_profile_entry(actor, actor.patient, **entry_form.cleaned_data)
            return redirect("patient:profile")
    context = {
        "entries": queries.health_profile(actor, actor.patient),
        "form": entry_form,
        "wishes": queries.patient_wishes(actor, actor.patient),
        "wish_form": forms.WishForm(prefix="wish"),
    }
    return render(request, "web/patient/profile.html", context)


@require_POST
@patient_required
def wish(request):
    form = forms.WishForm(request.POST, prefix="wish")
    with refusals(request):
        if form.is_valid():
            profile.set_wish(request.actor, request.actor.patient, **form.cleaned_data)
            messages.success(request, _("Vos volontés sont enregistrées."))
    return redirect("patient:profile")


@patient_required
def journal(request):
    lines = patient_journal(
        request.actor,
        request.actor.patient,
        emergency_only=bool(request.GET.get("urgence")),
        refused_only=bool(request.GET.get("refus")),
    )
    return render(request, "web/patient/journal.html", {"lines": lines, "form": forms.ContestForm()})


@require_POST
@patient_required
def contest(request, seq):
    form = forms.ContestForm(request.POST)
    with refusals(request):
        if form.is_valid():
            access.contest_access(request.actor, request.actor.patient, seq, form.cleaned_data["text"])
            messages.success(request, _("Votre contestation a été transmise à l'équipe carnet."))
    return redirect("patient:journal")


@patient_required
def access_settings(request):
    patient = request.actor.patient
    current = settings_of(patient)
    initial = {
        "confirmed_mode": current.grant_mode == "confirmed",
        "refuses_emergency": current.refuses_emergency,
        "refuses_samu": current.refuses_samu,
        "gp_sees_masked": current.gp_sees_masked,
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals(request):
            access.update_access_settings(
                request.actor, patient, grant_mode="confirmed" if data.pop("confirmed_mode") else "", **data
            )
            messages.success(request, _("Vos réglages sont enregistrés."))
            return redirect("patient:access")
    context = {
        "form": form,
        "overview": access_overview(request.actor, patient),
        "presence_code": request.session.pop("presence_code", ""),
    }
    return render(request, "web/patient/access.html", context)


@require_POST
@patient_required
def access_change(request, operation, professional_id):
    with refusals(request):
        access.change_professional_access(request.actor, request.actor.patient, operation, professional_id)
        messages.success(request, _("C'est fait."))
    return redirect("patient:access")


@require_POST
@patient_required
def presence_code(request):
    with refusals(request):
        code = access.issue_presence_code(request.actor, request.actor.patient)
        request.session["presence_code"] = code
        if request.POST.get("sms") and request.actor.patient.phone:
            from carnet.notify.sms import send_sms

            send_sms(
                request.actor.patient.phone,
                _("Votre code de présence carnet : %(code)s (valable une heure).") % {"code": code},
            )
    return redirect("patient:access")


@require_POST
@patient_required
def category_choice(request):
    with refusals(request):
        access.set_category_choice(
            request.actor,
            request.actor.patient,
            request.POST.get("category", ""),
            request.POST.get("visibility", ""),
        )
        messages.success(request, _("Votre choix est enregistré."))
    return redirect("patient:access")


@patient_required
@reauth_required
def export_file(request, kind):
    actor, patient = request.actor, request.actor.patient
    if kind == "fhir":
        import json

        body = json.dumps(export.fhir_bundle(actor, patient), ensure_ascii=False).encode()
        response = HttpResponse(body, content_type="application/fhir+json")
    elif kind == "pdf":
        response = HttpResponse(export.summary_pdf(actor, patient), content_type="application/pdf")
    else:
        response = HttpResponse(export.emergency_card(actor, patient), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="carnet-{kind}.{"json" if kind == "fhir" else "pdf"}"'
    )
    return response


@patient_required
def export_page(request):
    return render(request, "web/patient/export.html")


@patient_required
@reauth_required
def closure(request):
    from carnet.identity.actions import request_closure

    form = forms.ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            request_closure(
                request.actor, request.actor.patient, early_destruction=form.cleaned_data["early_destruction"]
            )
            return render(request, "web/patient/closed.html")
    return render(request, "web/patient/closure.html", {"form": form})


@patient_required
def apps(request):
    from carnet.fhir.actions import connected_apps, revoke_app

    if request.method == "POST":
        revoke_app(request.actor, int(request.POST.get("application", 0)))
        messages.success(request, _("L'application n'a plus accès à votre dossier."))
        return redirect("patient:apps")
    return render(request, "web/patient/apps.html", {"apps": connected_apps(request.actor)})


@patient_required
def notifications(request):
    from carnet.notify.actions import set_preferences
    from carnet.notify.models import NotificationPreference

    current = NotificationPreference.objects.filter(patient_id=request.actor.patient.pk).first()
    initial = {"channel": current.channel, "daily_digest": current.daily_digest} if current else {}
    form = forms.NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        set_preferences(request.actor.patient, **form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("patient:notifications")
    return render(request, "web/patient/notifications.html", {"form": form})


@patient_required
@reauth_required
def mandates(request):
    from carnet.identity.models import Mandate, User

    form = forms.MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        caregiver = User.objects.filter(username__iexact=form.cleaned_data["login"]).first()
        if caregiver is None:
            form.add_error("login", _("Aucun compte carnet ne porte cet identifiant."))
        else:
            with refusals(request, form):
                access.grant_mandate(
                    request.actor,
                    request.actor.patient,
                    caregiver,
                    form.cleaned_data["scopes"],
                    form.cleaned_data["days"],
                )
                messages.success(request, _("Le mandat est créé."))
                return redirect("patient:mandates")
    active = Mandate.objects.filter(
        patient=request.actor.patient, revoked_at__isnull=True, ends_at__gt=timezone.now()
    ).select_related("caregiver")
    return render(request, "web/patient/mandates.html", {"form": form, "mandates": active})


@require_POST
@patient_required
def revoke_mandate(request, mandate_id):
    from carnet.identity.models import Mandate

    mandate = Mandate.objects.filter(pk=mandate_id, patient=request.actor.patient).first()
    if mandate is not None:
        with refusals(request):
            access.revoke_mandate(request.actor, mandate)
            messages.success(request, _("Le mandat est retiré."))
    return redirect("patient:mandates")


def spaces(request):
    """People who manage several spaces (their own, a child's, a mandate) choose the one they act in."""
    from carnet.web.actor import ACTING_FOR, spaces_of

    if not request.user.is_authenticated:
        return redirect("auth:sign-in")
    available = spaces_of(request.user)
    if request.method == "POST":
        chosen = int(request.POST.get("patient", 0))
        if any(patient.pk == chosen for _kind, patient in available):
            request.session[ACTING_FOR] = chosen
            return redirect("patient:dashboard")
    return render(request, "web/patient/spaces.html", {"spaces": available})
