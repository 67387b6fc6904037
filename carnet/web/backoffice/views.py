"""The operators' back office: imports, outbox and print queue, reviews, contests, matrix, statistics.
Operators never see clinical content: these pages show identifiers, states and counts only; the one exception
is a letter's PDF for the printer (``notify.queries``: each letter asked of the policy and journaled)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access import actions as access
from carnet.access.models import AccessContest, EmergencyAccess, ProfessionRule
from carnet.access.queries import emergency_review_queue, open_contests
from carnet.identity.models import ImportBatch, Profession
from carnet.notify import queries as outbox
from carnet.notify.models import OutboxMessage
from carnet.records.codes import ALL_TYPES
from carnet.web.auth.decorators import operator_required
from carnet.web.backoffice.stats import statistics
from carnet.web.errors import refusals


@operator_required
def home(request):
    context = {
        "stats": statistics(),
        "imports": ImportBatch.objects.all()[:20],
        "reviews": emergency_review_queue()[:50],
        "contests": open_contests()[:50],
    }
    return render(request, "web/backoffice/home.html", context)


@operator_required
def outbox_page(request):
    context = {
        "messages_out": outbox.outbox(request.GET.get("canal") or None)[:200],
        "print_queue": outbox.print_queue()[:200],
        "batches": outbox.print_batches()[:50],
    }
    return render(request, "web/backoffice/outbox.html", context)


@operator_required
def letter(request, message_id):
    message = get_object_or_404(OutboxMessage, pk=message_id, channel="letter")
    return HttpResponse(outbox.letter_pdf_of(request.actor, message), content_type="application/pdf")


@require_POST
@operator_required
def review(request, access_id):
    emergency = get_object_or_404(EmergencyAccess, pk=access_id)
    with refusals(request):
        access.review_emergency_access(
            request.actor, emergency, request.POST.get("outcome", ""), request.POST.get("note", "")
        )
        messages.success(request, _("Examen enregistré."))
    return redirect("backoffice:home")


@require_POST
@operator_required
def answer(request, contest_id):
    contest = get_object_or_404(AccessContest, pk=contest_id)
    with refusals(request):
        access.answer_contest(request.actor, contest, request.POST.get("answer", ""))
        messages.success(request, _("Réponse envoyée."))
    return redirect("backoffice:home")


@operator_required
def matrix(request):
    if request.method == "POST":
        with refusals(request):
            access.change_matrix(
                request.actor,
                request.POST["profession"],
                request.POST["type_code"],
                request.POST.get("allowed") == "1",
            )
        return redirect("backoffice:matrix")
    rules = set(ProfessionRule.objects.values_list("profession", "type_code"))
    rows = [
        (code, str(name), [(p, (p, code) in rules) for p, _label in Profession.choices])
        for code, (_class, name) in ALL_TYPES.items()
    ]
    return render(request, "web/backoffice/matrix.html", {"rows": rows, "professions": Profession.choices})
