"""The patient's health profile and wishes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.records import actions as profile
from carnet.records import queries
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals
from carnet.web.patient import forms


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
