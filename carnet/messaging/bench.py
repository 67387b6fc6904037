"""``carnet bench messaging``: messages/s accepted by ``carnet smtp`` (a real process, smtplib clients; each
``250`` means parsed, sealed and committed) and the inbox of a patient with 1,000 messages (p50/p95)."""

import os
import smtplib
import statistics
import subprocess
import sys
import threading
import time
from email.message import EmailMessage

from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.bench import fixtures
from carnet.bench.server import free_port
from carnet.identity.models import Patient
from carnet.identity.nir import make_nir
from carnet.messaging import actions, queries
from carnet.messaging.mail import patient_address
from carnet.messaging.models import Mailbox
from carnet.messaging.sealing import Opener, open_text
from carnet.records.samples import sample_pdf

PEER = "bench.mssante.test"


def _ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _mailbox(gp) -> Mailbox:
    address = f"banc.essai@{PEER}"
    return Mailbox.objects.filter(address=address).first() or Mailbox.objects.create(
        owner=gp, name=gp.display_name, address=address
    )


def _smtp_server():
    port = free_port()
    env = dict(os.environ, CARNET_SMTP_PEERS=PEER, CARNET_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    command = [sys.executable, "-m", "carnet.cli", "smtp", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    if "listening" not in process.stdout.readline():
        process.kill()
        raise RuntimeError("carnet smtp did not start")
    return process, port


def _mail(sender: str, recipient: str, n: int, attachment: bytes) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, recipient, f"Résultats {n}"
    mail["Message-ID"] = f"<bench-{time.time_ns()}-{n}@{PEER}>"
    mail.set_content("Bonjour, voici vos résultats.\n" * 20)
    mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="resultats.pdf")
    return mail


def smtp_rate(messages: int = 300, connections: int = 4) -> dict:
    """Messages with a PDF attachment sent over ``connections`` SMTP sessions at once, as fast as accepted."""
    gp = fixtures.bench_gp()
    patients = fixtures.bench_patients(gp, 10)
    sender = _mailbox(gp).address
    attachment = sample_pdf("Résultats", ["ligne"] * 40)
    process, port = _smtp_server()
    latencies, lock = [], threading.Lock()

    def client(index: int) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as session:
            for n in range(index, messages, connections):
                mail = _mail(sender, patient_address(patients[n % len(patients)]), n, attachment)
                began = time.perf_counter()
                session.send_message(mail)
                with lock:
                    latencies.append(time.perf_counter() - began)

    try:
        began = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.perf_counter() - began
    finally:
        process.terminate()
        process.wait(timeout=30)
    accepted = len(latencies)
    return {
        "messages": accepted,
        "connections": connections,
        "seconds": round(elapsed, 2),
        "messages_per_s": round(accepted / elapsed, 1),
        "per_message": _ms(latencies),
    }


def _inbox_patient(gp, mailbox, total: int, per_conversation: int = 5) -> Patient:
    nir = make_nir(2, 1980, 3, "99", 999, 3)
    patient = Patient.objects.filter(nir=nir).first()
    if patient is None:
        patient = factories.make_patient("Patient", "Messagerie", nir=nir, gp=gp)
    have = sum(c.messages.count() for c in patient.conversations.all())
    pro = Actor(role=Role.PROFESSIONAL, user=gp.user, professional=gp)
    while have < total:
        draft = actions.Draft(body="Bonjour, voici la suite de votre prise en charge. " * 5)
        conversation = actions.start_conversation(pro, patient, mailbox, f"Suivi {have}", draft)
        have += 1
        for _ in range(min(per_conversation - 1, total - have)):
            actions.send_message(pro, conversation, actions.Draft(body="Un message de plus dans ce fil."))
            have += 1
    return patient


def _page_client(patient) -> Client:
    client = Client()
    client.force_login(patient.user)
    device = StaticDevice.objects.get_or_create(user=patient.user, name="bench")[0]
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _subjects_side_by_side(actor, timed, rounds: int) -> dict:
    """The inbox's first page of subjects unsealed as now (``Opener``: the patient's key read once) and as
    before (one key read per conversation), interleaved in batches of 10 in the same run."""

    def opener():
        found, shared = list(queries.conversations(actor)[: queries.PAGE]), Opener()
        return [shared.text(c.patient_id, c.sealed_subject) for c in found]

    def each():
        return [open_text(c.patient, c.sealed_subject) for c in queries.conversations(actor)[: queries.PAGE]]

    assert opener() == each()
    now, before = [], []
    for _ in range(max(rounds // 10, 1)):
        now += timed(opener, 10)
        before += timed(each, 10)
    now_ms, before_ms = _ms(now), _ms(before)
    return {
        "subjects_one_key_read": now_ms,
        "subjects_key_read_per_conversation": before_ms,
        "ratio_p50": round(before_ms["p50_ms"] / now_ms["p50_ms"], 2),
        "ratio_p95": round(before_ms["p95_ms"] / now_ms["p95_ms"], 2),
    }


def inbox(total: int = 1000, rounds: int = 200) -> dict:
    """The inbox (first page of 50, subjects unsealed), the page itself, and a search in every body."""
    gp = fixtures.bench_gp()
    patient = _inbox_patient(gp, _mailbox(gp), total)
    actor = Actor(role=Role.PATIENT, user=patient.user, patient=patient)
    client = _page_client(patient)

    def timed(fn, n):
        out = []
        for _ in range(n):
            began = time.perf_counter()
            fn()
            out.append(time.perf_counter() - began)
        return out

    if client.get("/patient/messages/").status_code != 200:
        raise RuntimeError("the inbox page did not answer 200")
    page = timed(lambda: client.get("/patient/messages/"), rounds)
    return {
        "messages": total,
        "conversations": patient.conversations.count(),
        "inbox_query": _ms(timed(lambda: queries.inbox(actor), rounds)),
        # side by side: the first page's subjects unsealed with one key read, or one per conversation
        **_subjects_side_by_side(actor, timed, rounds),
        "inbox_page": _ms(page),
        "search_all_bodies": _ms(
            timed(lambda: queries.inbox(actor, text="introuvable"), max(rounds // 20, 5))
        ),
    }


def run(rounds: int = 200, messages: int = 300, connections: int = 4) -> dict:
    return {"smtp": smtp_rate(messages, connections), "inbox": inbox(1000, rounds)}
