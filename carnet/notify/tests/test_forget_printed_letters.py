"""A printed letter's text and PDF (here an activation code) are kept for a reprint, then erased by the daily
schedule; the row stays as the proof it was sent. Letters come from the insurer's file, printed through the
back office."""

import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.tests import world
from carnet.identity.imports import import_beneficiaries
from carnet.journal.models import Entry
from carnet.notify import actions
from carnet.notify.models import OutboxMessage
from carnet.schedule.registry import SCHEDULES
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
HEADER = "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address\n"
CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


@pytest.fixture
def letters():
    """Two people without e-mail in the insurer's file: two invitation letters with their codes."""
    report = import_beneficiaries(
        HEADER
        + "231032923201283;Le Floch;;Marie;1931-03-09;F;29232;;;3 rue Kéréon 29000 Quimper\n"
        + "144077511102394;Morel;;Jean;1944-07-01;M;75111;;;8 rue Oberkampf 75011 Paris\n"
    )
    assert report.errors == [] and report.created == 2
    queued = OutboxMessage.objects.filter(channel="letter")
    assert queued.count() == 2 and all(CODE.search(letter.body) for letter in queued)
    return queued


def printed(operator) -> OutboxMessage:
    """The print room prints the queue in one batch and marks it printed."""
    assert operator.post("/operateurs/courriers/lots/").status_code == 302
    batch = OutboxMessage.objects.filter(channel="letter").first().batch
    assert operator.post(f"/operateurs/courriers/lots/{batch.pk}/imprime/").status_code == 302
    return batch


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def days_later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_a_printed_letter_is_kept_for_a_reprint_then_its_text_is_erased(letters, erin):
    operator = signed_in(Client(), erin)
    batch = printed(operator)
    assert actions.forget_printed_letters(now=days_later(10)) == 0  # a reprint is still possible
    assert CODE.search(_text(operator.get(f"/operateurs/courriers/lots/{batch.pk}/lot.pdf").content))
    assert actions.forget_printed_letters(now=days_later(31)) == 2
    for letter in OutboxMessage.objects.filter(channel="letter"):
        assert letter.body == "" and letter.attachment is None and letter.sent_at is not None
        assert letter.recipient and letter.patient_id  # the proof it was sent
    reprint = _text(operator.get(f"/operateurs/courriers/lots/{batch.pk}/lot.pdf").content)
    assert not CODE.search(reprint) and "effacé après son impression" in reprint
    assert actions.forget_printed_letters(now=days_later(32)) == 0  # once only
    entry = Entry.objects.filter(action=P.NOTIFY_LETTERS_FORGET).last()
    assert entry.allowed and entry.patient_id is None


def test_a_letter_waiting_in_the_queue_is_never_erased(letters):
    assert actions.forget_printed_letters(now=days_later(365)) == 0
    assert all(CODE.search(letter.body) for letter in OutboxMessage.objects.filter(channel="letter"))


def test_the_daily_schedule_erases_what_is_due(letters, erin):
    printed(signed_in(Client(), erin))
    OutboxMessage.objects.update(sent_at=days_later(-31))  # a month has passed
    declared = SCHEDULES["forget-printed-letters"]
    assert declared.period_setting == "CARNET_DAILY_PERIOD"
    assert declared.run() == 2


@pytest.mark.parametrize("who", world.NOT_THE_SERVICE)
def test_nobody_but_the_service_erases_letters(letters, alice, bob, erin, who):
    actor = world.not_the_service(who, alice, bob, erin)
    printed(signed_in(Client(), erin))
    with pytest.raises(AccessDenied):
        actions.forget_printed_letters(actor, now=days_later(31))
    assert all(CODE.search(letter.body) for letter in OutboxMessage.objects.filter(channel="letter"))
    assert Entry.objects.filter(action=P.NOTIFY_LETTERS_FORGET, allowed=False).exists()
