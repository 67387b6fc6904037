"""Agenda pages: the patient's agenda (events, reminders, prevention, feed) and the professional's
appointments. Views parse, call one action or query, render."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.agenda import actions, ics, queries
from carnet.agenda.forms import EventForm, MoveForm, ProEventForm, ReminderForm
from carnet.identity.queries import lookup_patient
from carnet.web.auth.decorators import patient_required, professional_required
from carnet.web.errors import refusals

CALENDAR = "text/calendar; charset=utf-8"


def _data(form) -> actions.EventData:
    d = form.cleaned_data
    return actions.EventData(d["title"], d["starts_at"], d.get("ends_at"), d.get("location", ""))


@patient_required
def agenda(request):
    actor, patient = request.actor, request.actor.patient
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            actions.create_event(actor, patient, _data(form), reminders=form.cleaned_data["reminders"])
            messages.success(request, _("L'événement est ajouté à votre agenda."))
            return redirect("agenda:patient")
    with refusals(request):
        actions.propose_prevention(actor, patient)
    context = {
        "form": form,
        "events": queries.patient_agenda(actor, patient),
        "proposals": queries.proposals(actor, patient),
        "feed_url": request.session.pop("feed_url", ""),
        "has_feed": queries.has_live_feed(patient),
    }
    return render(request, "agenda/patient.html", context)


@patient_required
def event(request, uid):
    item = queries.get_event(request.actor, uid)
    initial = {
        "reminders": list(
            item.reminders.filter(sent_at__isnull=True).values_list("minutes_before", flat=True)
        )
    }
    context = {"event": item, "move_form": MoveForm(), "reminder_form": ReminderForm(initial=initial)}
    return render(request, "agenda/event.html", context)


@require_POST
@patient_required
def change(request, uid, what):
    with refusals(request):
        item = queries.get_event(request.actor, uid)
        if what == "annuler":
            actions.cancel_event(request.actor, item)
        elif what == "deplacer" and (form := MoveForm(request.POST)).is_valid():
            actions.move_event(
                request.actor, item, form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]
            )
        elif what == "rappels" and (form := ReminderForm(request.POST)).is_valid():
            actions.set_reminders(request.actor, item, form.cleaned_data["reminders"])
        else:
            messages.error(request, _("Vérifiez les dates saisies."))
            return redirect("agenda:event", uid=uid)
        messages.success(request, _("C'est fait."))
    return redirect("agenda:event", uid=uid)


@patient_required
def event_ics(request, uid):
    item = queries.get_event(request.actor, uid)
    response = HttpResponse(ics.single(item), content_type=CALENDAR)
    response["Content-Disposition"] = 'attachment; filename="rendez-vous.ics"'
    return response


@require_POST
@patient_required
def feed_settings(request):
    with refusals(request):
        if request.POST.get("action") == "revoke":
            actions.revoke_calendar_feed(request.actor, request.actor.patient)
            messages.success(request, _("L'ancienne adresse de votre agenda ne fonctionne plus."))
        else:
            token = actions.open_calendar_feed(request.actor, request.actor.patient)
            request.session["feed_url"] = request.build_absolute_uri(f"/patient/agenda/flux/{token}.ics")
    return redirect("agenda:patient")


def feed(request, token):
    """The iCalendar feed at its secret address (no sign-in: calendar apps fetch it); revoked = 404."""
    patient, events = queries.feed_agenda(token)
    return HttpResponse(ics.feed(_("Agenda carnet"), events), content_type=CALENDAR)


@require_POST
@patient_required
def answer(request, proposal_id):
    with refusals(request):
        proposal = queries.get_proposal(request.actor, request.actor.patient, proposal_id)
        actions.answer_proposal(request.actor, proposal, request.POST.get("answer") == "accept")
        messages.success(request, _("Votre réponse est enregistrée."))
    return redirect("agenda:patient")


@professional_required
def pro_agenda(request):
    form = ProEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = lookup_patient(request.actor, form.cleaned_data["nir"], form.cleaned_data["birth_date"])
        if patient is None:
            form.add_error(None, _("Aucun patient ne correspond à cette identité."))
        else:
            with refusals(request, form):
                actions.create_event(request.actor, patient, _data(form))
                messages.success(request, _("Le rendez-vous est ajouté à l'agenda du patient."))
                return redirect("agenda:pro")
    context = {"form": form, "events": queries.professional_agenda(request.actor)}
    return render(request, "agenda/pro.html", context)


@professional_required
def pro_event(request, uid):
    item = queries.get_event(request.actor, uid)
    form = MoveForm(request.POST or None)
    if request.method == "POST":
        with refusals(request, form):
            if request.POST.get("action") == "cancel":
                actions.cancel_event(request.actor, item)
            elif form.is_valid():
                actions.move_event(
                    request.actor, item, form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]
                )
            return redirect("agenda:pro-event", uid=uid)
    return render(request, "agenda/pro_event.html", {"event": item, "move_form": form})
