"""Catalogue pages: patients browse and connect apps, see what each did and disconnect it; editors file
their application; operators review. Views parse, call one action or query, render."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from carnet.access.actor import Actor, Role
from carnet.catalogue import actions, queries
from carnet.catalogue.categories import CATEGORIES, CRITERIA
from carnet.catalogue.chart import chart
from carnet.catalogue.forms import BrowseForm, DecisionForm, FileForm
from carnet.catalogue.measures import KINDS, label
from carnet.catalogue.models import ApplicationFile
from carnet.errors import Refused
from carnet.fhir.actions import revoke_app
from carnet.web.auth.decorators import operator_required, patient_required, professional_required
from carnet.web.errors import refusals
from carnet.web.pro.views import found_patient


def editor_required(view):
    """Signed-in editors (second factor done) act as the EDITOR role, on their own files only."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        verified = user.is_authenticated and getattr(user, "is_verified", lambda: False)()
        if not verified or not hasattr(user, "editor"):
            return redirect(f"{reverse('auth:sign-in')}?next={request.path}")
        request.actor = Actor(role=Role.EDITOR, user=user)
        return view(request, *args, **kwargs)

    return wrapped


@patient_required
def apps(request):
    if request.method == "POST":
        application = request.POST.get("application", "")
        if not application.isdigit():
            raise Refused("bad_application", _("Choisissez une application de la liste."))
        revoke_app(request.actor, int(application))
        messages.success(request, _("L'application n'a plus accès à votre dossier."))
        return redirect("catalogue:apps")
    connected = []
    with refusals(request):
        connected = queries.connected_apps(request.actor, request.actor.patient)
    return render(request, "catalogue/apps.html", {"connected": connected, "categories": CATEGORIES})


@patient_required
def browse(request):
    form = BrowseForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = queries.referenced_apps(data.get("theme", ""), data.get("q", ""))
    return render(request, "catalogue/browse.html", {"form": form, "apps": found})


@patient_required
def app_page(request, file_id):
    file = queries.referenced_app(file_id)
    return render(request, "catalogue/app.html", {"file": file, "categories": CATEGORIES})


@patient_required
def measurements(request):
    return _measurements(request, request.actor.patient, "web/patient/base.html")


@professional_required
def pro_measurements(request, patient_ref):
    return _measurements(request, found_patient(request, patient_ref), "web/pro/base.html")


def _measurements(request, patient, base):
    series = []
    with refusals(request):
        rows = list(queries.measurements(request.actor, patient))
        for kind in KINDS:
            mine = [r for r in rows if r.kind == kind]
            if mine:
                series.append({"kind": kind, "label": label(kind), "rows": mine, "chart": chart(mine)})
    return render(
        request, "catalogue/measurements.html", {"series": series, "base": base, "patient": patient}
    )


@editor_required
def editor_home(request):
    form = FileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(request, form):
            file = actions.save_file(request.actor, ApplicationFile(), form.file_fields(), form.requests())
            return redirect("catalogue:editor-file", file_id=file.pk)
    return render(
        request, "catalogue/editor_home.html", {"files": queries.editor_files(request.actor), "form": form}
    )


@editor_required
def editor_file(request, file_id):
    file = queries.editor_file(request.actor, file_id)
    form = FileForm(request.POST or None, instance=file)
    if request.method == "POST":
        with refusals(request, form):
            if request.POST.get("action") == "submit":
                actions.submit_file(request.actor, file)
                messages.success(request, _("Votre dossier est déposé : les opérateurs vont l'examiner."))
            elif form.is_valid():
                actions.save_file(request.actor, file, form.file_fields(), form.requests())
                messages.success(request, _("Votre dossier est enregistré."))
            return redirect("catalogue:editor-file", file_id=file.pk)
    return render(request, "catalogue/editor_file.html", {"file": file, "form": form})


@operator_required
def review_list(request):
    return render(request, "catalogue/review_list.html", {"files": queries.files_for_review()})


@operator_required
def review(request, file_id):
    file = queries.file_for_review(file_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        checklist = {key: key in d["checklist"] for key, _label in CRITERIA}
        with refusals(request, form):
            actions.decide_file(
                request.actor, file, actions.DecisionData(d["decision"], d["reasons"], checklist, d["until"])
            )
            messages.success(request, _("La décision est enregistrée."))
            return redirect("catalogue:review", file_id=file.pk)
    context = {"file": file, "form": form, "categories": CATEGORIES}
    return render(request, "catalogue/review.html", context)
