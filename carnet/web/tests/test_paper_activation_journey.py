"""Issue 16, item 4: a 95-year-old with neither e-mail nor mobile, from the insurer's file to her own space.

The file is imported (no e-mail, no phone); the invitation is a letter in the print queue; an operator prints
the day's batch; the printed PDF (read back as text, as the person reads the paper) carries the provisional
code, plain French on what to do, and a list of sign-in codes; she activates choosing the paper list, then
signs in with her password and the first code of the list; each code works once."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from carnet.identity.models import Patient, User
from carnet.identity.nir import make_nir
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
NIR = make_nir(2, 1931, 3, "29", 19, 77)
PASSWORD = "une longue phrase de passe"


def _import(tmp_path):
    path = tmp_path / "beneficiaires.csv"
    path.write_text(
        "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address\n"
        f"{NIR};Le Floch;;Marie Anne;1931-03-09;F;29019;;;3 rue Kéréon 29000 Quimper\n",
        encoding="utf-8",
    )
    call_command("import_beneficiaries", str(path), stdout=io.StringIO())


def _printed_letter(patient) -> str:
    """An operator prints the day's batch; the text of the printed page of this person's letter."""
    operator = User.objects.create_superuser("oper", "oper@example.org", PASSWORD)
    from carnet.web.tests.test_journeys import signed_in

    client = signed_in(Client(), operator)
    client.post("/operateurs/courriers/lots/")
    batch = OutboxMessage.objects.get(channel="letter", patient_id=patient.pk).batch
    pdf = client.get(f"/operateurs/courriers/lots/{batch.pk}/lot.pdf").content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # lines as the page breaks them, read as one text


def _sign_in(login, code):
    client = Client()
    assert client.post("/connexion/", {"login": login, "password": PASSWORD})["Location"].startswith(
        "/connexion/code/"
    )
    return client, client.post("/connexion/code/", {"code": code})


def test_invited_by_letter_without_email_or_mobile_activates_and_signs_in(tmp_path):
    cache.clear()
    _import(tmp_path)
    marie = Patient.objects.get(nir=NIR)
    assert not OutboxMessage.objects.filter(channel__in=["email", "sms"]).exists()
    letter = _printed_letter(marie)
    assert "Vous n'avez pas d'adresse électronique ni de téléphone portable" in letter
    assert "liste de codes reçue par courrier" in letter and "France Services" in letter
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", letter).group(0)
    paper = re.findall(r"\b(\d{4} \d{4})\b", letter)
    assert len(paper) == 10 and len(set(paper)) == 10

    page = Client().get("/activation/").content.decode()
    assert "liste de codes reçue par courrier" in page
    answer = Client().post(
        "/activation/", {"code": code, "login": "marie-lf", "password": PASSWORD, "otp_channel": "paper"}
    )
    assert answer.status_code == 302, answer.content.decode()

    client, answer = _sign_in("marie-lf", paper[0])
    assert answer.status_code == 302 and client.get("/patient/").status_code == 200
    assert not OutboxMessage.objects.filter(channel__in=["email", "sms"]).exists()  # the code was on paper
    _client, next_one = _sign_in("marie-lf", paper[1])
    assert next_one.status_code == 302
    _client, again = _sign_in("marie-lf", paper[0])
    assert again.status_code == 200 and "pas le bon" in again.content.decode()  # a used code is spent


def test_the_code_page_asks_for_a_code_of_the_list_and_sends_nothing(tmp_path):
    cache.clear()
    _import(tmp_path)
    letter = OutboxMessage.objects.get(channel="letter")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", letter.body).group(0)
    Client().post(
        "/activation/", {"code": code, "login": "marie-lf", "password": PASSWORD, "otp_channel": "paper"}
    )
    client = Client()
    client.post("/connexion/", {"login": "marie-lf", "password": PASSWORD})
    page = client.get("/connexion/code/").content.decode()
    assert "Prenez la lettre de carnet" in page and "Recevoir un nouveau code" not in page
    assert "Code de votre liste (8 chiffres)" in page
    client.post(reverse("auth:resend-code"))
    assert not OutboxMessage.objects.filter(channel__in=["email", "sms"]).exists()  # nothing to send to


def test_the_paper_list_is_refused_to_an_invitation_by_email(alice_pending_by_email):
    code = alice_pending_by_email
    answer = Client().post(
        "/activation/",
        {"code": code, "login": "alice-p", "password": PASSWORD, "otp_channel": "paper"},
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and "ne contient pas de liste de codes" in page
    assert not User.objects.filter(username="alice-p").exists()


def test_the_file_may_name_the_language_of_the_letter(tmp_path):
    path = tmp_path / "beneficiaires.csv"
    path.write_text(
        "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address;language\n"
        f"{NIR};Le Floch;;Marie Anne;1931-03-09;F;29019;;;3 rue Kéréon 29000 Quimper;en\n",
        encoding="utf-8",
    )
    call_command("import_beneficiaries", str(path), stdout=io.StringIO())
    letter = OutboxMessage.objects.get(channel="letter")
    assert letter.subject == "Your carnet health space" and "Your sign-in codes" in letter.body
    assert Patient.objects.get(nir=NIR).language == "en"


def test_an_unknown_language_in_the_file_is_refused_with_its_line(tmp_path):
    from carnet.identity.imports import import_beneficiaries

    report = import_beneficiaries(
        "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address;language\n"
        f"{NIR};Le Floch;;Marie;1931-03-09;F;29019;;;3 rue Kéréon 29000 Quimper;breton\n"
    )
    assert {"line": 2, "column": "language", "error": "langue attendue : fr ou en"} in report.errors
    assert not Patient.objects.exists()


def test_a_wrong_code_of_the_list_counts_as_a_failure(tmp_path):
    cache.clear()
    _import(tmp_path)
    letter = OutboxMessage.objects.get(channel="letter")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", letter.body).group(0)
    Client().post(
        "/activation/", {"code": code, "login": "marie-lf", "password": PASSWORD, "otp_channel": "paper"}
    )
    _client, answer = _sign_in("marie-lf", "0000 0000")
    assert answer.status_code == 200
    assert User.objects.get(username="marie-lf").failed_logins == 1


@pytest.fixture
def alice_pending_by_email(db):
    from carnet import factories
    from carnet.identity.actions import invite_patient

    patient = factories.make_patient(email="alice.pending@example.org", state="pending", user=None)
    return invite_patient(patient)
