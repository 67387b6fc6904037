"""FHIR ``Appointment`` for the agenda, after ANS's shared-agenda guide (Gestion d'agenda partagé):
create (POST), read, search by patient, update (PUT: move) and cancel (PUT or PATCH with status
``cancelled``). The agenda's actions and the policy decide; a professional only ever touches an
appointment with themselves, an app only its patient's agenda."""

import datetime
import uuid
from contextlib import contextmanager

from fhir.resources.R4B.appointment import Appointment
from pydantic import ValidationError

from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.agenda import actions, queries
from carnet.agenda.models import Event
from carnet.errors import Refused
from carnet.fhir import mapping
from carnet.fhir.outcome import FhirError, fhir_response

STATUS = {Event.Status.BOOKED: "booked", Event.Status.CANCELLED: "cancelled"}


def to_fhir(event: Event) -> dict:
    participants = [{"actor": {"reference": f"Patient/{event.patient_id}"}, "status": "accepted"}]
    if event.professional is not None:
        participants.append(
            {
                "actor": {
                    "reference": f"Practitioner/{event.professional_id}",
                    "display": str(event.professional),
                },
                "status": "accepted",
            }
        )
    resource = {
        "resourceType": "Appointment",
        "id": str(event.uid),
        "meta": {
            "lastUpdated": event.updated_at.isoformat(),
            "source": event.source_app or event.created_by_role,
        },
        "status": STATUS[event.status],
        "description": event.title,
        "start": event.starts_at.isoformat(),
        "created": event.created_at.isoformat(),
        "participant": participants,
        "comment": event.created_by_label,
    }
    if event.ends_at:
        resource["end"] = event.ends_at.isoformat()
    return resource


def _parse(body: dict) -> Appointment:
    if body.get("resourceType") != "Appointment":
        raise FhirError(400, "structure", "the body must be an Appointment")
    try:
        return Appointment.model_validate(body)
    except ValidationError as error:
        raise FhirError(422, "invalid", f"invalid Appointment: {error.errors()[0]['msg']}") from None


def _patient(actor: Actor, appointment: Appointment):
    for participant in appointment.participant or []:
        reference = participant.actor.reference if participant.actor else ""
        if reference and reference.startswith("Patient/"):
            return mapping.resolve_patient(reference)
    if actor.role == Role.APP:
        return actor.patient
    raise FhirError(422, "required", "an Appointment names its patient as a participant (Patient/{id})")


def _data(appointment: Appointment) -> actions.EventData:
    if appointment.start is None:
        raise FhirError(422, "required", "an Appointment needs a start")
    return actions.EventData(appointment.description or "Rendez-vous", appointment.start, appointment.end)


@contextmanager
def as_outcome():
    """The agenda's refusals as OperationOutcomes (the policy's refusals go to the API's own handler)."""
    try:
        yield
    except AccessDenied:
        raise
    except Refused as error:
        raise FhirError(
            error.status if error.status != 400 else 422, "business-rule", error.message
        ) from None


def create(actor: Actor, body: dict):
    appointment = _parse(body)
    with as_outcome():
        event = actions.create_event(actor, _patient(actor, appointment), _data(appointment))
    return fhir_response(to_fhir(event), 201, {"Location": f"Appointment/{event.uid}"})


def update(actor: Actor, uid: str, body: dict):
    """PUT: the new start/end moves the appointment; status ``cancelled`` cancels it."""
    cancel = body.get("status") == "cancelled"
    with as_outcome():
        event = queries.get_event(
            actor, _uid(uid), P.AGENDA_EVENT_CANCEL if cancel else P.AGENDA_EVENT_UPDATE
        )
        if cancel:
            event = actions.cancel_event(actor, event)
        else:
            start, end = _moment(body.get("start")), _moment(body.get("end"))
            if start is None:
                raise FhirError(422, "required", "send the new start (and end), or status cancelled")
            event = actions.move_event(actor, event, start, end)
    return fhir_response(to_fhir(event))


def _moment(value) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise FhirError(422, "invalid", f"{value!r} is not a FHIR instant") from None
    if moment.tzinfo is None:
        raise FhirError(422, "invalid", "an instant needs its time zone")
    return moment


def _uid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise FhirError(404, "not-found", "no such resource") from None


def read(actor: Actor, uid: str):
    with as_outcome():
        event = queries.get_event(actor, _uid(uid))
    return fhir_response(to_fhir(event))


def search(actor: Actor, params, self_url: str):
    if actor.role == Role.PROFESSIONAL:
        events = queries.professional_agenda(actor)
        if params.get("patient"):
            wanted = params["patient"].rpartition("/")[2]
            events = [e for e in events if str(e.patient_id) == wanted]
    else:
        events = list(queries.patient_agenda(actor, actor.patient))
    base = self_url.split("?")[0]
    return fhir_response(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(events),
            "link": [{"relation": "self", "url": self_url}],
            "entry": [
                {"fullUrl": f"{base}/{e.uid}", "resource": to_fhir(e), "search": {"mode": "match"}}
                for e in events
            ],
        }
    )


def register(api, body) -> None:
    """Routes on the FHIR API (called from ``carnet.fhir.api`` before its generic routes)."""

    @api.post("/Appointment")
    def create_appointment(request):
        return create(request.actor, body(request))

    @api.get("/Appointment")
    def search_appointments(request):
        return search(request.actor, request.GET, request.build_absolute_uri())

    @api.get("/Appointment/{uid}")
    def read_appointment(request, uid: str):
        return read(request.actor, uid)

    @api.put("/Appointment/{uid}")
    def update_appointment(request, uid: str):
        return update(request.actor, uid, body(request))

    @api.patch("/Appointment/{uid}")
    def patch_appointment(request, uid: str):
        return update(request.actor, uid, body(request))
