"""The patient's journal and contests."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.journal.queries import patient_journal
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals
from carnet.web.patient import forms


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
