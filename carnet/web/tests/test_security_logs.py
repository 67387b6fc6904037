"""No clinical data, NIR or e-mail address ever reaches a log; operators never read clinical content."""

import logging
import re

import pytest
from django.contrib import admin

from carnet.identity.imports import import_beneficiaries
from carnet.logscrub import ScrubFilter, scrub
from carnet.notify.letters import letter_pdf
from carnet.records import actions
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro

pytestmark = pytest.mark.django_db
SECRET_TEXT = "Sérologie VIH positive"


def test_real_flows_log_no_nir_email_or_content(client, alice, bob, caplog):
    caplog.set_level(logging.DEBUG)
    header = "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address\n"
    import_beneficiaries(header + f"{alice.nir[:13]}99;Martin;;Alice;1985-03-14;F;75056;{alice.email};;\n")
    actions.deposit_document(
        pro(bob), alice, sample_pdf("Résultat", [SECRET_TEXT]), meta("11502-2", SECRET_TEXT)
    )
    client.post("/connexion/", {"login": alice.nir, "password": "wrong"})
    client.post("/connexion/", {"login": alice.email, "password": "wrong"})
    client.get(f"/patient/?q={alice.nir}")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert alice.nir not in logged and alice.nir[:13] not in logged
    assert alice.email not in logged
    assert SECRET_TEXT not in logged


def test_a_letter_leaves_no_trace_of_its_text_in_the_log(caplog):
    caplog.set_level(logging.DEBUG)
    pdf = letter_pdf("Mme Jeanne Martin, 1 rue de la Paix, 75001 Paris", "Votre carnet", SECRET_TEXT)
    assert pdf.startswith(b"%PDF")
    assert [r.name for r in caplog.records if r.name.startswith("fontTools")] == []
    assert "Glyph" not in caplog.text and SECRET_TEXT not in caplog.text


def test_the_scrub_filter_removes_nir_and_email_from_any_message():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s with %s", ("285037505601234", "a@b.fr"), None
    )
    ScrubFilter().filter(record)
    assert record.getMessage() == "user [nir] with [email]"
    assert scrub("NIR 2 85 03 75 056 012 34") == "NIR [nir]"
    assert scrub("Corse 1 60 12 2A 004 007 55") == "Corse [nir]"


def test_the_console_handler_is_scrubbed():
    from django.conf import settings

    assert "scrub" in settings.LOGGING["handlers"]["console"]["filters"]


CLINICAL_MODELS = {"document", "documenttext", "profileentry", "wish", "datakey", "entry"}


def test_admin_exposes_no_clinical_model():
    registered = {model._meta.model_name for model in admin.site._registry}
    assert not registered & CLINICAL_MODELS


def test_operators_are_refused_every_clinical_read(alice, bob, erin):
    from carnet.access.actor import Actor, Role
    from carnet.access.permissions import Permission as P
    from carnet.access.policy import OPERATOR_WORK, decide, document_filter

    document = actions.deposit_document(pro(bob), alice, sample_pdf("x"), meta())
    operator = Actor(role=Role.OPERATOR, user=erin)
    assert not {action for action in OPERATOR_WORK if action.startswith("record:")}  # service work only
    # recording a patient's paper reply is an operator's work on a letter, never a read of the record
    for action in set(P) - OPERATOR_WORK - {P.MESSAGING_PAPER_REPLY_RECORD}:
        assert not decide(operator, action, document).allowed
        assert not decide(operator, action, alice).allowed
    assert document_filter(operator, alice) is None
    assert not re.search(r"\d{13}", str(decide(operator, P.RECORD_DOCUMENT_READ, document)))
