"""The médecin traitant and legal representatives: from the beneficiary file, by the patient, by operators."""

import datetime

import pytest
from django.utils import timezone

from carnet import factories
from carnet.access.actor import SYSTEM, Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.tests.world import make_document
from carnet.errors import Conflict, Refused
from carnet.identity import actions
from carnet.identity.imports import import_beneficiaries
from carnet.identity.models import ActivationCode, Patient, Representative
from carnet.identity.nir import make_nir
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEADER = (
    "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address;"
    "gp_rpps;attached_to_nir;court_decision;protection_until\n"
)
PARENT_NIR = make_nir(2, 1985, 3, "75", 56, 101)
CHILD_BORN = TODAY.replace(year=TODAY.year - 9, day=1)
CHILD_NIR = make_nir(1, CHILD_BORN.year, CHILD_BORN.month, "75", 56, 102)
WARD_NIR = make_nir(1, 1960, 5, "69", 123, 103)


def as_patient(patient):
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def operator(erin):
    return Actor(role=Role.OPERATOR, user=erin)


def family_file(gp_rpps="", ward_court=None):
    parent = f"{PARENT_NIR};Martin;;Claire;1985-03-14;F;75056;claire@example.org;;;{gp_rpps};;;"
    child = f"{CHILD_NIR};Martin;;Léo;{CHILD_BORN};M;75056;;;;{gp_rpps};{PARENT_NIR};;"
    ward = f"{WARD_NIR};Roux;;Henri;1960-05-02;M;69123;;;8 rue Haute 69001 Lyon;;{PARENT_NIR}{ward_court}"
    return HEADER + "\n".join([parent, child] + ([ward] if ward_court is not None else [])) + "\n"


def test_the_beneficiary_file_declares_the_gp_and_registers_the_representatives(bob):
    until = TODAY + datetime.timedelta(days=700)
    report = import_beneficiaries(family_file(bob.rpps, f";TJ-Lyon-2024-118;{until}"))
    assert report.errors == [] and report.created == 3
    parent, child, ward = (Patient.objects.get(nir=n) for n in (PARENT_NIR, CHILD_NIR, WARD_NIR))
    assert parent.gp == bob and child.gp == bob
    reps = {rep.patient.nir: rep for rep in Representative.objects.select_related("patient")}
    assert reps[CHILD_NIR].person == parent and reps[CHILD_NIR].kind == Representative.Kind.PARENT
    assert reps[WARD_NIR].kind == Representative.Kind.GUARDIAN
    assert (reps[WARD_NIR].court_decision, reps[WARD_NIR].protection_until) == ("TJ-Lyon-2024-118", until)
    assert Entry.objects.filter(action=P.ACCOUNT_GP_CHOOSE, rule="beneficiary-file").count() == 2


def test_a_minors_invitation_goes_to_the_representative():
    import_beneficiaries(family_file())
    child = Patient.objects.get(nir=CHILD_NIR)
    to_parent = OutboxMessage.objects.filter(recipient="claire@example.org").order_by("created_at")
    assert [m.subject for m in to_parent] == [
        "Votre espace de santé carnet",
        "L'espace de santé carnet de Léo Martin",
    ]
    assert not OutboxMessage.objects.filter(patient_id=child.pk).exists()  # no letter to the child
    assert "représentant légal" in to_parent.last().body


def test_a_represented_minors_code_opens_no_login_of_their_own():
    import_beneficiaries(family_file())
    child = Patient.objects.get(nir=CHILD_NIR)
    code = actions.invite_patient(child)
    with pytest.raises(Refused) as refused:
        actions.activate_account(code, "leo-martin", "une phrase de passe solide")
    assert refused.value.code == "minor_represented"


def test_a_representative_who_activates_later_gets_the_childs_space(client):
    import_beneficiaries(family_file())
    parent = Patient.objects.get(nir=PARENT_NIR)
    user = actions.activate_account(actions.invite_patient(parent), "claire-m", "une phrase de passe solide")
    rep = Representative.objects.get(patient__nir=CHILD_NIR)
    assert rep.user == user


@pytest.mark.parametrize(
    ("line_change", "column"),
    [
        (lambda f: f.replace(";;;;;;\n", ";;;12345678901;;;\n", 1), "gp_rpps"),  # bad Luhn key
        (
            lambda f: f.replace(f";{PARENT_NIR};;", f";{make_nir(2, 1970, 1, '75', 56, 999)};;"),
            "attached_to_nir",
        ),
        (lambda f: f, "court_decision"),  # an adult attached without a court decision
    ],
)
def test_bad_optional_columns_stop_the_import_with_the_line_and_column(line_change, column):
    report = import_beneficiaries(line_change(family_file(ward_court=";;")))
    assert column in {error["column"] for error in report.errors}
    assert not Patient.objects.exists()


