"""The emergency card: see it on the phone, print it for the wallet, make a new one, revoke it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.access.models import EmergencyCard
from carnet.records import card as cards
from carnet.web.auth.decorators import patient_required
from carnet.web.downloads import file_response
from carnet.web.errors import refusals


class CardForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("Informations médicales à imprimer sur la carte (facultatif)"),
        choices=EmergencyCard.Section.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Rien n'est coché : la carte ne dit rien de votre santé."),
    )


@patient_required
def card(request):
    found = cards.card_for(request.actor, request.actor.patient)
    form = CardForm(initial={"sections": found.sections if found else []})
    return render(request, "web/patient/card.html", {"card": found, "form": form})


@require_POST
@patient_required
def new_card(request):
    form = CardForm(request.POST)
    with refusals(request):
        if form.is_valid():
            access.issue_emergency_card(request.actor, request.actor.patient, form.cleaned_data["sections"])
            messages.success(request, _("Votre nouvelle carte est prête ; l'ancienne ne fonctionne plus."))
    return redirect("patient:card")


@require_POST
@patient_required
def revoke_card(request):
    with refusals(request):
        access.revoke_emergency_card(request.actor, request.actor.patient)
        messages.success(request, _("Votre carte est révoquée : son lien et son code ne fonctionnent plus."))
    return redirect("patient:card")


@patient_required
def print_card(request):
    pdf = cards.card_pdf(request.actor, request.actor.patient)
    if pdf is None:
        return redirect("patient:card")
    return file_response(pdf, "application/pdf", _("carte-d-urgence"), inline=True)
