"""Secure mail in and out: patients' addresses, MIME parsing (bodies sanitised, attachments, IHE XDM
packages), and the MIME of a patient's reply. No I/O here: the SMTP server and the task do it."""

import email
import email.policy
import html
import io
import re
import smtplib
import ssl
import uuid
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses

import nh3
from defusedxml import ElementTree
from django.conf import settings

from carnet.access.actor import Actor, Channel, Role
from carnet.records.content import ContentRefused

RIM = "{urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0}"
TYPE_CODE_SCHEME = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
UNIQUE_ID_SCHEME = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
MAX_ZIP_ENTRIES = 200
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Sanitised HTML keeps structure only: no style, no script, no images fetched from outside.
HTML_TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "a",
    "div",
    "span",
    "hr",
}


def patient_domain() -> str:
    return f"patient.{settings.CARNET_MAIL_DOMAIN}".lower()


def patient_address(patient) -> str:
    """``<INS>@patient.<domain>``, as MSSanté names a patient's mailbox."""
    return f"{patient.nir}@{patient_domain()}"


def new_message_id() -> str:
    return f"<{uuid.uuid4()}@patient.{settings.CARNET_MAIL_DOMAIN}>"


def mail_actor(mailbox) -> Actor:
    """Who writes when a mailbox's secure mail arrives: its owner, through their software."""
    owner = mailbox.owner
    return Actor(role=Role.PROFESSIONAL, user=owner.user, professional=owner, channel=Channel.API)


def relay(mime: EmailMessage) -> str:
    """Hand a message to the configured relay by SMTP: "" once accepted, else the error's kind (no
    address nor content: it is kept for the next try and shown to operators)."""
    host, _sep, port = settings.CARNET_SMTP_RELAY.rpartition(":")
    try:
        with smtplib.SMTP(host, int(port), timeout=30) as client:
            if settings.CARNET_SMTP_RELAY_TLS:
                client.starttls(context=ssl.create_default_context())
            client.send_message(mime)
    except (OSError, smtplib.SMTPException) as error:
        return type(error).__name__
    return ""


def split_address(address: str) -> tuple[str, str]:
    local, _, domain = address.strip().strip("<>").rpartition("@")
    return local, domain.lower()


@dataclass
class ParsedFile:
    filename: str
    content: bytes
    mime_type: str
    metadata: dict = field(default_factory=dict)


@dataclass
class ParsedMail:
    subject: str
    text: str
    html: str
    message_id: str
    references: list[str]
    files: list[ParsedFile]


def sanitise_html(markup: str) -> str:
    return nh3.clean(markup, tags=HTML_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "mailto"})


def html_to_text(markup: str) -> str:
    text = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup), tags=set())
    return html.unescape(re.sub(r"\n{3,}", "\n\n", text)).strip()


def parse(raw: bytes) -> ParsedMail:
    """A received message, its bodies sanitised and its files (XDM packages opened) listed."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    markup = sanitise_html(rich.get_content()) if rich is not None else ""
    text = plain.get_content().strip() if plain is not None else html_to_text(markup)
    files = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        name = part.get_filename() or "piece-jointe"
        if content[:4] == b"PK\x03\x04":
            files += xdm_documents(content)
        else:
            files.append(ParsedFile(name, content, part.get_content_type()))
    references = MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))
    references += reversed(MESSAGE_ID.findall(str(message.get("References", ""))))
    own_id = MESSAGE_ID.findall(str(message.get("Message-ID", "")))
    return ParsedMail(
        subject=str(message.get("Subject", "")).strip(),
        text=text,
        html=markup,
        message_id=own_id[0] if own_id else "",
        references=references,
        files=files,
    )


def xdm_documents(archive: bytes) -> list[ParsedFile]:
    """The documents of an IHE XDM package (ITI-32) with their XDS metadata; any other archive is refused."""
    try:
        package = zipfile.ZipFile(io.BytesIO(archive))
        names = package.namelist()
    except zipfile.BadZipFile:
        raise ContentRefused("corrupt", "archive illisible") from None
    total = sum(info.file_size for info in package.infolist())
    if len(names) > MAX_ZIP_ENTRIES or total > settings.CARNET_MAX_UPLOAD_BYTES:
        raise ContentRefused("too_large", "paquet XDM trop grand")
    metadata_files = [n for n in names if n.upper().endswith("METADATA.XML") and "IHE_XDM/" in n.upper()]
    if not metadata_files:
        raise ContentRefused("unsupported", "Les archives compressées ne sont pas acceptées (sauf IHE XDM).")
    files = []
    for metadata_name in metadata_files:
        folder = metadata_name.rsplit("/", 1)[0]
        for entry in _xdm_entries(package.read(metadata_name)):
            path = f"{folder}/{entry.pop('uri')}"
            if path not in names:
                raise ContentRefused("corrupt", "paquet XDM incomplet")
            content = package.read(path)
            files.append(ParsedFile(path.rsplit("/", 1)[1], content, entry.pop("mime_type"), entry))
    return files


def _xdm_entries(metadata: bytes) -> list[dict]:
    try:
        root = ElementTree.fromstring(metadata, forbid_dtd=True)
    except Exception:
        raise ContentRefused("corrupt", "métadonnées XDM illisibles") from None
    entries = []
    for document in root.iter(f"{RIM}ExtrinsicObject"):
        slots = {
            slot.get("name"): [v.text or "" for v in slot.iter(f"{RIM}Value")]
            for slot in document.iter(f"{RIM}Slot")
        }
        title = document.find(f"{RIM}Name/{RIM}LocalizedString")
        type_code = next(
            (
                c.get("nodeRepresentation", "")
                for c in document.iter(f"{RIM}Classification")
                if c.get("classificationScheme") == TYPE_CODE_SCHEME
            ),
            "",
        )
        unique_id = next(
            (
                e.get("value", "")
                for e in document.iter(f"{RIM}ExternalIdentifier")
                if e.get("identificationScheme") == UNIQUE_ID_SCHEME
            ),
            "",
        )
        uri = (slots.get("URI") or [""])[0]
        if not uri or "/" in uri or ".." in uri:
            raise ContentRefused("corrupt", "paquet XDM : nom de document invalide")
        entries.append(
            {
                "uri": uri,
                "mime_type": document.get("mimeType", ""),
                "title": title.get("value", "") if title is not None else "",
                "type_code": type_code,
                "unique_id": unique_id,
                "creation_time": (slots.get("creationTime") or [""])[0],
                "xdm": True,
            }
        )
    return entries


def reply_mime(
    sender: str,
    recipient: str,
    subject: str,
    body: str,
    message_id: str,
    thread: list[str],
    files: list[tuple[str, bytes, str]],
) -> EmailMessage:
    """A patient's reply for the professional's secure mailbox, threaded on the conversation."""
    mail = EmailMessage()
    mail["From"], mail["To"] = sender, recipient
    mail["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    mail["Message-ID"], mail["Date"] = message_id, formatdate(localtime=False, usegmt=True)
    if thread:
        mail["In-Reply-To"], mail["References"] = thread[-1], " ".join(thread)
    mail.set_content(body)
    for name, content, mime_type in files:
        maintype, _, subtype = mime_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return mail


def addresses(header_values: list[str]) -> list[str]:
    return [address for _name, address in getaddresses(header_values) if address]
