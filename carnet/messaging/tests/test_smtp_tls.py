"""``carnet smtp`` with STARTTLS and client certificates, as between MSSanté operators: real TLS handshakes
against the real process, with a throwaway certificate authority made by the test (``cryptography``).

The server requires STARTTLS and a client certificate signed by the operators' CA; a peer is the operator its
certificate names, and must be listed. Refused: a plain connection, a certificate from another CA, a listed
CA's certificate for an operator not listed, and a listed operator's certificate used for another domain.
"""

import datetime
import ipaddress
import json
import os
import smtplib
import ssl
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from carnet.messaging.tests.test_smtp_server import BOB, DOMAIN, ROOT, SETUP, _free_port, _mail

pytestmark = pytest.mark.server
PEER = "hopital.mssante.test"


class Authority:
    """A certificate authority for the test: its key, its certificate, and the certificates it signs."""

    def __init__(self, name: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.certificate = (
            self._builder(subject, self.key.public_key())
            .issuer_name(subject)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )

    @staticmethod
    def _builder(subject, public_key) -> x509.CertificateBuilder:
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
        )

    def issue(self, name: str, usage, *, ip: str = "") -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.DNSName(name)] + ([x509.IPAddress(ipaddress.ip_address(ip))] if ip else [])
        certificate = (
            self._builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), key.public_key())
            .issuer_name(self.certificate.subject)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return certificate, key


def _write(directory, name: str, certificate, key=None) -> tuple[str, str]:
    cert_path = directory / f"{name}.crt"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    if key is None:
        return str(cert_path), ""
    key_path = directory / f"{name}.key"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture(scope="module")
def tls_world(tmp_path_factory):
    data = tmp_path_factory.mktemp("smtp-tls")
    operators, rogue = Authority("Autorité des opérateurs (test)"), Authority("Autorité inconnue (test)")
    ca, _ = _write(data, "operators-ca", operators.certificate)
    server = _write(data, "server", *operators.issue(DOMAIN, ExtendedKeyUsageOID.SERVER_AUTH, ip="127.0.0.1"))
    clients = {
        "listed": _write(data, "listed", *operators.issue(PEER, ExtendedKeyUsageOID.CLIENT_AUTH)),
        "not-listed": _write(
            data, "not-listed", *operators.issue("autre-operateur.test", ExtendedKeyUsageOID.CLIENT_AUTH)
        ),
        "rogue": _write(data, "rogue", *rogue.issue(PEER, ExtendedKeyUsageOID.CLIENT_AUTH)),
    }
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{data / 'carnet.sqlite3'}",
        "CARNET_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "carnet.settings",
        "CARNET_MAIL_DOMAIN": "carnet.test",
        "CARNET_SMTP_PEERS": PEER,
        "CARNET_SMTP_TLS_CERT": server[0],
        "CARNET_SMTP_TLS_KEY": server[1],
        "CARNET_SMTP_CLIENT_CA": ca,
        "CARNET_SMTP_REQUIRE_TLS": "true",
        "CARNET_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 300}
    for step in (["manage.py", "migrate", "-v0"], ["manage.py", "keys", "init"], ["-c", SETUP]):
        done = subprocess.run([sys.executable, *step], **run)
        assert done.returncode == 0, done.stderr
    nirs = json.loads(done.stdout)
    port = _free_port()
    command = [sys.executable, "-m", "carnet.cli", "smtp", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    line = process.stdout.readline()
    assert "listening" in line, line
    yield {"port": port, "ca": ca, "clients": clients, "alice": f"{nirs['alice']}@{DOMAIN}", "run": run}
    process.terminate()
    process.wait(timeout=10)


def _context(world, client: str | None) -> ssl.SSLContext:
    """The sending operator's TLS: it checks carnet's certificate against the CA and shows its own."""
    context = ssl.create_default_context(cafile=world["ca"])
    if client:
        context.load_cert_chain(*world["clients"][client])
    return context


def _delivered(world, subject: str) -> bool:
    script = (
        "import django; django.setup()\n"
        "from carnet.messaging import queries\n"
        "from carnet.messaging.models import Conversation\n"
        f"print(any(queries.subject_of(c) == {subject!r} for c in Conversation.objects.all()))"
    )
    done = subprocess.run([sys.executable, "-c", script], **world["run"])
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


def test_a_listed_operator_with_its_certificate_delivers_over_starttls(tls_world):
    with smtplib.SMTP("127.0.0.1", tls_world["port"], timeout=30) as client:
        client.starttls(context=_context(tls_world, "listed"))
        assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
        assert client.send_message(_mail(tls_world["alice"], "Sous TLS", "<tls1@hopital.mssante.test>")) == {}
    assert _delivered(tls_world, "Sous TLS")


def test_a_plain_connection_is_refused_when_tls_is_required(tls_world):
    with smtplib.SMTP("127.0.0.1", tls_world["port"], timeout=30) as client:
        client.ehlo()
        code, text = client.mail(BOB)
        assert code == 530 and b"STARTTLS" in text
        assert client.rcpt(tls_world["alice"])[0] in (503, 530)
    assert not _delivered(tls_world, "En clair")


def test_a_certificate_from_an_unknown_authority_fails_the_handshake(tls_world):
    with (
        smtplib.SMTP("127.0.0.1", tls_world["port"], timeout=30) as client,
        pytest.raises((ssl.SSLError, smtplib.SMTPServerDisconnected, ConnectionError)),
    ):
        client.starttls(context=_context(tls_world, "rogue"))
        client.send_message(_mail(tls_world["alice"], "Inconnu", "<rogue@hopital.mssante.test>"))
    assert not _delivered(tls_world, "Inconnu")


def test_without_a_client_certificate_nothing_is_accepted(tls_world):
    with (
        smtplib.SMTP("127.0.0.1", tls_world["port"], timeout=30) as client,
        pytest.raises((ssl.SSLError, smtplib.SMTPException, ConnectionError)),
    ):
        client.starttls(context=_context(tls_world, None))
        client.send_message(_mail(tls_world["alice"], "Sans certificat", "<none@hopital.mssante.test>"))
    assert not _delivered(tls_world, "Sans certificat")


def _refused_at_rcpt(world, client_name: str, sender: str) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", world["port"], timeout=30) as client:
        client.starttls(context=_context(world, client_name))
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.send_message(_mail(world["alice"], "Refusé", "<no@elsewhere.test>", sender=sender))
    return refused.value.recipients[world["alice"]]


def test_an_operator_not_listed_is_refused_at_rcpt_even_with_a_valid_certificate(tls_world):
    code, text = _refused_at_rcpt(tls_world, "not-listed", "someone@autre-operateur.test")
    assert code == 550 and b"5.7.1 Sender is not an allowed secure-mail peer" in text


def test_a_listed_operators_certificate_does_not_vouch_for_another_domain(tls_world):
    code, text = _refused_at_rcpt(tls_world, "listed", "mallory@autre-operateur.test")
    assert code == 550 and b"5.7.1 Sender is not an allowed secure-mail peer" in text
    assert not _delivered(tls_world, "Refusé")
