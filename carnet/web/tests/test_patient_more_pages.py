"""Notification preferences, caregiver mandates, switching spaces, and the professional's profile form and
emergency countdown, through the pages."""

import pytest

from carnet import factories
from carnet.identity.models import Mandate, Representative
from carnet.notify.models import NotificationPreference
from carnet.records.models import ProfileEntry
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db


def test_notification_preferences(client, alice):
    signed_in(client, alice.user)
    assert client.get("/patient/notifications/").status_code == 200
    client.post("/patient/notifications/", {"channel": "sms", "daily_digest": "on"})
    preference = NotificationPreference.objects.get(patient_id=alice.pk)
    assert (preference.channel, preference.daily_digest) == ("sms", True)


def test_mandate_given_then_revoked_and_the_caregiver_acts(client_factory, alice):
    helper = factories.make_user("helene", first_name="Hélène", last_name="Aide")
    patient = signed_in(client_factory(), alice.user)
    patient.post("/patient/mandats/", {"login": "helene", "scopes": ["read"], "days": 30})
    mandate = Mandate.objects.get(patient=alice, caregiver=helper)
    caregiver = signed_in(client_factory(), helper)
    assert caregiver.get("/patient/documents/").status_code == 200
    assert caregiver.get("/patient/acces/").status_code == 403  # a read-only mandate does not manage access
    patient.post(f"/patient/mandats/{mandate.pk}/retirer/")
    assert caregiver.get("/patient/documents/").status_code == 302


def test_mandate_to_an_unknown_login_is_refused(client, alice):
    signed_in(client, alice.user)
    page = client.post(
        "/patient/mandats/", {"login": "nobody", "scopes": ["read"], "days": 30}
    ).content.decode()
    assert "Aucun compte carnet" in page and not Mandate.objects.exists()


def test_a_parent_switches_between_spaces(client, alice):
    from django.utils import timezone

    today = timezone.localdate()
    child = factories.make_patient("Zoé", "Martin", user=None, birth_date=today.replace(year=today.year - 8))
    Representative.objects.create(patient=child, user=alice.user)
    signed_in(client, alice.user)
    page = client.get("/patient/espaces/").content.decode()
    assert "Zoé" in page and "Alice" in page
    client.post("/patient/espaces/", {"patient": child.pk})
    assert (
        "Zoé" in client.get("/patient/").content.decode()
        or client.session["acting_for_patient_id"] == child.pk
    )
    other = factories.make_patient("Paul", "Roux")
    client.post("/patient/espaces/", {"patient": other.pk})
    assert client.session["acting_for_patient_id"] == child.pk  # not a space of hers: ignored


def test_the_gp_adds_a_profile_entry_and_a_stranger_cannot(client_factory, alice, bob, dave):
    gp = signed_in(client_factory(), bob.user)
    gp.post(
        f"{found(gp, alice)}profil/",
        {"kind": "allergy", "label": "Latex", "date": "2026-11-01", "value": "", "unit": ""},
    )
    assert ProfileEntry.objects.get(patient=alice).author == bob
    stranger = signed_in(client_factory(), dave.user)
    stranger.post(
        f"{found(stranger, alice)}profil/", {"kind": "allergy", "label": "Autre", "date": "2026-11-01"}
    )
    assert ProfileEntry.objects.count() == 1


def test_emergency_countdown_on_the_pro_page(client, alice, dave):
    signed_in(client, dave.user)
    alices_page = found(client, alice)
    client.post(
        f"{alices_page}acces/glass/",
        {"reason_code": "vital-risk", "reason_text": "Malaise grave en consultation"},
    )
    assert "Accès en urgence ouvert jusqu" in client.get(alices_page).content.decode()


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_sensitive_category_choice_and_presence_code_by_sms(client, alice):
    from carnet.access.policy import settings_of
    from carnet.notify.models import OutboxMessage

    alice.phone = "0611223344"
    alice.save(update_fields=["phone"])
    signed_in(client, alice.user)
    client.post("/patient/acces/categories/", {"category": "mental-health", "visibility": "normal"})
    alice.refresh_from_db()
    assert settings_of(alice).category_choices == {"mental-health": "normal"}
    client.post("/patient/acces/code-de-presence/", {"sms": "1"})
    assert OutboxMessage.objects.filter(
        channel="sms", recipient="0611223344", body__contains="code de présence"
    )


def test_the_author_replaces_a_document_from_the_pro_page(client, alice, bob):
    import io

    from carnet.records import actions
    from carnet.records.models import Document
    from carnet.records.samples import sample_pdf
    from carnet.records.tests.helpers import meta, pro

    old = actions.deposit_document(pro(bob), alice, sample_pdf("v1"), meta())
    signed_in(client, bob.user)
    upload = io.BytesIO(sample_pdf("v2"))
    upload.name = "v2.pdf"
    client.post(f"/pro/documents/{old.pk}/remplacer/", {"file": upload})
    old.refresh_from_db()
    assert old.status == "superseded" and Document.objects.get(replaces=old).status == "current"
