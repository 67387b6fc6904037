"""``carnet smtp``: the patients' secure mail domain, as MSSanté operators exchange mail (aiosmtpd).

Only configured peers (domains or IP addresses; STARTTLS, client certificates where configured) deliver,
only to ``<INS>@patient.<domain>`` of an open space. Refusals happen at RCPT with the right codes; a message
is parsed, written and committed before ``250`` (nothing accepted is ever lost). The database work runs
in one worker thread, outside the event loop. Logs carry codes and counts, never an address or content.
"""

import asyncio
import logging
import re
import ssl
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections

from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.errors import Conflict, Refused
from carnet.identity.models import Patient
from carnet.messaging import actions
from carnet.messaging.mail import mail_actor, parse, patient_domain, split_address
from carnet.messaging.models import Mailbox
from carnet.records.content import ContentRefused

log = logging.getLogger("carnet.smtp")
NIR = re.compile(r"^[0-9]{13}[0-9]{2}$|^[0-9]{5}[AB0-9][0-9]{7}[0-9]{2}$", re.IGNORECASE)
CLOSED_TEXT = {
    "blocked": "550 5.7.1 Recipient does not accept messages from this sender",
    "conversation-closed": "550 5.7.1 This conversation was closed by the professional",
    "no-standing": "550 5.7.1 Sender has no current care relationship with this patient",
}


def _within(domain: str, name: str) -> bool:
    return domain == name or domain.endswith(f".{name}")


def peer_allowed(peer_host: str, sender: str, certificate_names: list[str] | None = None) -> bool:
    """A configured peer: its IP address, or its sender domain (or a parent domain) is listed. Where client
    certificates are required, the peer is who its certificate names: a listed operator whose certificate
    covers the sender's domain (a certificate signed by the CA but of an operator not listed is refused)."""
    _local, domain = split_address(sender)
    peers = [peer.lower() for peer in settings.CARNET_SMTP_PEERS]
    if settings.CARNET_SMTP_CLIENT_CA:
        names = [name.lower() for name in certificate_names or []]
        return any(_within(domain, name) and any(_within(name, peer) for peer in peers) for name in names)
    return any(peer == peer_host or _within(domain, peer) for peer in peers)


def certificate_names(session) -> list[str] | None:
    """The DNS names (else the common name) of the certificate the peer showed at STARTTLS, or None."""
    certificate = (getattr(session, "ssl", None) or {}).get("peercert")
    if not certificate:
        return None
    names = [value for kind, value in certificate.get("subjectAltName", ()) if kind == "DNS"]
    common = [value for rdn in certificate.get("subject", ()) for key, value in rdn if key == "commonName"]
    return names or common


def _patient(recipient: str) -> Patient | None:
    local, domain = split_address(recipient)
    if domain != patient_domain() or not NIR.match(local):
        return None
    return Patient.objects.filter(nir=local.upper()).first()


def check_recipient(
    peer_host: str, sender: str, recipient: str, names: list[str] | None = None
) -> str | None:
    """The refusal for RCPT TO (an SMTP reply line), or None to accept; ``names``: the peer certificate's."""
    close_old_connections()
    if settings.CARNET_SMTP_CLIENT_CA and names is None:
        return "530 5.7.0 A client certificate is required: issue STARTTLS with it first"
    if not peer_allowed(peer_host, sender, names):
        return "550 5.7.1 Sender is not an allowed secure-mail peer"
    if split_address(recipient)[1] != patient_domain():
        return "550 5.7.1 Relaying denied"
    patient = _patient(recipient)
    if patient is None:
        return "550 5.1.1 Recipient address unknown"
    if patient.state != Patient.State.OPEN:
        return "550 5.2.1 Mailbox disabled: this health space is closed"
    mailbox = Mailbox.objects.filter(address__iexact=sender).select_related("owner__user").first()
    if mailbox is None:
        return "550 5.7.1 Sender has no registered secure mailbox"
    decision = decide(mail_actor(mailbox), P.MESSAGING_CONVERSATION_SEARCH, patient)
    if not decision.allowed:
        return CLOSED_TEXT.get(decision.rule, "550 5.7.1 Refused by the patient's rules")
    return None


def deliver(sender: str, recipients: list[str], raw: bytes) -> str:
    """Parse, then write and commit the message for every recipient; only then say 250."""
    close_old_connections()
    try:
        mail = parse(raw)
    except ContentRefused as error:
        return f"554 5.6.0 Message refused: {error.code}"
    except Exception:
        log.exception("smtp: unparsable message")
        return "554 5.6.0 Message could not be parsed"
    mailbox = Mailbox.objects.filter(address__iexact=sender).select_related("owner__user").first()
    if mailbox is None:
        return "550 5.7.1 Sender has no registered secure mailbox"
    for recipient in recipients:
        patient = _patient(recipient)
        if patient is None:
            return "550 5.1.1 Recipient address unknown"
        try:
            actions.receive_mail(mailbox, patient, mail)
        except Conflict:
            continue  # the same Message-ID again (a retry after a lost 250): already kept
        except AccessDenied as denied:
            return CLOSED_TEXT.get(denied.decision.rule, "550 5.7.1 Refused by the patient's rules")
        except ContentRefused as error:
            return f"554 5.6.1 Attachment refused: {error.code}"
        except Refused as error:
            return f"554 5.6.0 Message refused: {error.code}"
    log.info("smtp: message delivered to %d recipient(s)", len(recipients))
    return "250 2.0.0 OK: delivered"


class Handler:
    """aiosmtpd hooks: each database step runs in the single worker thread."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carnet-smtp-db")

    async def _run(self, func, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            refusal = await self._run(
                check_recipient,
                session.peer[0],
                envelope.mail_from or "",
                address,
                certificate_names(session),
            )
        except Exception:
            log.exception("smtp: recipient check failed")
            return "451 4.3.0 Temporary failure, try again later"
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            return await self._run(deliver, envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        except Exception:
            log.exception("smtp: delivery failed")
            return "451 4.3.0 Temporary failure, try again later"


def tls_context() -> ssl.SSLContext | None:
    """STARTTLS with the server's certificate; with CARNET_SMTP_CLIENT_CA, peers must show a certificate
    signed by it (as between MSSanté operators)."""
    if not settings.CARNET_SMTP_TLS_CERT:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(settings.CARNET_SMTP_TLS_CERT, settings.CARNET_SMTP_TLS_KEY or None)
    if settings.CARNET_SMTP_CLIENT_CA:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(settings.CARNET_SMTP_CLIENT_CA)
    return context


def make_server(handler: Handler) -> SMTP:
    return SMTP(
        handler,
        hostname=patient_domain(),
        tls_context=tls_context(),
        require_starttls=settings.CARNET_SMTP_REQUIRE_TLS,
        data_size_limit=max(33554432, settings.CARNET_MAX_UPLOAD_BYTES * 3),
        decode_data=False,
    )


async def serve(host: str, port: int, ready=print) -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs peers and commands at INFO
    handler = Handler()
    server = await asyncio.get_running_loop().create_server(lambda: make_server(handler), host, port)
    bound = server.sockets[0].getsockname()
    ready(f"carnet smtp listening on {bound[0]}:{bound[1]}")
    async with server:
        await server.serve_forever()
