"""Research: the patient's choice (off by default), their answer per study, and the extracts they are in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.research import actions, queries
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals


@patient_required
def research(request):
    mine = queries.my_research(request.actor, request.actor.patient)
    return render(request, "web/patient/research.html", {"mine": mine})


@require_POST
@patient_required
def research_choice(request):
    opted_in = request.POST.get("opted_in") == "1"
    with refusals(request):
        actions.set_research_choice(
            request.actor, request.actor.patient, opted_in, request.POST.get("every_approved_study") == "1"
        )
        messages.success(request, _("Votre choix est enregistré."))
    return redirect("patient:research")


@require_POST
@patient_required
def research_answer(request, study_id):
    study, answer = queries.study_for(study_id), request.POST.get("answer", "")
    with refusals(request):
        if answer == "withdraw":
            actions.withdraw_from_study(request.actor, request.actor.patient, study)
        else:
            free_text = request.POST.get("free_text") == "1"
            actions.answer_study(request.actor, request.actor.patient, study, answer == "yes", free_text)
        messages.success(request, _("Votre réponse est enregistrée."))
    return redirect("patient:research")
