"""Who may see the record: professionals, presence code, categories, apps, mandates."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.access.policy import settings_of
from carnet.access.queries import access_overview, active_mandates, mandate_of, profession_grid
from carnet.access.sensitivity import CATEGORIES
from carnet.identity.queries import professional_by_id, search_directory, user_by_login
from carnet.web.auth.decorators import patient_required, reauth_required
from carnet.web.errors import refusals
from carnet.web.patient import forms


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
    return render(request, "web/patient/access.html", _access_context(request, form, current))


def _access_context(request, form, current) -> dict:
    """What "Qui peut voir" shows: the overview, the sensitive categories, the professions' grid and, when the
    patient searched it, the directory (to block someone never seen yet)."""
    choices = current.category_choices or {}
    directory = request.GET.get("annuaire", "").strip()
    professions, grid = profession_grid()
    return {
        "form": form,
        "overview": access_overview(request.actor, request.actor.patient),
        "presence_code": request.session.pop("presence_code", ""),
        "categories": [(key, label, choices.get(key, "masked")) for key, label in CATEGORIES.items()],
        "gp_sees_masked": current.gp_sees_masked,
        "professions": professions,
        "grid": grid,
        "directory": directory,
        "directory_found": search_directory(directory) if directory else [],
    }


def _on_professional(action, done):
    """A button on one professional (revoke, block, unblock, accept): one URL and one action each."""

    @require_POST
    @patient_required
    def view(request, professional_id):
        professional = professional_by_id(professional_id)
        with refusals(request):
            action(request.actor, request.actor.patient, professional)
            messages.success(request, done)
        return redirect("patient:access")

    return view


revoke = _on_professional(access.revoke_access, gettext_lazy("L'accès de ce professionnel est retiré."))
block = _on_professional(access.block_professional, gettext_lazy("Ce professionnel est bloqué."))
unblock = _on_professional(access.unblock_professional, gettext_lazy("Ce professionnel n'est plus bloqué."))
accept = _on_professional(
    access.confirm_pending_access, gettext_lazy("L'accès de ce professionnel est accepté.")
)


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
def mandates(request):
    form = forms.MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        caregiver = user_by_login(form.cleaned_data["login"])
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
    context = {"form": form, "mandates": active_mandates(request.actor.patient)}
    return render(request, "web/patient/mandates.html", context)


@require_POST
@patient_required
def revoke_mandate(request, mandate_id):
    mandate = mandate_of(request.actor.patient, mandate_id)
    if mandate is not None:
        with refusals(request):
            access.revoke_mandate(request.actor, mandate)
            messages.success(request, _("Le mandat est retiré."))
    return redirect("patient:mandates")
