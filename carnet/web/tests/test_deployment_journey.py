"""Issue 14, the patient half of the deployment journey, from the CSV files an insurer and a directory hand
over and the real sign-in paths only (no factory, no demo shortcut): the imports; a parent activates, signs in
and switches to the child's space; a person who missed the window asks for a new code, gets a letter in the
print queue, which an operator prints, and activates; the GP declared in the beneficiary file reads a masked
document as the patient's settings allow, then no longer when the patient says so.

Set-up that is not a person's path: the missed window is the rows' dates moved back (no clock library here);
the professionals' software is registered with its key in the database (carnet has no command for it yet)."""

import datetime
import io
import re
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import Application

from carnet.fhir.models import SoftwareClient
from carnet.identity.models import ActivationCode, Patient
from carnet.identity.nir import make_nir
from carnet.notify.models import OutboxMessage
from carnet.schedule.models import ScheduleRun

pytestmark = pytest.mark.django_db(transaction=False)
TODAY = timezone.localdate()
GP_RPPS, OTHER_RPPS = "10000000017", "10000000025"
PARENT_NIR = make_nir(2, 1984, 6, "35", 238, 501)
CHILD_BORN = TODAY.replace(year=TODAY.year - 7, day=1)
CHILD_NIR = make_nir(1, CHILD_BORN.year, CHILD_BORN.month, "35", 238, 502)
LATE_NIR = make_nir(1, 1948, 11, "29", 19, 503)
PASSWORD = "une longue phrase de passe"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def import_files(tmp_path):
    professionals = (
        "rpps;adeli;family_name;given_name;profession;specialty;organisation;finess\n"
        f"{GP_RPPS};;Le Goff;Yann;medecin;medecine-generale;Maison de santé de Rennes;\n"
        f"{OTHER_RPPS};;Kerjean;Anne;medecin;cardiologie;CHU de Rennes;350005179\n"
    )
    beneficiaries = (
        "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address;gp_rpps;"
        "attached_to_nir;court_decision;protection_until\n"
        f"{PARENT_NIR};Le Bihan;;Nolwenn;1984-06-12;F;35238;nolwenn@example.org;;"
        f"5 rue de Brest 35000 Rennes;{GP_RPPS};;;\n"
        f"{CHILD_NIR};Le Bihan;;Malo;{CHILD_BORN};M;35238;;;;{GP_RPPS};{PARENT_NIR};;\n"
        f"{LATE_NIR};Cariou;;Jean;1948-11-03;M;29019;;;12 quai de l'Odet 29000 Quimper;;;;\n"
    )
    out = io.StringIO()
    call_command("import_professionals", write(tmp_path, "annuaire.csv", professionals), stdout=out)
    call_command("import_beneficiaries", write(tmp_path, "beneficiaires.csv", beneficiaries), stdout=out)


def code_in(text):
    return re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", text).group(0)


def last_to(recipient):
    return OutboxMessage.objects.filter(recipient=recipient).order_by("created_at").last()


def activate(code, login, email):
    response = Client().post(
        "/activation/",
        {"code": code, "login": login, "password": PASSWORD, "email": email, "otp_channel": "email"},
    )
    assert response.status_code == 302, response.content.decode()


def sign_in(login, email, password=PASSWORD):
    client = Client()
    assert client.post("/connexion/", {"login": login, "password": password})["Location"].startswith(
        "/connexion/code/"
    )
    code = re.search(r"\b(\d{6})\b", last_to(email).body).group(1)
    assert client.post("/connexion/code/", {"code": code}).status_code == 302
    return client


