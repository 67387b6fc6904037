"""From the insurer's file to a signed-in session, through the real pages."""

import re

import pytest
from django.core.cache import cache

from carnet.identity.imports import import_beneficiaries
from carnet.identity.models import Patient
from carnet.identity.nir import make_nir
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_imported_beneficiary_activates_and_signs_in(client):
    cache.clear()
    nir = make_nir(2, 1990, 5, "69", 123, 45)
    header = "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address\n"
    import_beneficiaries(header + f"{nir};Garnier;;Nora;1990-05-20;F;69123;nora@example.org;;\n")
    invitation = OutboxMessage.objects.get(recipient="nora@example.org")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", invitation.body).group(0)

    response = client.post(
        "/activation/",
        {
            "code": code,
            "login": "nora.g",
            "password": "des mots assez longs 42",
            "email": "",
            "phone": "",
            "otp_channel": "email",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Patient.objects.get(nir=nir).state == Patient.State.OPEN

    client.post("/connexion/", {"login": "nora.g", "password": "des mots assez longs 42"})
    sign_in_mail = OutboxMessage.objects.filter(recipient="nora@example.org").order_by("-pk").first()
    otp = re.search(r"\b(\d{6})\b", sign_in_mail.body).group(1)
    response = client.post("/connexion/code/", {"code": otp})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(Patient.objects.get(nir=nir).user_id)


def test_activation_page_shows_a_specific_error_for_a_reused_code(client):
    nir = make_nir(1, 1970, 1, "13", 55, 9)
    header = "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address\n"
    import_beneficiaries(header + f"{nir};Roche;;Marc;1970-01-02;M;13055;marc@example.org;;\n")
    code = re.search(
        r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", OutboxMessage.objects.get(recipient="marc@example.org").body
    ).group(0)
    data = {"code": code, "login": "marc.r", "password": "des mots assez longs 42", "otp_channel": "email"}
    client.post("/activation/", data)
    response = client.post("/activation/", data | {"login": "marc.bis"})
    assert "déjà été utilisé" in response.content.decode()
