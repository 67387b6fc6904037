"""The policy table of secure messaging: every role of the policy world against every messaging action.

A conversation between the patient and her GP's mailbox, in four states (open, closed by the mailbox,
every professional blocked, the space closed); and who may start a conversation with five mailboxes.
"""

import pytest

from carnet.access.models import Block
from carnet.access.permissions import Permission as P
from carnet.access.policy import conversation_filter, decide
from carnet.access.tests import world
from carnet.messaging.models import Attachment, Conversation, Mailbox, Message

pytestmark = pytest.mark.django_db

PERSONS = {"patient", "representative", "caregiver-messaging"}
OWNERS = {"patient", "representative"}
GP = {"gp"}
ALL_PROS = set(world.PROFESSIONALS)

# (action, scenario): roles allowed. Every other role of world.ROLES is refused.
TABLE = {
    (P.MESSAGING_CONVERSATION_READ, "open"): PERSONS | GP,
    (P.MESSAGING_CONVERSATION_READ, "closed"): PERSONS | GP,
    (P.MESSAGING_CONVERSATION_READ, "blocked"): PERSONS,
    (P.MESSAGING_CONVERSATION_READ, "space-closed"): set(),
    (P.MESSAGING_MESSAGE_SEND, "open"): PERSONS | GP,
    (P.MESSAGING_MESSAGE_SEND, "closed"): set(),
    (P.MESSAGING_MESSAGE_SEND, "blocked"): PERSONS,
    (P.MESSAGING_MESSAGE_SEND, "space-closed"): set(),
    (P.MESSAGING_CONVERSATION_CLOSE, "open"): GP,
    (P.MESSAGING_CONVERSATION_CLOSE, "closed"): set(),
    (P.MESSAGING_CONVERSATION_CLOSE, "blocked"): set(),
    (P.MESSAGING_CONVERSATION_CLOSE, "space-closed"): set(),
    (P.MESSAGING_CONVERSATION_ARCHIVE, "open"): PERSONS | GP,
    (P.MESSAGING_CONVERSATION_ARCHIVE, "closed"): PERSONS | GP,
    (P.MESSAGING_CONVERSATION_ARCHIVE, "blocked"): PERSONS,
    (P.MESSAGING_CONVERSATION_ARCHIVE, "space-closed"): set(),
    (P.MESSAGING_ATTACHMENT_FILE, "open"): OWNERS,
    (P.MESSAGING_ATTACHMENT_FILE, "closed"): OWNERS,
    (P.MESSAGING_ATTACHMENT_FILE, "blocked"): OWNERS,
    (P.MESSAGING_ATTACHMENT_FILE, "space-closed"): set(),
    (P.MESSAGING_CONVERSATION_SEARCH, "open"): PERSONS | ALL_PROS,
    (P.MESSAGING_CONVERSATION_SEARCH, "closed"): PERSONS | ALL_PROS,
    (P.MESSAGING_CONVERSATION_SEARCH, "blocked"): PERSONS,
    (P.MESSAGING_CONVERSATION_SEARCH, "space-closed"): set(),
    (P.MESSAGING_PAPER_REPLY_RECORD, "open"): {"operator"},
    (P.MESSAGING_PAPER_REPLY_RECORD, "closed"): set(),
    (P.MESSAGING_PAPER_REPLY_RECORD, "blocked"): {"operator"},
    (P.MESSAGING_PAPER_REPLY_RECORD, "space-closed"): set(),
    # the GP's own mailbox (made on first use, its settings): the GP's alone, whatever the patient's state
    (P.MESSAGING_MAILBOX_MANAGE, "open"): GP,
    (P.MESSAGING_MAILBOX_MANAGE, "blocked"): GP,
    (P.MESSAGING_MAILBOX_MANAGE, "space-closed"): GP,
    # the worker relaying a patient's reply to the professional's secure mailbox
    (P.MESSAGING_MAIL_RELAY, "open"): {"system"},
    (P.MESSAGING_MAIL_RELAY, "blocked"): {"system"},
    (P.MESSAGING_MAIL_RELAY, "space-closed"): set(),
}
# Who may start a conversation with each mailbox (a professional only with their own mailbox).
START = {
    "gp-mailbox": PERSONS | GP,
    "pharmacy": PERSONS | {"pharmacist"},
    "granted-doctor-closed-to-patients": {"doctor-granted"},
    "no-grant-doctor-open-to-patients": PERSONS,
    "blocked-pharmacy": set(),
}


