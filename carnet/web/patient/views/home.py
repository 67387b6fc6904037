"""The patient's home, guide and choice of space."""

from django.shortcuts import redirect, render

from carnet.journal.queries import patient_journal
from carnet.records import queries
from carnet.web.auth.decorators import patient_required


@patient_required
def dashboard(request):
    actor = request.actor
    context = {
        "documents": queries.list_documents(actor, actor.patient)[:5],
        "journal": patient_journal(actor, actor.patient, who="others", limit=5),
        "first_visit": not request.session.get("guide_seen"),
    }
    return render(request, "web/patient/dashboard.html", context)


@patient_required
def guide(request):
    request.session["guide_seen"] = True
    return render(request, "web/patient/guide.html")


def spaces(request):
    """People who manage several spaces (their own, a child's, a mandate) choose the one they act in."""
    from carnet.web.actor import ACTING_FOR, spaces_of

    if not request.user.is_authenticated:
        return redirect("auth:sign-in")
    available = spaces_of(request.user)
    if request.method == "POST":
        chosen = int(request.POST.get("patient", 0))
        if any(patient.pk == chosen for _kind, patient in available):
            request.session[ACTING_FOR] = chosen
            return redirect("patient:dashboard")
    return render(request, "web/patient/spaces.html", {"spaces": available})
