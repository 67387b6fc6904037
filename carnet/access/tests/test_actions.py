"""Access actions: grants in both modes, presence codes, blocks, break the glass, mandates, contests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carnet import factories
from carnet.access import actions
from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.gate import authorize
from carnet.access.models import AccessContest, EmergencyAccess, Grant, ProfessionRule
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.sensitivity import proposed_visibility
from carnet.access.tests.world import make_document
from carnet.errors import Refused
from carnet.journal.models import Entry
from carnet.notify.actions import set_preferences
from carnet.notify.models import OutboxMessage
from carnet.records.models import Visibility

pytestmark = pytest.mark.django_db


def as_pro(pro):
    return Actor(role=Role.PROFESSIONAL, user=pro.user, professional=pro)


def as_patient(patient):
    return Actor(role=Role.PATIENT, user=patient.user, patient=patient)


def test_declared_consent_grants_and_notifies_the_first_time_only(alice, dave):
    actions.declare_consent(as_pro(dave), alice)
    assert decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).allowed
    assert (
        OutboxMessage.objects.filter(subject="Un nouveau professionnel accède à votre dossier").count() == 1
    )
    actions.declare_consent(as_pro(dave), alice)
    assert (
        OutboxMessage.objects.filter(subject="Un nouveau professionnel accède à votre dossier").count() == 1
    )


def test_declared_consent_is_refused_when_the_patient_chose_confirmation(alice, dave):
    actions.update_access_settings(as_patient(alice), alice, grant_mode="confirmed")
    with pytest.raises(actions.AccessError) as caught:
        actions.declare_consent(as_pro(dave), alice)
    assert caught.value.code == "confirmation_needed"
    assert not Grant.objects.exists()


def test_declared_consent_refused_in_confirmed_deployments(alice, dave, settings):
    settings.CARNET_GRANT_MODE = "confirmed"
    with pytest.raises(actions.AccessError):
        actions.declare_consent(as_pro(dave), alice)


def test_confirmed_request_gives_access_only_once_confirmed(alice, dave):
    grant = actions.request_access(as_pro(dave), alice)
    assert not decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).allowed
    actions.confirm_access(as_patient(alice), grant)
    assert decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).allowed


def test_a_professional_cannot_confirm_their_own_request(alice, dave):
    grant = actions.request_access(as_pro(dave), alice)
    with pytest.raises(AccessDenied):
        actions.confirm_access(as_pro(dave), grant)


def test_presence_code_is_single_use(alice, dave, charlie):
    code = actions.issue_presence_code(as_patient(alice), alice)
    actions.redeem_presence_code(as_pro(dave), alice, code)
    assert decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).allowed
    with pytest.raises(actions.AccessError):
        actions.redeem_presence_code(as_pro(charlie), alice, code)


def test_presence_code_guessing_is_limited(alice, dave):
    code = actions.issue_presence_code(as_patient(alice), alice)
    for _ in range(actions.PRESENCE_CODE_MAX_FAILURES):
        with pytest.raises(actions.AccessError) as caught:
            actions.redeem_presence_code(
                as_pro(dave), alice, "00000000" if code != "00000000" else "11111111"
            )
        assert caught.value.code == "wrong_code"
    with pytest.raises(actions.AccessError) as caught:
        actions.redeem_presence_code(as_pro(dave), alice, code)
    assert caught.value.code == "no_code"


def test_revocation_is_immediate(alice, dave):
    actions.declare_consent(as_pro(dave), alice)
    actions.revoke_access(as_patient(alice), alice, dave)
    assert not decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).allowed


def test_blocking_wins_over_grant_and_emergency(alice, dave):
    actions.declare_consent(as_pro(dave), alice)
    actions.block_professional(as_patient(alice), alice, dave)
    assert decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).rule == "blocked"
    with pytest.raises(AccessDenied):
        actions.break_glass(as_pro(dave), alice, "unconscious", "patient inconscient aux urgences")
    actions.unblock_professional(as_patient(alice), alice, dave)
    assert not decide(as_pro(dave), P.RECORD_PROFILE_READ, alice).allowed  # the grant was revoked too


def test_break_the_glass_needs_a_reason(alice, dave):
    with pytest.raises(actions.AccessError):
        actions.break_glass(as_pro(dave), alice, "unconscious", "")
    with pytest.raises(actions.AccessError):
        actions.break_glass(as_pro(dave), alice, "made-up", "patient inconscient")
    assert not EmergencyAccess.objects.exists()


def test_break_the_glass_opens_masked_not_private_and_notifies_at_once(alice, bob, dave):

    set_preferences(as_patient(alice), alice, daily_digest=True)  # even a digest reader is told at once
    masked = make_document(alice, bob, visibility=Visibility.MASKED)
    private = make_document(alice, bob, visibility=Visibility.PRIVATE)
    access = actions.break_glass(as_pro(dave), alice, "unconscious", "patient inconscient aux urgences")
    assert access.ends_at - access.started_at == timezone.timedelta(hours=4)
    assert decide(as_pro(dave), P.RECORD_DOCUMENT_READ, masked).allowed
    assert not decide(as_pro(dave), P.RECORD_DOCUMENT_READ, private).allowed
    assert OutboxMessage.objects.filter(subject="Accès en urgence à votre dossier").exists()


def test_emergency_access_ends_after_its_time(alice, bob, dave):

    document = make_document(alice, bob)
    access = actions.break_glass(as_pro(dave), alice, "vital-risk", "arrêt cardiaque en cabinet")
    EmergencyAccess.objects.filter(pk=access.pk).update(ends_at=timezone.now())
    assert not decide(as_pro(dave), P.RECORD_DOCUMENT_READ, document).allowed


def test_operators_review_emergency_accesses(alice, dave, erin):
    access = actions.break_glass(as_pro(dave), alice, "unconscious", "patient inconscient aux urgences")
    with pytest.raises(AccessDenied):
        actions.review_emergency_access(as_pro(dave), access, "justified")
    operator = Actor(role=Role.OPERATOR, user=erin)
    actions.review_emergency_access(operator, access, "justified", "appel du SAMU confirmé")
    access.refresh_from_db()
    assert (access.outcome, access.reviewed_by) == ("justified", erin)


def test_mandate_scope_and_revocation(alice):
    helper = factories.make_user("helper")
    mandate = actions.grant_mandate(as_patient(alice), alice, helper, ["read"])
    caregiver = Actor(role=Role.CAREGIVER, user=helper, patient=alice, mandate=mandate)
    assert decide(caregiver, P.RECORD_PROFILE_READ, alice).allowed
    assert not decide(caregiver, P.RECORD_WISHES_WRITE, alice).allowed
    actions.revoke_mandate(as_patient(alice), mandate)
    mandate.refresh_from_db()
    assert not decide(
        Actor(role=Role.CAREGIVER, user=helper, patient=alice, mandate=mandate), P.RECORD_PROFILE_READ, alice
    ).allowed


def test_a_caregiver_cannot_give_a_mandate(alice):
    helper = factories.make_user("helper")
    mandate = actions.grant_mandate(as_patient(alice), alice, helper, ["read", "documents"])
    caregiver = Actor(role=Role.CAREGIVER, user=helper, patient=alice, mandate=mandate)
    with pytest.raises(AccessDenied):
        actions.grant_mandate(caregiver, alice, factories.make_user("other"), ["read"])


def test_actions_under_a_mandate_are_journaled_on_behalf_of_the_patient(alice):

    helper = factories.make_user("helper", first_name="Hélène", last_name="Aide")
    mandate = actions.grant_mandate(as_patient(alice), alice, helper, ["read"])
    authorize(
        Actor(role=Role.CAREGIVER, user=helper, patient=alice, mandate=mandate), P.RECORD_PROFILE_READ, alice
    )
    entry = Entry.objects.filter(action=P.RECORD_PROFILE_READ).last()
    assert (entry.actor_user_id, entry.on_behalf_of_patient_id) == (helper.pk, alice.pk)
    assert entry.actor_label == "Hélène Aide"


def test_every_refused_decision_is_journaled(alice, dave):

    with pytest.raises(AccessDenied):
        authorize(as_pro(dave), P.RECORD_PROFILE_READ, alice)
    entry = Entry.objects.last()
    assert (entry.allowed, entry.rule, entry.patient_id) == (False, "no-grant", alice.pk)


def test_contest_reaches_operators(alice, bob, erin):
    actions.declare_consent(as_pro(bob), alice)
    seq = Entry.objects.filter(patient_id=alice.pk).last().seq
    contest = actions.contest_access(as_patient(alice), alice, seq, "Je ne connais pas ce médecin")
    with pytest.raises(Refused):
        actions.contest_access(as_patient(alice), alice, seq, "  ")
    actions.answer_contest(Actor(role=Role.OPERATOR, user=erin), contest, "Accès vérifié : remplaçant")
    assert AccessContest.objects.get().status == "closed"


def test_operators_change_the_matrix_and_it_is_journaled(alice, charlie, erin, bob):

    actions.declare_consent(as_pro(charlie), alice)
    report = make_document(alice, bob, "11488-4")
    assert not decide(as_pro(charlie), P.RECORD_DOCUMENT_READ, report).allowed
    actions.change_matrix(Actor(role=Role.OPERATOR, user=erin), "pharmacien", "11488-4", True)
    assert decide(as_pro(charlie), P.RECORD_DOCUMENT_READ, report).allowed
    assert Entry.objects.filter(action="access:matrix:change").exists()
    with pytest.raises(AccessDenied):
        actions.change_matrix(as_pro(charlie), "pharmacien", "34112-3", True)
    assert not ProfessionRule.objects.filter(profession="pharmacien", type_code="34112-3").exists()


def test_sensitive_category_choice_drives_the_proposed_visibility(alice):

    alice.refresh_from_db()
    assert proposed_visibility(alice, "mental-health") == "masked"
    actions.set_category_choice(as_patient(alice), alice, "mental-health", "normal")
    alice.refresh_from_db()
    assert proposed_visibility(alice, "mental-health") == "normal"
    assert proposed_visibility(alice, "") == "normal"


def test_each_visit_extends_the_grant(alice, dave):

    grant = actions.declare_consent(as_pro(dave), alice)
    Grant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() + timedelta(days=10))
    authorize(as_pro(dave), P.RECORD_PROFILE_READ, alice)
    grant.refresh_from_db()
    assert grant.expires_at > timezone.now() + timedelta(days=360)
