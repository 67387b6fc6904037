"""The account: notifications and closure."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carnet.identity.actions import request_closure
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
    return render(request, "web/patient/notifications.html", {"form": form})


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
