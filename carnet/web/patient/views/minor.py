"""A legal representative opens their child's pending space with the code sent to them for the child."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from carnet.identity import actions
from carnet.web.actor import ACTING_FOR
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals


class MinorCodeForm(forms.Form):
    code = forms.CharField(label=_("Code provisoire reçu pour l'enfant"), max_length=20)


@patient_required
def open_space(request):
    form = MinorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            child = actions.open_minor_space(request.user, form.cleaned_data["code"])
            request.session[ACTING_FOR] = child.pk
            messages.success(request, _("L'espace de %(name)s est ouvert.") % {"name": child.display_name})
            return redirect("patient:dashboard")
    return render(request, "web/patient/open_minor_space.html", {"form": form})
