"""Research only by opt-in: through the patient's and the operators' pages, and the actions behind them."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.research import Candidate, decide_inclusion, eligible
from carnet.errors import Refused
from carnet.identity.models import Patient, Representative
from carnet.journal.models import Entry
from carnet.records import actions as records
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.research import actions
from carnet.research.extract import pseudonym, shift
from carnet.research.models import Extract, Study
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def operator(erin):
    return Actor(role=Role.OPERATOR, user=erin)


def study(erin, **fields):
    values = {
        "title": "Diabète et suivi",
        "sponsor": "CHU de Lyon",
        "approving_body": "CPP Sud-Est",
        "approval_reference": "2026-A01234-56",
        "ethics_approved": True,
        "purpose": "Comprendre le suivi du diabète de type 2",
        "categories": ["demography", "documents"],
        "period_start": datetime.date(2020, 1, 1),
        "period_end": datetime.date(2030, 1, 1),
        "ends_on": TODAY + datetime.timedelta(days=365),
    }
    return actions.register_study(operator(erin), **(values | fields))


def included(erin, the_study) -> set[int]:
    extract = actions.create_extract(operator(erin), the_study)
    return set(extract.inclusions.values_list("patient_id", flat=True))


def opt_in(patient, every=False):
    actions.set_research_choice(Actor.for_patient(patient), patient, True, every)


def test_by_default_nobody_is_in_an_extract(alice, erin):
    assert included(erin, study(erin)) == set()


def test_the_patient_opts_in_and_accepts_through_her_page_and_sees_the_extract(client, alice, bob, erin):
    records.deposit_document(pro(bob), alice, sample_pdf("CR", ["texte"]), meta())
    the_study = study(erin)
    page = signed_in(client, alice.user)
    assert "Diabète et suivi" in page.get("/patient/recherche/").content.decode()
    page.post("/patient/recherche/choix/", {"opted_in": "1"})
    page.post(f"/patient/recherche/etudes/{the_study.pk}/", {"answer": "yes"})
    operators = signed_in(Client(), erin)
    assert operators.post(f"/operateurs/recherche/etudes/{the_study.pk}/extrait/").status_code == 302
    extract = Extract.objects.get(study=the_study)
    assert list(extract.inclusions.values_list("patient_id", flat=True)) == [alice.pk]
    journal = Entry.objects.filter(patient_id=alice.pk, action=P.RESEARCH_EXTRACT_INCLUDE, allowed=True)
    assert journal.count() == 1
    mine = page.get("/patient/recherche/").content.decode()
    assert "Vos données ont été incluses dans l'étude « Diabète et suivi »" in mine
    download = operators.get(f"/operateurs/recherche/extraits/{extract.pk}.csv")
    assert download["Content-Disposition"].startswith("attachment")


def test_the_extract_holds_no_identifier_and_shifts_dates(alice, bob, erin):
    records.deposit_document(pro(bob), alice, sample_pdf("CR", ["texte"]), meta(title="Bilan diabète"))
    the_study = study(erin)
    opt_in(alice)
    actions.answer_study(Actor.for_patient(alice), alice, the_study, True)
    content = actions.create_extract(operator(erin), the_study).content
    for secret in (alice.nir, alice.birth_name, alice.first_names, alice.email, "Bilan diabète"):
        assert secret not in content
    lines = list(csv.DictReader(io.StringIO(content)))
    document_line = next(line for line in lines if line["categorie"] == "document")
    moved = datetime.date.fromisoformat(document_line["date"]) - datetime.date(2026, 11, 2)
    assert moved == shift(the_study, alice.pk) and abs(moved.days) <= 30
    assert {line["pseudonyme"] for line in lines} == {pseudonym(the_study, alice.pk)}


def test_pseudonyms_differ_between_studies(alice, erin):
    one, two = study(erin), study(erin, title="Autre étude")
    assert pseudonym(one, alice.pk) != pseudonym(two, alice.pk)


def test_free_text_only_where_the_study_asked_and_the_person_accepted(alice, bob, erin):
    records.deposit_document(pro(bob), alice, sample_pdf("CR", ["texte"]), meta(title="Bilan diabète"))
    opt_in(alice)
    asking = study(erin, free_text=True)
    actions.answer_study(Actor.for_patient(alice), alice, asking, True, free_text=False)
    assert "Bilan diabète" not in actions.create_extract(operator(erin), asking).content
    actions.answer_study(Actor.for_patient(alice), alice, asking, True, free_text=True)
    assert "Bilan diabète" in actions.create_extract(operator(erin), asking).content


def test_withdrawal_stops_every_later_extract(alice, erin):
    the_study = study(erin)
    opt_in(alice)
    actions.answer_study(Actor.for_patient(alice), alice, the_study, True)
    assert included(erin, the_study) == {alice.pk}
    actions.withdraw_from_study(Actor.for_patient(alice), alice, the_study)
    assert included(erin, the_study) == set()
    actions.answer_study(Actor.for_patient(alice), alice, the_study, True)
    actions.set_research_choice(Actor.for_patient(alice), alice, False, False)
    assert included(erin, the_study) == set(), "saying no in general ends every study"


def test_every_approved_study_needs_an_ethics_approval_and_respects_a_no(alice, erin):
    opt_in(alice, every=True)
    approved, unapproved = study(erin), study(erin, title="Sans comité", ethics_approved=False)
    assert included(erin, approved) == {alice.pk}
    assert included(erin, unapproved) == set()
    actions.answer_study(Actor.for_patient(alice), alice, approved, False)
    assert included(erin, approved) == set()


def test_a_closed_space_is_never_in_an_extract(alice, erin):
    the_study = study(erin)
    opt_in(alice)
    actions.answer_study(Actor.for_patient(alice), alice, the_study, True)
    Patient.objects.filter(pk=alice.pk).update(state=Patient.State.CLOSED)
    assert included(erin, the_study) == set()


def test_a_minor_only_with_the_representatives_consent_and_their_own_at_18(alice, erin):
    child = factories.make_patient(
        "Léo", "Martin", user=False, birth_date=TODAY.replace(year=TODAY.year - 12)
    )
    Representative.objects.create(patient=child, user=alice.user)
    parent = Actor(role=Role.REPRESENTATIVE, user=alice.user, patient=child)
    the_study = study(erin)
    actions.set_research_choice(parent, child, True, False)
    actions.answer_study(parent, child, the_study, True)
    assert included(erin, the_study) == {child.pk}
    Patient.objects.filter(pk=child.pk).update(birth_date=TODAY.replace(year=TODAY.year - 19))
    assert included(erin, the_study) == set(), "at 18 the parent's choice no longer counts"


def test_refusals_beside_the_allowed_paths(alice, bob, erin):
    the_study = study(erin)
    for stranger in (Actor.for_professional(bob), operator(erin)):
        with pytest.raises(AccessDenied):
            actions.set_research_choice(stranger, alice, True, True)
    for not_operator in (Actor.for_patient(alice), Actor.for_professional(bob)):
        with pytest.raises(AccessDenied):
            actions.create_extract(not_operator, the_study)
        with pytest.raises(AccessDenied):
            actions.register_study(not_operator, title="x")
    assert not decide_inclusion(Actor.for_patient(alice), Candidate(the_study, alice)).allowed


def test_accepting_a_study_needs_the_general_choice_first(alice, erin):
    with pytest.raises(Refused) as refused:
        actions.answer_study(Actor.for_patient(alice), alice, study(erin), True)
    assert refused.value.code == "opt-in-first"


def test_an_ended_study_gets_no_extract(alice, erin):
    the_study = study(erin)
    Study.objects.filter(pk=the_study.pk).update(ends_on=TODAY - datetime.timedelta(days=1))
    the_study.refresh_from_db()
    assert not eligible(the_study).exists()
    with pytest.raises(Exception, match="terminée"):
        actions.create_extract(operator(erin), the_study)


def test_operators_register_a_study_through_their_page(client, erin):
    page = signed_in(client, erin)
    response = page.post(
        "/operateurs/recherche/",
        {
            "title": "Vaccination",
            "sponsor": "Santé publique",
            "approving_body": "CPP",
            "approval_reference": "R1",
            "ethics_approved": "on",
            "purpose": "Couverture vaccinale",
            "categories": ["demography"],
            "period_start": "2024-01-01",
            "period_end": "2026-01-01",
            "ends_on": str(TODAY.replace(year=TODAY.year + 1)),
        },
    )
    assert response.status_code == 302 and Study.objects.get().title == "Vaccination"
    bad = page.post("/operateurs/recherche/", {"title": "x", "categories": ["everything"]})
    assert bad.status_code == 200 and Study.objects.count() == 1