def fhir_token(rpps):
    """The professional's software, registered with its public key, gets a token naming the professional."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    app = Application.objects.create(
        name="Logiciel de cabinet",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    SoftwareClient.objects.create(application=app, public_key_pem=pem.decode(), structure="Cabinet")
    call_command("software", "bind", app.client_id, f"--rpps={rpps}", stdout=io.StringIO())  # the operator
    now = int(datetime.datetime.now(datetime.UTC).timestamp())
    claims = {
        "iss": app.client_id,
        "sub": app.client_id,
        "aud": "http://127.0.0.1:8000/oauth/token/",
        "exp": now + 60,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "rpps": rpps,
        "structure": "Cabinet",
    }
    answer = Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_assertion": jwt.encode(claims, key, algorithm="ES256"),
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        },
    )
    assert answer.status_code == 200, answer.content
    return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['access_token']}"}


def test_patient_half_of_the_deployment_journey(tmp_path):
    cache.clear()
    import_files(tmp_path)
    parent, child, late = (Patient.objects.get(nir=n) for n in (PARENT_NIR, CHILD_NIR, LATE_NIR))
    assert parent.gp.rpps == GP_RPPS == child.gp.rpps

    # A parent: both invitations (hers and her son's) came to her address; she activates and signs in.
    to_parent = OutboxMessage.objects.filter(recipient="nolwenn@example.org").order_by("created_at")
    own, sons = to_parent
    assert "Malo" in sons.subject and not OutboxMessage.objects.filter(patient_id=child.pk).exists()
    activate(code_in(own.body), "nolwenn-lb", "nolwenn@example.org")
    mother = sign_in("nolwenn-lb", "nolwenn@example.org")
    assert mother.post("/patient/espaces/ouvrir/", {"code": code_in(sons.body)})["Location"] == "/patient/"
    spaces = mother.get("/patient/espaces/").content.decode()
    assert "Malo Le Bihan" in spaces and "représentant légal" in spaces
    assert mother.post("/patient/espaces/", {"patient": child.pk})["Location"] == "/patient/"
    assert "Malo" in mother.get("/patient/").content.decode()

    # Someone who missed the window: the space opened without him (the scheduler), his code expired.
    ActivationCode.objects.filter(patient=late).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    Patient.objects.filter(pk=late.pk).update(opposition_deadline=timezone.now() - datetime.timedelta(days=1))
    call_command("schedule", "run-due", stdout=io.StringIO())
    assert ScheduleRun.objects.get(name="open-unactivated-spaces").result == "1"
    assert Patient.objects.get(pk=late.pk).state == Patient.State.OPEN
    stale = code_in(OutboxMessage.objects.get(channel="letter", patient_id=late.pk).body)
    refused = Client().post(
        "/activation/",
        {
            "code": stale,
            "login": "jean-c",
            "password": PASSWORD,
            "email": "jean@example.org",
            "otp_channel": "email",
        },
    )
    assert "expiré" in refused.content.decode()
    asked = Client().post(
        "/connexion/nouveau-code-provisoire/",
        {"nir": LATE_NIR, "birth_date": "1948-11-03", "postal_code": "29000"},
    )
    assert "Demande enregistrée" in asked.content.decode()

    # The operator (created with Django's own command) prints the day's batch: the new letter is in it.
    call_command(
        "createsuperuser", "--noinput", username="oper", email="oper@example.org", stdout=io.StringIO()
    )
    from carnet.identity.models import User

    operator_user = User.objects.get(username="oper")
    operator_user.set_password(PASSWORD)
    operator_user.save()
    operator = sign_in("oper", "oper@example.org")
    operator.post("/operateurs/courriers/lots/")
    outbox = operator.get("/operateurs/courriers/").content.decode()
    batch_id = int(re.search(r"/operateurs/courriers/lots/(\d+)/lot.pdf", outbox).group(1))
    assert operator.get(f"/operateurs/courriers/lots/{batch_id}/lot.pdf")["Content-Type"] == "application/pdf"
    letter = OutboxMessage.objects.filter(channel="letter", patient_id=late.pk).order_by("created_at").last()
    assert letter.batch_id == batch_id
    operator.post(f"/operateurs/courriers/lots/{batch_id}/imprime/")
    activate(code_in(letter.body), "jean-c", "jean@example.org")
    jean = sign_in("jean-c", "jean@example.org")
    assert jean.get("/patient/").status_code == 200

    # The GP of the file reads a document the mother masked from professionals, until she withdraws the GP's
    # view of masked documents (the setting of "Qui peut voir"); a doctor without her consent never sees it.
    mother.post("/patient/espaces/", {"patient": parent.pk})
    upload = io.BytesIO(b"%PDF-1.4 bilan de sante")
    upload.name = "bilan.pdf"
    mother.post(
        "/patient/documents/ajouter/", {"title": "Bilan personnel", "care_date": "2026-10-01", "file": upload}
    )
    from carnet.records.models import Document

    document = Document.objects.get(patient=parent, title="Bilan personnel")
    mother.post(f"/patient/documents/{document.pk}/visibilite/", {"visibility": "masked"})
    gp, other = fhir_token(GP_RPPS), fhir_token(OTHER_RPPS)
    seen_by_other = Client().get(
        "/fhir/DocumentReference", {"patient": parent.pk, "status": "current"}, **other
    )
    assert seen_by_other.json()["total"] == 0
    seen_by_gp = (
        Client().get("/fhir/DocumentReference", {"patient": parent.pk, "status": "current"}, **gp).json()
    )
    assert seen_by_gp["total"] == 1
    mother.post("/patient/acces/", {"gp_sees_masked": ""})
    seen_after = (
        Client().get("/fhir/DocumentReference", {"patient": parent.pk, "status": "current"}, **gp).json()
    )
    assert seen_after["total"] == 0
