"""``carnet smtp`` as a real process, Python's smtplib as the professional's mail server.

The world (alice, bob her GP with a secure mailbox, an allowed peer domain) lives in a database of its
own, shared by the server process and the small scripts that set it up and read it back.
"""

import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
import zipfile
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from carnet.records.samples import sample_pdf

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[3]
DOMAIN = "patient.carnet.test"
BOB = "bob.durand@hopital.mssante.test"
SETUP = f"""
import json, django
django.setup()
from carnet import factories
from carnet.messaging.models import Mailbox
alice = factories.make_patient("Alice Marie", "Martin", email="alice@example.org")
closed = factories.make_patient("Claire", "Ferme", state="closed")
bob = factories.make_professional("Bob", "Durand")
alice.gp = bob
alice.save(update_fields=["gp"])
Mailbox.objects.create(owner=bob, name="Dr Bob Durand", address="{BOB}")
print(json.dumps({{"alice": alice.nir, "closed": closed.nir}}))
"""
READ_BACK = """
import json, django
django.setup()
from carnet.identity.models import Patient
from carnet.messaging import queries
from carnet.messaging.models import Message, OutgoingMail
alice = Patient.objects.get(nir="{nir}")
out = []
for conversation in alice.conversations.order_by("created_at"):
    thread = queries.thread(conversation)
    out.append({{
        "subject": queries.subject_of(conversation),
        "messages": [{{"id": m.message.message_id, "side": m.message.side, "body": m.body,
                      "files": [[a.filename, a.attachment.mime_type, a.metadata] for a in m.attachments]}}
                     for m in thread],
    }})
print(json.dumps(out))
"""
REPLY = """
import django
django.setup()
from carnet.access.actor import Actor, Role
from carnet.identity.models import Patient
from carnet.messaging import actions
alice = Patient.objects.get(nir="{nir}")
conversation = alice.conversations.get(messages__message_id="{message_id}")
actions.send_message(Actor(role=Role.PATIENT, user=alice.user, patient=alice), conversation,
                     actions.Draft(body="Merci docteur, ce sera fait."))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Relay:
    """The professional's side: a second real SMTP server that receives what carnet sends out."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data = tmp_path_factory.mktemp("smtp")
    relay = Relay()
    controller = Controller(relay, hostname="127.0.0.1", port=_free_port())
    controller.start()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{data / 'carnet.sqlite3'}",
        "CARNET_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "carnet.settings",
        "CARNET_MAIL_DOMAIN": "carnet.test",
        "CARNET_SMTP_PEERS": "hopital.mssante.test",
        "CARNET_SMTP_RELAY": f"127.0.0.1:{controller.port}",
        "CARNET_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    keys = subprocess.run([sys.executable, "manage.py", "keys", "init"], **run)  # as on a new install
    assert keys.returncode == 0, keys.stderr
    made = subprocess.run([sys.executable, "-c", SETUP], **run)
    assert made.returncode == 0, made.stderr
    nirs = json.loads(made.stdout)
    state = {"env": env, "run": run, "relay": relay, "nirs": nirs, "server": None}
    state["server"] = _start(env)
    yield state
    for process in [state["server"]]:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
    controller.stop()


