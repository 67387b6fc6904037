"""The patient's "Mon histoire de santé" from their documents: conditions and treatments found there, each
with its documents and sentences; confirmed into the health profile, or dismissed, by the patient only."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access.sensitivity import CATEGORIES
from carnet.indexing import actions, queries
from carnet.indexing.models import Kind
from carnet.records.queries import visible_documents
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals


class FindingForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices)
    code = forms.RegexField(regex=r"^[A-Z0-9]{1,10}$")


@patient_required
def story(request):
    actor = request.actor
    items = queries.health_story(actor, actor.patient)
    reasons = queries.content_reasons(actor, actor.patient)
    masked = visible_documents(actor, actor.patient).filter(pk__in=list(reasons))
    context = {
        "conditions": [item for item in items if item.kind == Kind.CONDITION],
        "treatments": [item for item in items if item.kind == Kind.DRUG],
        "reasons": [(document, CATEGORIES.get(reasons[document.pk], "")) for document in masked],
    }
    return render(request, "web/patient/story.html", context)


@require_POST
@patient_required
def answer(request, decision):
    form = FindingForm(request.POST)
    with refusals(request):
        if form.is_valid():
            act = actions.confirm_finding if decision == "confirm" else actions.dismiss_finding
            act(request.actor, request.actor.patient, form.cleaned_data["kind"], form.cleaned_data["code"])
            done = _("Ajouté à votre profil de santé.") if decision == "confirm" else _("Écarté.")
            messages.success(request, done)
        else:
            messages.error(request, _("Information inconnue."))
    return redirect("patient:story")