def _conversation(patient, mailbox, **fields):
    conversation = Conversation.objects.create(
        patient=patient, mailbox=mailbox, sealed_subject=b"-", **fields
    )
    message = Message.objects.create(
        conversation=conversation,
        patient=patient,
        side="professional",
        author_label="x",
        sealed_body=b"-",
        message_id=f"<{conversation.pk}@test>",
    )
    Attachment.objects.create(
        message=message,
        patient=patient,
        sealed_meta=b"-",
        blob_ref="0" * 64,
        mime_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return conversation


def _scenario(name):
    patient, pros, actors, _document = world.build_world()
    mailbox = Mailbox.objects.create(owner=pros["gp"], name="Dr Gaspard")
    conversation = _conversation(patient, mailbox)
    if name == "closed":
        Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    if name == "blocked":
        world.blocked(patient, pros, None)
    if name == "space-closed":
        world.closed(patient, pros, None)
    patient.refresh_from_db()
    conversation = Conversation.objects.select_related("patient", "mailbox").get(pk=conversation.pk)
    return patient, actors, conversation


def _resource(action, patient, conversation):
    if action == P.MESSAGING_ATTACHMENT_FILE:
        return Attachment.objects.select_related("message__conversation").get(
            message__conversation=conversation
        )
    if action == P.MESSAGING_CONVERSATION_SEARCH:
        return patient
    if action == P.MESSAGING_MAILBOX_MANAGE:
        return conversation.mailbox
    return conversation


def test_the_table_covers_every_messaging_action():
    messaging = {p for p in P if p.startswith("messaging:")}
    assert {action for action, _ in TABLE} | {P.MESSAGING_CONVERSATION_START} == messaging


@pytest.mark.parametrize("scenario", ["open", "closed", "blocked", "space-closed"])
def test_conversation_actions(scenario):
    patient, actors, conversation = _scenario(scenario)
    wrong = []
    for (action, column), allowed_roles in TABLE.items():
        if column != scenario:
            continue
        resource = _resource(action, patient, conversation)
        for role in world.ROLES:
            decision = decide(actors[role], action, resource)
            if decision.allowed != (role in allowed_roles):
                wrong.append(f"{action} {role}: {decision.allowed} ({decision.rule})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("scenario", ["open", "closed", "blocked", "space-closed"])
def test_the_list_filter_agrees_with_reading(scenario):
    patient, actors, conversation = _scenario(scenario)
    wrong = []
    for role in world.ROLES:
        allowed = conversation_filter(actors[role])
        listed = allowed is not None and Conversation.objects.filter(allowed, pk=conversation.pk).exists()
        if listed != decide(actors[role], P.MESSAGING_CONVERSATION_READ, conversation).allowed:
            wrong.append(f"{role}: listed={listed}")
    assert not wrong, "\n".join(wrong)


def _mailbox(pros, name, patient):
    if name == "gp-mailbox":
        return Mailbox.objects.create(owner=pros["gp"], name="gp")
    if name in ("pharmacy", "blocked-pharmacy"):
        if name == "blocked-pharmacy":
            Block.objects.create(patient=patient, professional=pros["pharmacist"])
        return Mailbox.objects.create(owner=pros["pharmacist"], name="Pharmacie", kind=Mailbox.Kind.PHARMACY)
    if name == "granted-doctor-closed-to-patients":
        return Mailbox.objects.create(owner=pros["doctor-granted"], name="Dr Denis")
    return Mailbox.objects.create(
        owner=pros["doctor-no-grant"], name="Dr Nadia", accepts_patient_messages=True
    )


@pytest.mark.parametrize("scenario", list(START))
def test_who_may_start(scenario):
    patient, pros, actors, _document = world.build_world()
    mailbox = _mailbox(pros, scenario, patient)
    wrong = []
    for role in world.ROLES:
        decision = decide(
            actors[role], P.MESSAGING_CONVERSATION_START, Conversation(patient=patient, mailbox=mailbox)
        )
        if decision.allowed != (role in START[scenario]):
            wrong.append(f"{role}: {decision.allowed} ({decision.rule})")
    assert not wrong, "\n".join(wrong)


def test_an_organisation_mailbox_is_read_by_each_of_its_members():
    patient, pros, actors, _document = world.build_world()
    mailbox = Mailbox.objects.create(owner=pros["pharmacist"], name="Pharmacie", kind=Mailbox.Kind.PHARMACY)
    mailbox.members.add(pros["nurse"])
    conversation = _conversation(patient, mailbox)
    assert decide(actors["nurse"], P.MESSAGING_MESSAGE_SEND, conversation).allowed
    assert decide(actors["pharmacist"], P.MESSAGING_CONVERSATION_CLOSE, conversation).allowed
    assert decide(actors["dentist"], P.MESSAGING_CONVERSATION_READ, conversation).rule == "not-mailbox-member"


def case_count() -> int:
    return (len(TABLE) + len(START)) * len(world.ROLES) + 4 * len(world.ROLES) + 3
