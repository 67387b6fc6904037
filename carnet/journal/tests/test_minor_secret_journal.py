"""A representative's journal obeys the documents' visibility: the review's parent read "Dr … a ajouté un
document" for care under minor secrecy (with a gynaecologist as author, the line is the secret)."""

import datetime

import pytest
from django.utils import timezone

from carnet import factories
from carnet.identity.models import Representative, Specialty
from carnet.records import actions, queries
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(alice):
    """Alice, parent of Zoé (15), whose gynaecologist deposits under minor secrecy."""
    today = timezone.localdate()
    zoe = factories.make_patient(
        "Zoé", "Martin", user=None, birth_date=today - datetime.timedelta(days=15 * 366)
    )
    Representative.objects.create(patient=zoe, user=alice.user)
    gyn = factories.make_professional("Gaëlle", "Nadir", specialty=Specialty.GYNECOLOGIE)
    return zoe, gyn


def _parents_journal(client, alice, zoe) -> str:
    signed_in(client, alice.user)
    client.post("/patient/espaces/", {"patient": zoe.pk})
    return client.get("/patient/journal/").content.decode()


def test_the_parent_reads_no_line_about_a_minor_secret_document(client, alice, family):
    zoe, gyn = family
    secret = actions.deposit_document(
        pro(gyn), zoe, sample_pdf("Contraception"), meta(title="Consultation", minor_secret=True)
    )
    queries.read_content(pro(gyn), secret.pk)  # the author reads it again: a line about the document
    page = _parents_journal(client, alice, zoe)
    assert "Nadir" not in page and "a ajouté un document" not in page and "a consulté un document" not in page


def test_the_parent_still_reads_the_lines_about_documents_they_see(client, alice, bob, family):
    zoe, gyn = family
    actions.deposit_document(pro(gyn), zoe, sample_pdf("Contraception"), meta(minor_secret=True))
    actions.deposit_document(pro(bob), zoe, sample_pdf("Vaccins"), meta(title="Carnet de vaccination"))
    page = _parents_journal(client, alice, zoe)
    assert "Bob Durand" in page and "a ajouté un document" in page
    assert "Nadir" not in page
