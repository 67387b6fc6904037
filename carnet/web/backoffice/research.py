"""Operators' research pages: register a study, produce an extract of those who consented, download it."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carnet.research import actions, queries
from carnet.research.models import CATEGORIES, Study
from carnet.web.auth.decorators import operator_required
from carnet.web.errors import refusals


class StudyForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("données demandées"),
        choices=list(CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Study
        fields = [
            "title",
            "sponsor",
            "approving_body",
            "approval_reference",
            "ethics_approved",
            "purpose",
            "categories",
            "period_start",
            "period_end",
            "ends_on",
            "free_text",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in ("period_start", "period_end", "ends_on")
        }


@operator_required
def studies(request):
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            actions.register_study(request.actor, **form.cleaned_data)
            messages.success(request, _("Étude enregistrée."))
            return redirect("backoffice:research")
    return render(request, "web/backoffice/research.html", {"studies": queries.studies(), "form": form})


@require_POST
@operator_required
def new_extract(request, study_id):
    with refusals(request):
        made = actions.create_extract(request.actor, queries.study_for(study_id))
        messages.success(request, _("Extrait produit : %(n)s personnes.") % {"n": made.inclusions.count()})
    return redirect("backoffice:research")


@operator_required
def download_extract(request, extract_id):
    extract = queries.extract_for_operator(request.actor, extract_id)
    response = HttpResponse(extract.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="extrait-{extract.pk}.csv"'
    return response
