"""FHIR ``Communication`` (one per message) and ``CommunicationRequest`` (a message that asks for a reply),
read and search, for patients' apps and professional software, under the same policy as the pages: the
list filter is the policy's, and a single read is authorized (journaled) like opening the conversation."""

import uuid
from urllib.parse import urlencode

from django.http import HttpResponse

from carnet.access.actor import Actor, Role
from carnet.fhir.outcome import FhirError, fhir_response
from carnet.messaging import queries
from carnet.messaging.models import Message

PARAMS = {"patient", "_count", "_offset"}


def register(api) -> None:
    """Add the endpoints to the API (before its catch-all ``/{resource_type}`` route)."""

    @api.get("/Communication")
    def search_communications(request):
        return fhir_response(
            search(request.actor, request.GET, request.build_absolute_uri(), asks_only=False)
        )

    @api.get("/Communication/{message_id}")
    def read_communication(request, message_id: str):
        return fhir_response(communication(_message(request.actor, message_id)))

    @api.get("/Communication/{message_id}/attachment/{attachment_id}")
    def read_attachment(request, message_id: str, attachment_id: str):
        attachment, _name, content = queries.attachment_content(request.actor, _uuid(attachment_id))
        if str(attachment.message_id) != _uuid(message_id):
            raise FhirError(404, "not-found", "no such resource")
        return HttpResponse(content, content_type=attachment.mime_type)

    @api.get("/CommunicationRequest")
    def search_requests(request):
        return fhir_response(search(request.actor, request.GET, request.build_absolute_uri(), asks_only=True))

    @api.get("/CommunicationRequest/{message_id}")
    def read_request(request, message_id: str):
        message = _message(request.actor, message_id)
        if not message.asks_reply:
            raise FhirError(404, "not-found", "no such resource")
        return fhir_response(communication_request(message))


def _message(actor: Actor, message_id: str) -> Message:
    message = Message.objects.filter(pk=_uuid(message_id)).select_related("conversation").first()
    if message is None:
        raise FhirError(404, "not-found", "no such resource")
    queries.get_conversation(actor, message.conversation_id)  # 404 where the policy hides it
    return message


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise FhirError(404, "not-found", "no such resource") from None


def _page(params) -> tuple[int, int]:
    try:
        return max(min(int(params.get("_count", 20)), 100), 1), max(int(params.get("_offset", 0)), 0)
    except ValueError:
        raise FhirError(400, "invalid", "_count and _offset must be integers") from None


def search(actor: Actor, params, self_url: str, *, asks_only: bool) -> dict:
    """The messages of the conversations the actor may list, newest first (``patient`` narrows them)."""
    unknown = set(params) - PARAMS
    if unknown:
        raise FhirError(400, "not-supported", f"unknown search parameter(s): {', '.join(sorted(unknown))}")
    conversations = queries.conversations(actor).values("pk")
    if params.get("patient") and actor.role == Role.PROFESSIONAL:
        conversations = conversations.filter(patient_id=params["patient"].rpartition("/")[2] or 0)
    found = Message.objects.filter(conversation_id__in=conversations).exclude(side=Message.Side.SERVICE)
    if asks_only:
        found = found.filter(asks_reply=True)
    count, offset = _page(params)
    total = found.count()
    page = found.select_related("conversation__mailbox", "patient").order_by("-created_at")[
        offset : offset + count
    ]
    resources = [communication_request(m) if asks_only else communication(m) for m in page]
    return _bundle(self_url, params, total, count, offset, resources)


def _bundle(self_url, params, total, count, offset, resources) -> dict:
    base = self_url.split("?")[0]
    links = [{"relation": "self", "url": self_url}]
    if offset + count < total:
        query = {k: v for k, v in params.items() if k != "_offset"} | {
            "_offset": offset + count,
            "_count": count,
        }
        links.append({"relation": "next", "url": f"{base}?{urlencode(query)}"})
    entries = [
        {
            "fullUrl": f"{base.rsplit('/', 1)[0]}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    return {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links, "entry": entries}


def _sides(message: Message) -> tuple[dict, dict]:
    patient = {"reference": f"Patient/{message.patient_id}"}
    mailbox = message.conversation.mailbox
    professional = {"reference": f"Practitioner/{mailbox.owner_id}", "display": mailbox.name}
    if message.side == Message.Side.PATIENT:
        return patient, professional
    return professional, patient


def communication(message: Message) -> dict:
    """One message as a FHIR R4 Communication: its text, and its attachments as links to download."""
    sender, recipient = _sides(message)
    views = {v.message.pk: v for v in queries.thread(message.conversation)}
    view = views[message.pk]
    payload = [{"contentString": view.body}] + [
        {
            "contentAttachment": {
                "contentType": a.attachment.mime_type,
                "size": a.attachment.size,
                "title": a.filename,
                "url": f"Communication/{message.pk}/attachment/{a.attachment.pk}",
            }
        }
        for a in view.attachments
    ]
    resource = {
        "resourceType": "Communication",
        "id": str(message.pk),
        "identifier": [{"system": "urn:ietf:rfc:5322", "value": message.message_id}],
        "status": "completed",
        "subject": {"reference": f"Patient/{message.patient_id}"},
        "topic": {"text": queries.subject_of(message.conversation)},
        "sent": message.created_at.isoformat(),
        "sender": sender,
        "recipient": [recipient],
        "payload": payload,
    }
    earlier = message.conversation.messages.filter(message_id=message.in_reply_to).first()
    if earlier is not None:
        resource["inResponseTo"] = [{"reference": f"Communication/{earlier.pk}"}]
    return resource


def communication_request(message: Message) -> dict:
    """A message that asks the patient for a reply: active until the patient answers or it is closed."""
    sender, recipient = _sides(message)
    answered = message.conversation.messages.filter(
        side=Message.Side.PATIENT, created_at__gt=message.created_at
    ).exists()
    status = "completed" if answered else "revoked" if message.conversation.is_closed else "active"
    return {
        "resourceType": "CommunicationRequest",
        "id": str(message.pk),
        "status": status,
        "subject": {"reference": f"Patient/{message.patient_id}"},
        "about": [{"reference": f"Communication/{message.pk}"}],
        "authoredOn": message.created_at.isoformat(),
        "requester": sender,
        "recipient": [recipient],
        "payload": [{"contentString": queries.subject_of(message.conversation)}],
    }
