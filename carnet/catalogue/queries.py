"""Reads of the catalogue: what patients browse, what editors and operators see, what apps wrote."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from oauth2_provider.models import AccessToken

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.catalogue.categories import CATEGORIES, category_of_scope
from carnet.catalogue.models import ApplicationFile, Measurement
from carnet.errors import NotFound
from carnet.journal.models import Entry
from carnet.journal.queries import WHAT


def referenced_apps(theme: str = "", text: str = "") -> QuerySet:
    """The catalogue patients browse: referenced apps within their period, by theme and search."""
    apps = ApplicationFile.objects.filter(state=ApplicationFile.State.REFERENCED).filter(
        Q(referenced_until__isnull=True) | Q(referenced_until__gte=timezone.localdate())
    )
    if theme:
        apps = apps.filter(theme=theme)
    if text:
        apps = apps.filter(
            Q(name__icontains=text) | Q(editor_name__icontains=text) | Q(purpose__icontains=text)
        )
    return apps.prefetch_related("requests")


def referenced_app(file_id) -> ApplicationFile:
    file = referenced_apps().filter(pk=file_id).first()
    if file is None:
        raise NotFound("no-app", "no such application")
    return file


def live_file_for_client(client_id: str) -> ApplicationFile | None:
    file = ApplicationFile.objects.filter(application__client_id=client_id).first()
    return file if file is not None and file.is_live() else None


def ended_references(today=None) -> QuerySet:
    """Referenced files whose period ended (the daily task suspends them)."""
    today = today or timezone.localdate()
    return ApplicationFile.objects.filter(state=ApplicationFile.State.REFERENCED, referenced_until__lt=today)


def editor_files(actor: Actor) -> QuerySet:
    return ApplicationFile.objects.filter(owner_id=actor.user_id).prefetch_related("requests", "reviews")


def editor_file(actor: Actor, file_id) -> ApplicationFile:
    file = editor_files(actor).filter(pk=file_id).first()
    if file is None:
        raise NotFound("no-file", "no such file")
    return file


def files_for_review() -> QuerySet:
    """Operators' queue: every file but drafts (operators never see clinical content here)."""
    return (
        ApplicationFile.objects.exclude(state=ApplicationFile.State.DRAFT)
        .select_related("owner")
        .prefetch_related("requests", "reviews")
        .order_by("state", "name")
    )


def file_for_review(file_id) -> ApplicationFile:
    file = files_for_review().filter(pk=file_id).first()
    if file is None:
        raise NotFound("no-file", "no such file")
    return file


def granted_scopes(file: ApplicationFile) -> set[str]:
    """The scopes a referenced file opens: its requested categories, read and write."""
    return {scope for r in file.requests.all() for scope in CATEGORIES[r.category][r.mode]}


def connected_apps(actor: Actor, patient) -> list[dict]:
    """The patient's connected apps, each with its kept categories and what it read and wrote, and when,
    from the journal (this reading of the journal is journaled too)."""
    authorize(actor, P.JOURNAL_ENTRY_READ, patient, detail={"view": "apps"})
    tokens = AccessToken.objects.filter(user=patient.user, application__software__isnull=True)
    by_app: dict = {}
    for token in tokens.select_related("application"):
        entry = by_app.setdefault(
            token.application_id,
            {"application_id": token.application_id, "name": token.application.name, "scopes": set()},
        )
        entry["scopes"] |= set(token.scope.split())
    for entry in by_app.values():
        entry["categories"] = sorted({c for s in entry["scopes"] if (c := category_of_scope(s))})
        lines = Entry.objects.filter(patient_id=patient.pk, actor_role="app", actor_label=entry["name"])
        entry["activity"] = [
            {
                "at": line["at"],
                "what": WHAT.get(line["action"], line["action"]),
                "allowed": line["allowed"],
            }
            for line in lines.order_by("-seq").values("at", "action", "allowed")[:20]
        ]
    return list(by_app.values())


def measurements(actor: Actor, patient, kind: str = "") -> QuerySet:
    authorize(actor, P.RECORD_MEASUREMENT_READ, patient, detail={"kind": kind} if kind else None)
    rows = Measurement.objects.filter(patient=patient)
    return rows.filter(kind=kind) if kind else rows


def get_measurement(actor: Actor, measurement_id) -> Measurement:
    measurement = Measurement.objects.select_related("patient").filter(pk=measurement_id).first()
    if measurement is None:
        raise NotFound("no-measurement", "no such measurement")
    authorize(actor, P.RECORD_MEASUREMENT_READ, measurement, hide=True)
    return measurement
