"""Referencing: the editor's file, the operators' checklist and decision, the period, and suspension or
withdrawal that revoke every token at once and tell the app's users."""

import datetime

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.catalogue import actions
from carnet.catalogue.categories import CRITERIA
from carnet.catalogue.models import ApplicationFile
from carnet.errors import Refused
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
FIELDS = {
    "name": "Balance connectée",
    "editor_name": "Pèse SAS",
    "purpose": "Suivre son poids",
    "theme": "measures",
    "retention": "1 an",
    "hds_reference": "HDS-1",
    "dpia_reference": "AIPD-1",
    "privacy_notice_url": "https://pese.example/vie-privee",
    "redirect_uris": "https://pese.example/cb",
}
ALL = {key: True for key, _label in CRITERIA}
NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)


def editor(user) -> Actor:
    return Actor(role=Role.EDITOR, user=user)


def operator(user) -> Actor:
    return Actor(role=Role.OPERATOR, user=user)


@pytest.fixture
def submitted(db):
    user = factories.make_editor()
    file = actions.save_file(editor(user), ApplicationFile(), FIELDS, [("measurements", "write", "la pesée")])
    return actions.submit_file(editor(user), file)


def test_a_file_asks_each_category_with_a_reason():
    user = factories.make_editor()
    with pytest.raises(Refused, match="raison"):
        actions.save_file(editor(user), ApplicationFile(), FIELDS, [("measurements", "write", " ")])
    with pytest.raises(Refused):
        actions.save_file(editor(user), ApplicationFile(), FIELDS, [("allergies", "write", "écrire")])
    assert not ApplicationFile.objects.exists()


def test_only_its_editor_changes_a_file(submitted):
    other = factories.make_editor("oscar")
    with pytest.raises(AccessDenied):
        actions.submit_file(editor(other), submitted)
    with pytest.raises(AccessDenied):
        actions.save_file(Actor(role=Role.PATIENT, user=other), submitted, FIELDS, [])


def test_referencing_needs_every_criterion_a_reason_and_a_period(submitted, erin):
    with pytest.raises(Refused, match="hds"):
        actions.decide_file(
            operator(erin),
            submitted,
            actions.DecisionData("reference", "ok", ALL | {"hds": False}, NEXT_YEAR),
        )
    with pytest.raises(Refused):
        actions.decide_file(operator(erin), submitted, actions.DecisionData("reference", "ok", ALL, None))
    with pytest.raises(Refused):
        actions.decide_file(operator(erin), submitted, actions.DecisionData("reference", " ", ALL, NEXT_YEAR))
    review = actions.decide_file(
        operator(erin), submitted, actions.DecisionData("reference", "conforme", ALL, NEXT_YEAR)
    )
    submitted.refresh_from_db()
    assert submitted.state == "referenced" and submitted.application.name == "Balance connectée"
    assert submitted.application.redirect_uris == "https://pese.example/cb" and review.checklist == ALL
    assert Entry.objects.filter(action="catalogue:file:decide", allowed=True).count() == 1


def test_only_operators_decide(submitted, alice):
    for actor in (Actor(role=Role.PATIENT, user=alice.user, patient=alice), editor(submitted.owner)):
        with pytest.raises(AccessDenied):
            actions.decide_file(actor, submitted, actions.DecisionData("reference", "x", ALL, NEXT_YEAR))
    assert Entry.objects.filter(action="catalogue:file:decide", allowed=False).count() == 2


def test_suspension_revokes_every_token_at_once_and_tells_the_users(submitted, erin, alice):
    actions.decide_file(operator(erin), submitted, actions.DecisionData("reference", "ok", ALL, NEXT_YEAR))
    submitted.refresh_from_db()
    AccessToken.objects.create(
        user=alice.user,
        application=submitted.application,
        token="t1",
        scope="patient/Observation.c",
        expires=timezone.now() + datetime.timedelta(minutes=5),
    )
    actions.decide_file(operator(erin), submitted, actions.DecisionData("suspend", "fuite signalée", {}))
    submitted.refresh_from_db()
    assert (
        submitted.state == "suspended"
        and not AccessToken.objects.filter(application=submitted.application).exists()
    )
    assert OutboxMessage.objects.filter(recipient=alice.email).exists()
    actions.decide_file(operator(erin), submitted, actions.DecisionData("withdraw", "retrait définitif", {}))
    submitted.refresh_from_db()
    assert submitted.state == "withdrawn" and not submitted.is_live()


def test_editor_pages_show_the_files_state(client, submitted, erin):
    signed_in(client, submitted.owner)
    page = client.get(f"/editeurs/{submitted.pk}/").content.decode()
    assert "en examen" in page
    actions.decide_file(operator(erin), submitted, actions.DecisionData("refuse", "AIPD absente", {}))
    page = client.get(f"/editeurs/{submitted.pk}/").content.decode()
    assert "refusée" in page and "AIPD absente" in page


def test_editor_files_an_application_through_the_pages(client):
    user = factories.make_editor()
    signed_in(client, user)
    response = client.post("/editeurs/", FIELDS | {"reason_measurements_write": "la pesée"})
    assert response.status_code == 302
    file = ApplicationFile.objects.get()
    client.post(f"/editeurs/{file.pk}/", {"action": "submit"})
    file.refresh_from_db()
    assert file.state == "submitted" and file.requests.get().category == "measurements"


def test_operators_review_through_the_pages(client, submitted, erin, alice):
    signed_in(client, erin)
    assert "Balance connectée" in client.get("/operateurs/catalogue/").content.decode()
    response = client.post(
        f"/operateurs/catalogue/{submitted.pk}/",
        {
            "decision": "reference",
            "checklist": list(ALL),
            "reasons": "conforme",
            "until": NEXT_YEAR.isoformat(),
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "referenced"
    client.logout()
    signed_in(client, alice.user)
    assert client.get("/operateurs/catalogue/").status_code == 302


def test_an_ended_period_suspends_the_app_and_revokes_its_tokens(alice):
    from carnet.catalogue.tasks import end_expired_references_task

    file = factories.make_referenced_app("Ancienne", "https://old.example/cb")
    live = factories.make_referenced_app("Active", "https://new.example/cb")
    ApplicationFile.objects.filter(pk=file.pk).update(
        referenced_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    for app in (file.application, live.application):
        AccessToken.objects.create(
            user=alice.user,
            application=app,
            token=f"t-{app.pk}",
            expires=timezone.now() + datetime.timedelta(minutes=5),
        )
    assert end_expired_references_task.call() == 1
    file.refresh_from_db()
    assert file.state == "suspended" and not AccessToken.objects.filter(application=file.application).exists()
    assert AccessToken.objects.filter(application=live.application).exists()
    assert Entry.objects.filter(action="catalogue:file:expire", actor_role="system", allowed=True).exists()
    assert end_expired_references_task.call() == 0
