"""The print queue in batches: one PDF per batch for the printer, then the batch is marked printed."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carnet.notify import actions, queries
from carnet.web.auth.decorators import operator_required
from carnet.web.errors import refusals


@require_POST
@operator_required
def create_batch(request):
    with refusals(request):
        batch = actions.create_print_batch(request.actor)
        text = ngettext(
            "Lot n°%(n)d : %(count)d courrier.", "Lot n°%(n)d : %(count)d courriers.", batch.count
        )
        messages.success(request, text % {"n": batch.pk, "count": batch.count})
    return redirect("backoffice:outbox")


def _batch(batch_id):
    batch = queries.print_batch(batch_id)
    if batch is None:
        raise Http404("no such batch")
    return batch


@operator_required
def batch_pdf(request, batch_id):
    batch = _batch(batch_id)
    response = HttpResponse(queries.print_batch_pdf(request.actor, batch), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="carnet-lot-{batch.pk}.pdf"'
    return response


@require_POST
@operator_required
def batch_printed(request, batch_id):
    with refusals(request):
        count = actions.mark_batch_printed(request.actor, _batch(batch_id))
        text = ngettext("%(count)d courrier marqué imprimé.", "%(count)d courriers marqués imprimés.", count)
        messages.success(request, text % {"count": count})
    return redirect("backoffice:outbox")
