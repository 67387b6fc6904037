"""The only code that changes the catalogue and what connected apps write.

Editors fill and submit their file; operators decide against the criteria; referencing creates or updates
the OAuth2 application; suspension and withdrawal revoke every token of the app at once and tell its
users. Every step asks the policy and is journaled.
"""

import datetime
import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.models import Grant as AuthorizationCode

from carnet.access.actor import Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.catalogue.categories import CATEGORIES, CRITERIA
from carnet.catalogue.models import ApplicationFile, DataRequest, Measurement, Review
from carnet.errors import Conflict, Refused
from carnet.identity.models import Patient
from carnet.notify.outbox import notify_patient

FILE_FIELDS = [
    "name",
    "editor_name",
    "purpose",
    "theme",
    "retention",
    "hds_reference",
    "dpia_reference",
    "privacy_notice_url",
    "redirect_uris",
    "jwks_url",
    "jwks",
]
EDITABLE = {ApplicationFile.State.DRAFT, ApplicationFile.State.REFUSED}


@atomic_action
def save_file(actor: Actor, file: ApplicationFile, fields: dict, requests: list[tuple[str, str, str]]):
    """An editor writes their file (new or a draft, or after a refusal): fields and (category, mode,
    reason) requests; a referenced file is changed through a new review only."""
    file.owner_id = file.owner_id or actor.user_id
    authorize(actor, P.CATALOGUE_FILE_SUBMIT, file)
    if file.pk and file.state not in EDITABLE:
        raise Conflict("file-locked", _("Ce dossier est en examen ou référencé : il ne se modifie plus."))
    for name in FILE_FIELDS:
        setattr(file, name, fields.get(name, getattr(file, name)))
    _check_requests(requests)
    if file.jwks:
        _check_jwks(file.jwks)
    file.state, file.updated_at = ApplicationFile.State.DRAFT, timezone.now()
    file.save()
    file.requests.all().delete()
    DataRequest.objects.bulk_create(
        [DataRequest(file=file, category=c, mode=m, reason=r.strip()) for c, m, r in requests]
    )
    return file


def _check_requests(requests) -> None:
    if not requests:
        raise Refused("no-category", _("Demandez au moins une catégorie de données."))
    for category, mode, reason in requests:
        if category not in CATEGORIES or not CATEGORIES[category].get(mode):
            raise Refused("bad-category", _("Cette catégorie ne peut pas être demandée ainsi."))
        if not reason.strip():
            raise Refused("reason-required", _("Donnez une raison pour chaque catégorie demandée."))


def _check_jwks(text: str) -> None:
    try:
        keys = json.loads(text).get("keys")
    except (ValueError, AttributeError):
        keys = None
    if not isinstance(keys, list):
        raise Refused("bad-jwks", _("Les clés publiques doivent être un JWKS (JSON avec « keys »)."))


@atomic_action
def submit_file(actor: Actor, file: ApplicationFile) -> ApplicationFile:
    authorize(actor, P.CATALOGUE_FILE_SUBMIT, file)
    if file.state not in EDITABLE:
        raise Conflict("not-a-draft", _("Ce dossier a déjà été déposé."))
    file.state, file.updated_at = ApplicationFile.State.SUBMITTED, timezone.now()
    file.save(update_fields=["state", "updated_at"])
    return file


@dataclass(frozen=True)
class DecisionData:
    decision: str
    reasons: str
    checklist: dict
    until: datetime.date | None = None


@atomic_action
def decide_file(actor: Actor, file: ApplicationFile, data: DecisionData) -> Review:
    """An operator references or refuses a submitted file; referencing needs every criterion met and a
    period, and creates or updates the OAuth2 application."""
    authorize(actor, P.CATALOGUE_FILE_DECIDE, file, detail={"decision": data.decision})
    if not data.reasons.strip():
        raise Refused("reasons-required", _("Écrivez les motifs de la décision."))
    if data.decision == Review.Decision.REFERENCE:
        _reference(file, data)
    elif data.decision == Review.Decision.REFUSE:
        if file.state != ApplicationFile.State.SUBMITTED:
            raise Conflict("not-submitted", _("Seul un dossier en examen se refuse."))
        file.state = ApplicationFile.State.REFUSED
    elif data.decision in (Review.Decision.SUSPEND, Review.Decision.WITHDRAW):
        _stop(file, data.decision)
    else:
        raise Refused("bad-decision", _("Décision inconnue."))
    file.updated_at = timezone.now()
    file.save()
    return Review.objects.create(
        file=file,
        operator=actor.user,
        checklist={key: bool(data.checklist.get(key)) for key, _label in CRITERIA},
        decision=data.decision,
        reasons=data.reasons.strip(),
        until=data.until,
    )


