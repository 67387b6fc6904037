"""The médecin traitant: the patient chooses or changes them from the directory."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.identity import actions, queries
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals


@patient_required
def gp(request):
    text = request.GET.get("q", "").strip()
    context = {"gp": request.actor.patient.gp, "q": text, "doctors": queries.search_doctors(text)}
    return render(request, "web/patient/gp.html", context)


@require_POST
@patient_required
def choose(request):
    wanted = request.POST.get("professional", "")
    doctor = queries.doctor_by_id(wanted) if wanted.isdigit() else None
    if wanted and doctor is None:
        messages.error(request, _("Ce médecin n'est pas dans l'annuaire."))
        return redirect("patient:gp")
    with refusals(request):
        actions.choose_gp(request.actor, request.actor.patient, doctor)
        messages.success(
            request,
            _("Votre médecin traitant est enregistré.")
            if doctor
            else _("Vous n'avez plus de médecin traitant déclaré."),
        )
    return redirect("patient:gp")
