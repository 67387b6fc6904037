"""My contact details: a new e-mail, phone or postal address, confirmed by a code sent to the new one."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from carnet.identity import actions, queries
from carnet.identity.models import ContactChange
from carnet.web.auth.decorators import patient_required, reauth_required
from carnet.web.errors import refusals


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Coordonnée à changer"), choices=ContactChange.Kind.choices)
    value = forms.CharField(
        label=_("Nouvelle valeur"),
        max_length=300,
        help_text=_("Une adresse postale complète, avec le code postal."),
    )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code de confirmation reçu"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@patient_required
@reauth_required
def contact(request):
    """Only the holder changes their own contact details (a representative changes theirs in their space)."""
    user, patient = request.user, getattr(request.user, "patient", None)
    form = ContactForm(request.POST if "kind" in request.POST else None)
    confirm = ConfirmForm(request.POST if "code" in request.POST else None)
    if form.is_bound and form.is_valid():
        with refusals(request, form):
            actions.request_contact_change(request.actor, user, **form.cleaned_data)
            messages.success(request, _("Un code de confirmation est parti vers la nouvelle coordonnée."))
            return redirect("patient:contact")
    if confirm.is_bound and confirm.is_valid():
        with refusals(request, confirm):
            actions.confirm_contact_change(request.actor, user, confirm.cleaned_data["code"])
            messages.success(request, _("Vos coordonnées sont changées."))
            return redirect("patient:contact")
    context = {
        "form": form,
        "confirm": confirm,
        "patient": patient,
        "pending": queries.pending_contact_change(user),
    }
    return render(request, "web/patient/contact.html", context)