def _start(env) -> subprocess.Popen:
    port = _free_port()
    command = [sys.executable, "-m", "carnet.cli", "smtp", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    line = process.stdout.readline()
    assert "listening" in line, line
    process.port = port
    return process


def _read_back(world, nir=None) -> list:
    done = subprocess.run(
        [sys.executable, "-c", READ_BACK.format(nir=nir or world["nirs"]["alice"])], **world["run"]
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _xdm_package(pdf: bytes) -> bytes:
    metadata = """<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
    xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:RegistryObjectList>
<rim:ExtrinsicObject id="Document01" mimeType="application/pdf">
  <rim:Slot name="creationTime"><rim:ValueList><rim:Value>20261130</rim:Value></rim:ValueList></rim:Slot>
  <rim:Slot name="URI"><rim:ValueList><rim:Value>DOC0001.PDF</rim:Value></rim:ValueList></rim:Slot>
  <rim:Name><rim:LocalizedString value="Compte rendu de biologie"/></rim:Name>
  <rim:Classification classificationScheme="urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
      classifiedObject="Document01" nodeRepresentation="11502-2"/>
  <rim:ExternalIdentifier identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
      value="1.2.250.1.999.1.42" registryObject="Document01"/>
</rim:ExtrinsicObject></rim:RegistryObjectList></lcm:SubmitObjectsRequest>"""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("README.TXT", "IHE XDM")
        package.writestr("INDEX.HTM", "<html></html>")
        package.writestr("IHE_XDM/SUBSET01/METADATA.XML", metadata)
        package.writestr("IHE_XDM/SUBSET01/DOC0001.PDF", pdf)
    return buffer.getvalue()


def _mail(to: str, subject: str, message_id: str, *, reply_to: str = "", sender: str = BOB) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = sender, to, subject, message_id
    if reply_to:
        mail["In-Reply-To"] = mail["References"] = reply_to
    mail.set_content("Bonjour, voici vos résultats.")
    mail.add_alternative(
        "<p>Bonjour, voici <b>vos résultats</b>.<script>alert(1)</script></p>", subtype="html"
    )
    return mail


def test_a_pdf_and_an_xdm_package_from_an_allowed_peer_land_in_the_conversation(world):
    alice = f"{world['nirs']['alice']}@{DOMAIN}"
    mail = _mail(alice, "Vos résultats", "<r1@hopital.mssante.test>")
    mail.add_attachment(sample_pdf("Ordonnance"), maintype="application", subtype="pdf", filename="ordo.pdf")
    package = _xdm_package(sample_pdf("Biologie"))
    mail.add_attachment(package, maintype="application", subtype="zip", filename="IHE_XDM.ZIP")
    with smtplib.SMTP("127.0.0.1", world["server"].port, timeout=30) as client:
        assert client.send_message(mail) == {}
    follow_up = _mail(
        alice, "Re: Vos résultats", "<r2@hopital.mssante.test>", reply_to="<r1@hopital.mssante.test>"
    )
    with smtplib.SMTP("127.0.0.1", world["server"].port, timeout=30) as client:
        client.send_message(follow_up)
    first = next(c for c in _read_back(world) if c["subject"] == "Vos résultats")
    pro_messages = [m for m in first["messages"] if m["side"] == "professional"]
    assert [m["id"] for m in pro_messages] == ["<r1@hopital.mssante.test>", "<r2@hopital.mssante.test>"]
    files = pro_messages[0]["files"]
    assert files[0][:2] == ["ordo.pdf", "application/pdf"]
    assert files[1][0] == "DOC0001.PDF" and files[1][1] == "application/pdf"
    assert files[1][2]["title"] == "Compte rendu de biologie" and files[1][2]["type_code"] == "11502-2"
    assert files[1][2]["unique_id"] == "1.2.250.1.999.1.42"
    assert "script" not in json.dumps(first)


def _refusal(world, sender: str, recipient: str) -> tuple[int, bytes]:
    port = world["server"].port
    with (
        smtplib.SMTP("127.0.0.1", port, timeout=30) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client.send_message(_mail(recipient, "x", "<x@elsewhere>", sender=sender))
    return refused.value.recipients[recipient]


def test_unknown_peer_unknown_ins_and_closed_space_are_refused_at_rcpt(world):
    alice = f"{world['nirs']['alice']}@{DOMAIN}"
    code, text = _refusal(world, "mallory@ailleurs.example", alice)
    assert code == 550 and b"5.7.1" in text
    code, text = _refusal(world, BOB, f"299017512345678@{DOMAIN}")
    assert code == 550 and b"5.1.1" in text
    code, text = _refusal(world, BOB, f"{world['nirs']['closed']}@{DOMAIN}")
    assert code == 550 and b"5.2.1" in text
    code, text = _refusal(world, BOB, "someone@gmail.example")
    assert code == 550 and b"Relaying denied" in text


def test_the_patients_reply_goes_out_to_the_professionals_mailbox(world):
    alice = f"{world['nirs']['alice']}@{DOMAIN}"
    with smtplib.SMTP("127.0.0.1", world["server"].port, timeout=30) as client:
        client.send_message(_mail(alice, "Rappel vaccin", "<r3@hopital.mssante.test>"))
    script = REPLY.format(nir=world["nirs"]["alice"], message_id="<r3@hopital.mssante.test>")
    done = subprocess.run([sys.executable, "-c", script], **world["run"])
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 20
    while not world["relay"].received and time.monotonic() < deadline:
        time.sleep(0.1)
    sender, recipients, content = world["relay"].received[-1]
    assert sender == f"{world['nirs']['alice']}@{DOMAIN}" and recipients == [BOB]
    assert b"In-Reply-To: <r3@hopital.mssante.test>" in content
    assert b"Merci docteur" in content


def test_a_message_answered_250_survives_kill_9(world):
    alice = f"{world['nirs']['alice']}@{DOMAIN}"
    ids = [f"<kill{n}@hopital.mssante.test>" for n in range(3)]
    with smtplib.SMTP("127.0.0.1", world["server"].port, timeout=30) as client:
        for message_id in ids:
            client.send_message(_mail(alice, f"Urgent {message_id}", message_id))
        os.kill(world["server"].pid, signal.SIGKILL)
    world["server"].wait(timeout=10)
    kept = {m["id"] for c in _read_back(world) for m in c["messages"]}
    assert set(ids) <= kept
    world["server"] = _start(world["env"])  # it starts again on the same database
