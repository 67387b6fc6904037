"""The patient's journal, its download with proof, and contests."""

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.journal.queries import journal_download, journal_page
from carnet.web.auth.decorators import patient_required
from carnet.web.errors import refusals
from carnet.web.patient import forms


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time())) if day else None


def _page(value) -> int:
    return int(value) if (value or "").isdigit() and int(value) > 0 else 1


@patient_required
def journal(request):
    form = forms.JournalFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    until = f.get("au") and f["au"] + datetime.timedelta(days=1)
    found = journal_page(
        request.actor,
        request.actor.patient,
        who={"all": ""}.get(f.get("qui"), f.get("qui") or "others"),
        since=_day_start(f.get("du")),
        until=_day_start(until),
        emergency_only=bool(f.get("urgence")),
        refused_only=bool(f.get("refus")),
        page=_page(request.GET.get("page")),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"journal": found, "form": form, "query": query.urlencode(), "who": f.get("qui") or "others"}
    return render(request, "web/patient/journal.html", context)


@patient_required
def download(request):
    body = journal_download(request.actor, request.actor.patient)
    response = HttpResponse(body, content_type="application/json")
    name = f"carnet-journal-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@patient_required
def contest(request, seq):
    form = forms.ContestForm(request.POST)
    with refusals(request):
        if form.is_valid():
            access.contest_access(request.actor, request.actor.patient, seq, form.cleaned_data["text"])
            messages.success(request, _("Votre contestation a été transmise à l'équipe carnet."))
    return redirect("patient:journal")
