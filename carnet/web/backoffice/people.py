"""Operators' tools for paper requests: find a space by NIR, record what the person asked by post,
register or end a legal representative. Identifiers and states only, never clinical content."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.identity import actions, queries
from carnet.web.auth.decorators import operator_required
from carnet.web.errors import refusals


@operator_required
def search(request):
    nir = request.GET.get("nir", "").strip()
    if nir:
        patient = queries.patient_by_nir(nir)
        if patient is not None:
            return redirect("backoffice:person", patient.pk)
        messages.error(
            request, _("Aucun espace pour ce numéro (ou opposition enregistrée, ou numéro invalide).")
        )
    return render(request, "web/backoffice/people.html", {"nir": nir})


def _patient(patient_id):
    patient = queries.patient_by_id(patient_id)
    if patient is None:
        raise Http404("no such space")
    return patient


@operator_required
def person(request, patient_id):
    patient = _patient(patient_id)
    context = {
        "patient": patient,
        "representatives": queries.representatives_of(patient),
        "requests": actions.PAPER_REQUESTS,
    }
    return render(request, "web/backoffice/person.html", context)


@require_POST
@operator_required
def paper_request(request, patient_id, kind):
    patient = _patient(patient_id)
    with refusals(request):
        actions.record_paper_request(request.actor, patient, kind, request.POST.get("reference", ""))
        messages.success(request, _("Demande enregistrée."))
        if kind == "oppose":
            return redirect("backoffice:people")
    return redirect("backoffice:person", patient.pk)


@require_POST
@operator_required
def add_representative(request, patient_id):
    patient = _patient(patient_id)
    person = queries.patient_by_nir(request.POST.get("nir", ""))
    if person is None:
        messages.error(request, _("Le représentant doit être un assuré connu : vérifiez son numéro."))
        return redirect("backoffice:person", patient.pk)
    try:
        until = datetime.date.fromisoformat(request.POST.get("protection_until", ""))
    except ValueError:
        until = None
    with refusals(request):
        actions.add_representative(
            request.actor,
            patient,
            person,
            court_decision=request.POST.get("court_decision", ""),
            protection_until=until,
        )
        messages.success(request, _("Représentant enregistré."))
    return redirect("backoffice:person", patient.pk)


@require_POST
@operator_required
def end_representative(request, rep_id):
    rep = queries.representative_by_id(rep_id)
    if rep is None:
        raise Http404("no such representative")
    with refusals(request):
        actions.end_representative(request.actor, rep)
        messages.success(request, _("La représentation a pris fin."))
    return redirect("backoffice:person", rep.patient_id)
