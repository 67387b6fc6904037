"""« Qui a consulté mon dossier »: others' accesses first and grouped by person, the patient's own actions
behind a filter, plain words for every action, paging and dates, contests where they make sense with
their answer shown and notified, the download with its proof, the timeline picture."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from carnet.access.actions import answer_contest, contest_access
from carnet.access.actor import Actor, Channel, Role
from carnet.access.decision import Decision
from carnet.access.models import AccessContest
from carnet.access.permissions import Permission as P
from carnet.journal.actions import record
from carnet.journal.proof import verify_download
from carnet.notify.models import OutboxMessage
from carnet.records.actions import deposit_document
from carnet.records.tests.helpers import me, meta, pro
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[a-z]+:[a-z-]+:[a-z-]+\b")
YES = Decision(True, "ok", "rule")


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


@pytest.fixture
def patient_client(client, alice):
    return signed_in(client, alice.user)


@pytest.fixture
def bobs_read(alice, bob):
    document = deposit_document(pro(bob), alice, b"%PDF-1.4 compte rendu", meta(title="Compte rendu cardio"))
    record(
        pro(bob),
        P.RECORD_DOCUMENT_READ,
        YES,
        patient=alice,
        resource_type="Document",
        resource_id=document.pk,
    )
    return document


def test_opening_the_access_page_never_reads_as_a_change_of_settings(patient_client):
    patient_client.get("/patient/acces/")
    mine = _main(patient_client.get("/patient/journal/?qui=mine"))
    assert "a changé vos réglages" not in mine and "a changé ses réglages" not in mine
    assert "a ouvert la page « Qui peut voir mon dossier »" in mine
    assert "Qui peut voir mon dossier" not in _main(patient_client.get("/patient/journal/")).split("<h2")[2]


def test_others_come_first_grouped_by_professional_with_the_document_named(patient_client, bob, bobs_read):
    main = _main(patient_client.get("/patient/journal/"))
    assert bob.display_name in main and "médecin" in main
    assert "a consulté un document" in main and "« Compte rendu cardio »" in main
    assert 'class="journal-group' in main


def test_the_patients_own_actions_are_behind_a_filter(patient_client, alice):
    deposit_document(me(alice), alice, b"mes notes", meta(type_code="DOCPAT01", title="Mes notes"))
    assert "a ajouté un document" not in _main(patient_client.get("/patient/journal/"))
    assert "a ajouté un document" in _main(patient_client.get("/patient/journal/?qui=mine"))


def test_no_line_ever_shows_a_raw_action_code(patient_client, alice, bob):
    actors = [pro(bob), me(alice), Actor(role=Role.SYSTEM, channel=Channel.TASK)]
    codes = [p.value for p in P] + ["account:space:activate", "account:space:invite", "access:app:revoke"]
    codes += ["something:never:seen"]
    for actor in actors:
        for code in codes:
            record(actor, code, YES, patient=alice, detail={"view": "x"} if "settings" in code else None)
    main = _main(patient_client.get("/patient/journal/?qui=all"))
    shown = re.sub(r"<[^>]+>", " ", main)
    assert not CODE.findall(shown), CODE.findall(shown)[:5]
    assert "system" not in shown and "task" not in shown


def test_paging_reaches_older_lines_and_dates_filter(patient_client, alice, bob):
    for n in range(60):
        record(pro(bob), P.RECORD_PROFILE_READ, YES, patient=alice, detail={"n": n})
    first = _main(patient_client.get("/patient/journal/"))
    assert "Plus anciens" in first and first.count("a consulté votre profil de santé") == 50
    second = _main(patient_client.get("/patient/journal/?page=2"))
    assert second.count("a consulté votre profil de santé") == 10 and "Plus récents" in second
    empty = _main(patient_client.get("/patient/journal/?du=2001-01-01&au=2001-01-31"))
    assert "a consulté votre profil de santé" not in empty


def test_contest_is_offered_on_others_accesses_only(patient_client, alice, bob, bobs_read):
    deposit_document(me(alice), alice, b"mes notes", meta(type_code="DOCPAT01", title="Mes notes"))
    assert "Je conteste cet accès" in _main(patient_client.get("/patient/journal/"))
    assert "Je conteste cet accès" not in _main(patient_client.get("/patient/journal/?qui=mine"))


def test_the_answer_to_a_contest_is_shown_and_sent(patient_client, alice, bob, bobs_read, erin):
    from carnet.journal.models import Entry

    seq = Entry.objects.filter(patient_id=alice.pk, action=P.RECORD_DOCUMENT_READ).latest("seq").seq
    contest = contest_access(me(alice), alice, seq, "Je ne connais pas ce médecin")
    main = _main(patient_client.get("/patient/journal/"))
    assert "Je ne connais pas ce médecin" in main and "examine votre contestation" in main
    operator = Actor(role=Role.OPERATOR, user=erin)
    answer_contest(
        operator, AccessContest.objects.get(pk=contest.pk), "Le Dr Durand est votre médecin traitant."
    )
    main = _main(patient_client.get("/patient/journal/"))
    assert "Le Dr Durand est votre médecin traitant." in main
    assert OutboxMessage.objects.filter(subject="Réponse à votre contestation").exists()


def test_the_download_carries_its_proof_and_the_command_verifies_it(
    patient_client, alice, bob, bobs_read, tmp_path
):
    response = patient_client.get("/patient/journal/telecharger/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["entries"] and verify_download(data) == (True, "ok")
    path = tmp_path / "journal.json"
    path.write_bytes(response.content)
    out = StringIO()
    call_command("journal", "verify-download", str(path), stdout=out)
    assert "download intact" in out.getvalue()
    data["entries"][0]["action"] = "record:document:delete"
    path.write_text(json.dumps(data))
    with pytest.raises(Exception, match="NOT intact"):
        call_command("journal", "verify-download", str(path), stdout=StringIO())


def test_a_professional_cannot_download_a_patients_journal(client, bob, alice):
    signed_in(client, bob.user)
    response = client.get("/patient/journal/telecharger/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_timeline_picture_with_its_data_table(patient_client, bob, bobs_read):
    main = _main(patient_client.get("/patient/journal/"))
    assert '<svg class="timeline"' in main and "<circle" in main
    assert "Accès par personne" in main and bob.display_name in main
