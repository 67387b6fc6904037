"""The account: notifications and closure."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.identity.actions import request_closure, send_new_paper_list, set_language
from carnet.identity.queries import language_of
from carnet.identity.signin import paper_codes_left
from carnet.notify.actions import set_preferences
from carnet.notify.queries import preference_of
from carnet.web.auth.decorators import patient_required, reauth_required
from carnet.web.errors import refusals
from carnet.web.patient import forms


@patient_required
def notifications(request):
    current = preference_of(request.actor.patient)
    initial = {"channel": current.channel, "daily_digest": current.daily_digest} if current else {}
    form = forms.NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            set_preferences(request.actor, request.actor.patient, **form.cleaned_data)
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("patient:notifications")
    context = {
        "form": form,
        "language_form": forms.LanguageForm(initial={"language": language_of(request.actor.patient)}),
        "paper_left": paper_codes_left(request.user) if request.actor.role == "patient" else None,
    }
    return render(request, "web/patient/notifications.html", context)


@require_POST
@patient_required
def language(request):
    form = forms.LanguageForm(request.POST)
    with refusals(request):
        if form.is_valid():
            set_language(request.actor, request.user, form.cleaned_data["language"])
            messages.success(request, _("Vos courriers et vos documents seront rédigés dans cette langue."))
    return redirect("patient:notifications")


@require_POST
@patient_required
def paper_list(request):
    with refusals(request):
        send_new_paper_list(request.actor, request.user)
        messages.success(
            request, _("Une nouvelle liste de codes part par la poste ; l'ancienne ne fonctionne plus.")
        )
    return redirect("patient:notifications")


@patient_required
@reauth_required
def closure(request):
    form = forms.ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            request_closure(
                request.actor, request.actor.patient, early_destruction=form.cleaned_data["early_destruction"]
            )
            return render(request, "web/patient/closed.html")
    return render(request, "web/patient/closure.html", {"form": form})
