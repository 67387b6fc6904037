"""The operators' page of the directory: who can sign in; enrolment invitations (one, or a whole import)."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.errors import Refused
from carnet.identity import actions
from carnet.identity.models import ImportBatch, Professional, ProfessionalInvitation
from carnet.web.auth.decorators import operator_required


@operator_required
def directory(request):
    pending = ProfessionalInvitation.objects.filter(
        professional=OuterRef("pk"), used_at__isnull=True, expires_at__gt=timezone.now()
    )
    context = {
        "professionals": Professional.objects.annotate(invited=Exists(pending)).select_related("user")[:300],
        "imports": ImportBatch.objects.filter(kind="professionals")[:20],
    }
    return render(request, "web/backoffice/professionals.html", context)


@require_POST
@operator_required
def invite(request, professional_id):
    professional = get_object_or_404(Professional, pk=professional_id)
    try:
        actions.invite_professional(request.actor, professional)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation envoyée à %(name)s.") % {"name": professional.display_name})
    return redirect("backoffice:professionals")


@require_POST
@operator_required
def invite_import(request, batch_id):
    batch = get_object_or_404(ImportBatch, pk=batch_id, kind="professionals")
    invited, left_out = actions.invite_professionals(request.actor, batch.professionals.all())
    messages.success(
        request,
        _("%(invited)d invitation(s) envoyée(s) ; %(left)d déjà inscrit(s) ou sans courriel.")
        % {"invited": invited, "left": left_out},
    )
    return redirect("backoffice:professionals")