def _reference(file: ApplicationFile, data: DecisionData) -> None:
    if file.state not in (ApplicationFile.State.SUBMITTED, ApplicationFile.State.SUSPENDED):
        raise Conflict("not-submitted", _("Seul un dossier en examen ou suspendu se référence."))
    missing = [key for key, _label in CRITERIA if not data.checklist.get(key)]
    if missing:
        raise Refused("criteria-unmet", _("Critères non remplis : %(list)s.") % {"list": ", ".join(missing)})
    if data.until is None or data.until <= timezone.localdate():
        raise Refused("period-required", _("Donnez une date de fin de référencement à venir."))
    application = file.application or Application(
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        skip_authorization=False,
    )
    application.name = file.name
    application.redirect_uris = " ".join(file.redirect_uris.split())
    application.algorithm = ""
    application.save()
    file.application = application
    file.state, file.referenced_until = ApplicationFile.State.REFERENCED, data.until


@atomic_action
def expire_reference(actor: Actor, file: ApplicationFile) -> None:
    """A referencing period that ended suspends the app like an operator would (tokens revoked at once,
    users told); the operators renew it with a new review."""
    authorize(actor, P.CATALOGUE_FILE_EXPIRE, file)
    _stop(file, Review.Decision.SUSPEND)
    file.updated_at = timezone.now()
    file.save(update_fields=["state", "updated_at"])


def _stop(file: ApplicationFile, decision: str) -> None:
    """Suspension and withdrawal: every token of the app is revoked at once; its users are told."""
    if file.state != ApplicationFile.State.REFERENCED and decision == Review.Decision.SUSPEND:
        raise Conflict("not-referenced", _("Seule une application référencée se suspend."))
    file.state = (
        ApplicationFile.State.SUSPENDED
        if decision == Review.Decision.SUSPEND
        else ApplicationFile.State.WITHDRAWN
    )
    if file.application_id is None:
        return
    users = set(
        AccessToken.objects.filter(application_id=file.application_id).values_list("user_id", flat=True)
    )
    RefreshToken.objects.filter(application_id=file.application_id).delete()
    AuthorizationCode.objects.filter(application_id=file.application_id).delete()
    AccessToken.objects.filter(application_id=file.application_id).delete()
    subject = _("Une application n'a plus accès à votre dossier")
    body = _("L'application « %(name)s » a été %(what)s par carnet : elle ne peut plus lire ni écrire.") % {
        "name": file.name,
        "what": _("suspendue") if decision == Review.Decision.SUSPEND else _("retirée du catalogue"),
    }
    for patient in Patient.objects.filter(user_id__in=users - {None}):
        notify_patient(patient, "app-stopped", subject, body)


@atomic_action
def record_connection(actor: Actor, patient: Patient, file: ApplicationFile, scopes: list[str]) -> None:
    """The patient's consent to connect an app, with the scopes they kept (journaled with the scopes)."""
    authorize(actor, P.CATALOGUE_APP_CONNECT, patient, detail={"app": file.pk, "scopes": " ".join(scopes)})
    if not file.is_live():
        raise Refused("not-referenced", _("Cette application n'est pas référencée dans le catalogue."))


@dataclass(frozen=True)
class MeasurementData:
    kind: str
    code: str
    value: object
    unit: str
    effective_at: datetime.datetime
    value2: object = None
    identifier: str = ""


@atomic_action
def write_measurement(actor: Actor, patient: Patient, data: MeasurementData, application=None) -> Measurement:
    """A connected app writes a measurement (validated and range-checked before); a duplicate
    identifier is refused."""
    measurement = Measurement(
        patient=patient,
        kind=data.kind,
        code=data.code,
        value=data.value,
        value2=data.value2,
        unit=data.unit,
        effective_at=data.effective_at,
        identifier=data.identifier[:200],
        source_app=(actor.app_name or actor.label)[:200],
        source_application=application,
    )
    authorize(actor, P.RECORD_MEASUREMENT_WRITE, measurement, detail={"code": data.code})
    if data.identifier and Measurement.objects.filter(patient=patient, identifier=data.identifier).exists():
        raise Conflict("duplicate", _("Cette mesure a déjà été enregistrée (même identifiant)."))
    measurement.save()
    return measurement
