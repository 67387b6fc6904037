"""A professional finds the documents they may see by condition (CIM-10 chapter or code) and by drug (ATC
level): the filters and their counts come from the index through the policy's document filter."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carnet.indexing import queries, terminology
from carnet.indexing.terminology import CONDITION, DRUG
from carnet.web.auth.decorators import professional_required
from carnet.web.pro.views import _patient


def _chapters():
    return [("", _("Tous les chapitres"))] + [
        (number, f"{number} ({first}–{last}) {name}")
        for number, (first, last, name) in terminology.chapters().items()
    ]


class IndexSearchForm(forms.Form):
    chapter = forms.ChoiceField(label=_("Chapitre CIM-10"), required=False, choices=_chapters)
    condition = forms.RegexField(
        label=_("Code CIM-10 (ou son début)"),
        regex=r"^[A-Za-z][0-9A-Za-z.]{0,7}$",
        required=False,
        help_text=_("Par exemple E11 (diabète de type 2) ou I2."),
    )
    drug = forms.RegexField(
        label=_("Code ATC (à tout niveau)"),
        regex=r"^[A-Za-z][0-9A-Za-z]{0,6}$",
        required=False,
        help_text=_("Par exemple B01 (antithrombotiques) ou A10BA02 (metformine)."),
    )


@professional_required
def search(request, patient_ref):
    actor, patient = request.actor, _patient(request, patient_ref)
    form = IndexSearchForm(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    condition = wanted.get("condition") or wanted.get("chapter") or ""
    context = {
        "patient": patient,
        "patient_ref": patient_ref,
        "form": form,
        "documents": queries.documents_about(
            actor, patient, condition=condition, drug=wanted.get("drug") or ""
        )
        if condition or wanted.get("drug")
        else None,
        "conditions": queries.facets(actor, patient, CONDITION),
        "drugs": queries.facets(actor, patient, DRUG),
    }
    return render(request, "web/pro/index_search.html", context)