def test_the_files_gp_must_be_a_doctor_of_the_directory(charlie):
    report = import_beneficiaries(family_file(charlie.rpps, f";TJ-1;{TODAY.replace(year=TODAY.year + 1)}"))
    assert {(e["line"], e["column"]) for e in report.errors} == {(2, "gp_rpps"), (3, "gp_rpps")}


def test_the_patient_chooses_then_changes_the_gp_and_the_standing_grant_follows(alice, bob, dave):
    document = make_document(alice, bob)
    assert decide(Actor(role=Role.PROFESSIONAL, professional=bob), P.RECORD_DOCUMENT_READ, document).allowed
    actions.choose_gp(as_patient(alice), alice, dave)
    alice.refresh_from_db()
    assert alice.gp == dave
    assert decide(
        Actor(role=Role.PROFESSIONAL, professional=dave), P.RECORD_DOCUMENT_READ, document
    ).rule == ("gp-standing-grant")
    assert decide(Actor(role=Role.PROFESSIONAL, professional=bob), P.RECORD_DOCUMENT_READ, document).rule == (
        "author"  # bob keeps what he wrote himself, and nothing else
    )
    other = make_document(alice, dave)
    assert (
        decide(Actor(role=Role.PROFESSIONAL, professional=bob), P.RECORD_DOCUMENT_READ, other).rule
        == "no-grant"
    )


def test_a_pharmacist_cannot_be_the_gp_and_nobody_else_chooses_for_the_patient(alice, bob, charlie, dave):
    with pytest.raises(Refused) as refused:
        actions.choose_gp(as_patient(alice), alice, charlie)
    assert refused.value.code == "not_a_doctor"
    with pytest.raises(Conflict):
        actions.choose_gp(as_patient(alice), alice, bob)
    stranger = factories.make_patient("Denis", "Autre")
    with pytest.raises(AccessDenied):
        actions.choose_gp(as_patient(stranger), alice, dave)
    with pytest.raises(AccessDenied):
        actions.choose_gp(Actor(role=Role.PROFESSIONAL, professional=dave, user=dave.user), alice, dave)
    alice.refresh_from_db()
    assert alice.gp == bob


def test_operators_add_and_end_a_representative_and_one_without_an_account_is_invited(alice, erin):
    child = factories.make_patient(
        "Zoé", "Martin", user=None, birth_date=TODAY.replace(year=TODAY.year - 6, day=1)
    )
    father = factories.make_patient("Marc", "Martin", user=None, state=Patient.State.PENDING)
    rep = actions.add_representative(operator(erin), child, father)
    assert (rep.kind, rep.user) == (Representative.Kind.PARENT, None)
    assert ActivationCode.objects.filter(patient=father).count() == 1  # invited to his own space
    with pytest.raises(Conflict):
        actions.add_representative(operator(erin), child, father)
    with_account = actions.add_representative(operator(erin), child, alice)
    assert with_account.user == alice.user
    actions.end_representative(operator(erin), with_account)
    assert Representative.objects.get(pk=with_account.pk).ended_at is not None
    with pytest.raises(Conflict):
        actions.end_representative(operator(erin), Representative.objects.get(pk=with_account.pk))


def test_a_protected_adults_guardian_needs_a_court_decision_and_loses_access_at_its_end(alice, erin):
    ward = factories.make_patient("Henri", "Roux", user=None)
    with pytest.raises(Refused) as refused:
        actions.add_representative(operator(erin), ward, alice)
    assert refused.value.code == "court_decision_required"
    rep = actions.add_representative(
        operator(erin),
        ward,
        alice,
        court_decision="TJ-75-1",
        protection_until=TODAY + datetime.timedelta(days=1),
    )
    guardian = Actor(role=Role.REPRESENTATIVE, user=alice.user, patient=ward)
    assert decide(guardian, P.RECORD_EXPORT_CREATE, ward).allowed
    Representative.objects.filter(pk=rep.pk).update(protection_until=TODAY - datetime.timedelta(days=1))
    assert decide(guardian, P.RECORD_EXPORT_CREATE, ward).rule == "not-representative"


def test_only_operators_and_the_service_register_representatives(alice, dave):
    child = factories.make_patient(
        "Zoé", "Martin", user=None, birth_date=TODAY.replace(year=TODAY.year - 6, day=1)
    )
    for actor in (as_patient(alice), Actor(role=Role.PROFESSIONAL, professional=dave, user=dave.user)):
        with pytest.raises(AccessDenied):
            actions.add_representative(actor, child, alice)
    assert actions.add_representative(SYSTEM, child, alice).user == alice.user
