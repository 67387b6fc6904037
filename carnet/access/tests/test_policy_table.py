"""THE policy table: every role against every rule, for every action (domain.md §4).

Each row is a role, each column a scenario; Y = allowed, . = refused. For document reads the test also
checks that the list filter (``document_filter``) agrees with ``decide`` for the same document.
"""

import datetime

import pytest
from django.utils import timezone

from carnet.access.models import PatientAccessSettings
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide, document_filter
from carnet.access.tests import world
from carnet.records.models import Document, Visibility

pytestmark = pytest.mark.django_db

# scenario: (document type, document fields, world change)
SCENARIOS = {
    "normal": ("11488-4", {}, None),
    "masked": ("11488-4", {"visibility": Visibility.MASKED}, None),
    "private": ("11488-4", {"visibility": Visibility.PRIVATE}, None),
    "hidden": ("11488-4", {"hidden_from_patient_until": "future", "hidden_since": "now"}, None),
    "released": ("11488-4", {"hidden_from_patient_until": "past", "hidden_since": "past"}, None),
    "minor-secret": ("11488-4", {"minor_secret": True}, None),
    "blocked": ("11488-4", {}, world.blocked),
    "expired": ("11488-4", {}, world.grants_expired),
    "revoked": ("11488-4", {}, world.grants_revoked),
    "emergency-masked": ("11488-4", {"visibility": Visibility.MASKED}, world.emergency),
    "emergency-private": ("11488-4", {"visibility": Visibility.PRIVATE}, world.emergency),
    "closed": ("11488-4", {}, world.closed),
    "psychiatric": ("68599-0", {}, None),
    "residence": ("ATTEST-RESID", {}, None),
    "gp-opted-out": ("11488-4", {"visibility": Visibility.MASKED}, world.gp_opted_out),
    "pending": ("11488-4", {}, world.grants_pending),
    "prescription": ("57833-6", {}, None),
}
COLUMNS = list(SCENARIOS)

READ = {
    "patient": "YYY.YYYYYYY.YYYYY",
    "representative": "YYY.Y.YYYYY.YYYYY",
    "caregiver-read": "YYY.YYYYYYY.YYYYY",
    "caregiver-messaging": ".................",
    "gp": "YY.YYY.YYY..Y..YY",
    "author": "YYYYYY.YYYY.YYYYY",
    "doctor-granted": "Y..YYY......Y...Y",
    "doctor-no-grant": ".........Y.......",
    "occupational": ".................",
    "pharmacist": "................Y",
    "nurse": "................Y",
    "physio": ".................",
    "midwife": "Y..YYY..........Y",
    "dentist": "Y..YYY..........Y",
    "operator": ".................",
    "app-documents": "YYY.YYYYYYY.YYYYY",
    "app-allergies": ".................",
    "anonymous": ".................",
    "system": ".................",
}


def _resolve(fields):
    now = timezone.now()
    moments = {
        "future": now + datetime.timedelta(days=10),
        "past": now - datetime.timedelta(days=1),
        "now": now,
    }
    return {k: moments.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}


def test_the_table_covers_every_role_and_scenario():
    assert set(READ) == set(world.ROLES)
    assert all(len(row) == len(COLUMNS) for row in READ.values())


@pytest.mark.parametrize("scenario", COLUMNS)
def test_document_read(scenario):
    type_code, fields, change = SCENARIOS[scenario]
    patient, pros, actors, document = world.build_world(type_code, **_resolve(fields))
    if change is not None:
        change(patient, pros, document)
    patient.refresh_from_db()
    document = Document.objects.get(pk=document.pk)
    column = COLUMNS.index(scenario)
    wrong = []
    for role, row in READ.items():
        expected = row[column] == "Y"
        decision = decide(actors[role], P.RECORD_DOCUMENT_READ, document)
        allowed_filter = document_filter(actors[role], patient)
        listed = (
            allowed_filter is not None and Document.objects.filter(allowed_filter, pk=document.pk).exists()
        )
        if decision.allowed != expected:
            wrong.append(f"{role}: decide={decision.allowed} ({decision.rule}) expected {expected}")
        if listed != expected:
            wrong.append(f"{role}: filter lists={listed} expected {expected}")
    assert not wrong, "\n".join(wrong)


# Other actions on a normal professional document (or on the patient for patient-level actions).
ACTIONS = {
    # action: (resource, set of roles allowed)
    P.RECORD_DOCUMENT_DELETE: ("document", {"author"}),
    P.RECORD_DOCUMENT_SET_VISIBILITY: (
        "document",
        {"patient", "representative", "app-documents"} - {"app-documents"},
    ),
    P.RECORD_DOCUMENT_REPLACE: ("document", {"author"}),
    P.RECORD_DOCUMENT_HIDE: ("document", {"author"}),
    P.RECORD_DOCUMENT_DEPOSIT: ("patient", {"patient", "representative", "system", *world.PROFESSIONALS}),
    P.RECORD_DOCUMENT_INDEX: ("document", {"system"}),
    P.RECORD_PROFILE_READ: (
        "patient",
        {"patient", "representative", "caregiver-read", "gp", "app-allergies", *world.GRANTED}
        - {"occupational"},
    ),
    P.RECORD_PROFILE_WRITE: (
        "patient",
        {"patient", "representative", "gp", *world.GRANTED} - {"occupational"},
    ),
    P.RECORD_WISHES_WRITE: ("patient", {"patient", "representative"}),
    P.RECORD_EXPORT_CREATE: ("patient", {"patient", "representative"}),
    P.ACCESS_SETTINGS_MANAGE: ("patient", {"patient", "representative"}),
    P.ACCESS_EMERGENCY_OPEN: ("patient", set(world.PROFESSIONALS) - {"occupational"}),
    P.ACCESS_SAMU_OPEN: ("patient", set(world.PROFESSIONALS) - {"occupational"}),
    P.ACCESS_STANDING_READ: ("patient", set(world.PROFESSIONALS)),
    P.JOURNAL_ENTRY_READ: ("patient", {"patient", "representative", "caregiver-read"}),
    P.JOURNAL_ENTRY_CONTEST: ("patient", {"patient", "representative"}),
    P.ACCESS_MANDATE_GRANT: ("patient", {"patient", "representative"}),
    P.ACCESS_EMERGENCY_REVIEW: ("patient", {"operator"}),
    P.JOURNAL_CONTEST_ANSWER: ("patient", {"operator"}),
    P.ACCESS_MATRIX_CHANGE: ("patient", {"operator"}),
    P.ACCESS_APP_REVOKE: ("patient", {"patient", "representative"}),
    # A visit pushes a grant: those who hold a valid one (an occupational doctor's needs the patient's
    # confirmation, which the world does not give).
    P.ACCESS_GRANT_EXTEND: ("patient", set(world.GRANTED) - {"occupational"}),
    P.ACCESS_GRANT_CREATE: ("patient", set(world.PROFESSIONALS)),
    # Listing is a basis question (the author lists her own documents through the filter, not this).
    P.RECORD_DOCUMENT_SEARCH: (
        "patient",
        {"patient", "representative", "caregiver-read", "gp", "app-documents", *world.GRANTED}
        - {"occupational"},
    ),
    P.RECORD_WISHES_READ: (
        "patient",
        {"patient", "representative", "caregiver-read", "gp", *world.GRANTED} - {"occupational"},
    ),
    P.NOTIFY_PREFERENCES_CHANGE: ("patient", {"patient", "representative"}),
    # The space's lifecycle: the holder (the minor's parent too), or the service by role, in any state.
    P.ACCOUNT_SPACE_ACTIVATE: ("patient", {"anonymous"}),  # the visitor holding the letter's code
    P.ACCOUNT_SPACE_CLOSE: ("patient", {"patient", "representative", "system"}),
    P.ACCOUNT_SPACE_DESTROY: ("patient", {"system"}),
    P.ACCOUNT_SPACE_EARLY_DESTRUCTION: (
        "patient",
        {"patient", "representative", "operator"},
    ),  # operators: paper requests
    P.ACCOUNT_SPACE_INVITE: ("patient", {"system", "operator"}),
    P.ACCOUNT_SPACE_MAJORITY: ("patient", {"system"}),
    P.ACCOUNT_SPACE_OBJECT: (
        "patient",
        {"patient", "representative", "operator"},
    ),  # operators: paper requests
    P.ACCOUNT_SPACE_OPEN: ("patient", {"system"}),
    P.ACCOUNT_SPACE_OPPOSE: ("patient", {"anonymous", "system", "operator"}),
    P.ACCOUNT_SPACE_REOPEN: (
        "patient",
        {"patient", "representative", "operator"},
    ),  # operators: paper requests
    P.ACCOUNT_SPACE_SUSPEND: ("patient", {"system", "operator"}),
    # A person's sign-in and devices: the visitor signing in, or the person; the resource is the account.
    P.ACCOUNT_SIGN_IN_PASSWORD: ("account", {"patient", "anonymous"}),
    P.ACCOUNT_SIGN_IN_CODE: ("account", {"patient", "anonymous"}),
    P.ACCOUNT_DEVICE_REMEMBER: ("account", {"patient"}),
    P.ACCOUNT_TOTP_SETUP: ("account", {"patient"}),
    # The service's housekeeping.
    P.NOTIFY_DIGEST_SEND: ("patient", {"system"}),
    P.ACCESS_APP_TOKENS_REVOKE: ("patient", {"system"}),
    P.NOTIFY_LETTERS_FORGET: ("nothing", {"system"}),
    P.NOTIFY_LETTERS_PRINT: ("nothing", {"system", "operator"}),
    P.NOTIFY_LETTER_READ: ("patient", {"operator"}),
    P.RECORD_DOCUMENT_RELEASE_DUE: ("document", {"system"}),
    P.VAULT_BLOBS_SWEEP: ("nothing", {"system"}),
    P.ACCOUNT_EXPIRED_CLEAR: ("nothing", {"system"}),
    P.VAULT_KEYS_ROTATE: ("nothing", {"system"}),
    # Agenda, catalogue, measurements (rules on events: carnet/agenda/tests/test_policy_agenda.py).
    P.AGENDA_EVENT_CREATE: ("patient", {"patient", "representative"}),
    P.AGENDA_EVENT_READ: ("patient", {"patient", "representative", "caregiver-read"}),
    P.AGENDA_FEED_MANAGE: ("patient", {"patient", "representative"}),
    P.AGENDA_PREVENTION_ANSWER: ("patient", {"patient", "representative"}),
    P.AGENDA_REMINDER_SEND: ("patient", set()),
    P.CATALOGUE_APP_CONNECT: ("patient", {"patient", "representative"}),
    P.CATALOGUE_FILE_DECIDE: ("patient", {"operator"}),
    P.CATALOGUE_FILE_EXPIRE: ("patient", {"system"}),
    P.CATALOGUE_FILE_SUBMIT: ("patient", set()),
    P.RECORD_MEASUREMENT_READ: (
        "patient",
        {"patient", "representative", "caregiver-read", "gp", *world.GRANTED} - {"occupational"},
    ),
    P.RECORD_MEASUREMENT_WRITE: ("patient", {"patient", "representative"}),
    P.ACCOUNT_GP_CHOOSE: ("patient", {"patient", "representative", "system"}),
    P.ACCOUNT_REPRESENTATIVE_ADD: ("patient", {"operator", "system"}),
    P.ACCOUNT_REPRESENTATIVE_END: ("patient", {"operator", "system"}),
    P.ACCOUNT_PAPER_REQUEST: ("patient", {"operator"}),
    # the world's space is activated: no new code (a pending space's: carnet/identity/tests/test_recovery.py)
    P.ACCOUNT_CODE_REQUEST: ("patient", set()),
    P.ACCOUNT_MINOR_SPACE_OPEN: ("patient", {"representative"}),
    P.SCHEDULE_OCCURRENCE_RUN: ("nothing", {"system"}),
    P.SCHEDULE_TASKS_PRUNE: ("nothing", {"system"}),
    P.STATS_TABLES_REFRESH: ("patient", {"operator", "system"}),
    P.RESEARCH_CHOICE_READ: ("patient", {"patient", "representative"}),
    P.RESEARCH_CHOICE_SET: ("patient", {"patient", "representative"}),
    P.RESEARCH_EXTRACT_CREATE: ("patient", {"operator"}),
    P.RESEARCH_EXTRACT_INCLUDE: ("patient", set()),  # only for a candidate of a study: see research tests
    P.RESEARCH_STUDY_REGISTER: ("patient", {"operator"}),
}
# Lifecycle actions are decided in every state of the space (the action checks the state change).
STATE_FREE = {action for action in ACTIONS if action.startswith("account:space:")}


# Permissions whose table over every role lives beside their area's rules (same shape, more states).
COVERED_ELSEWHERE = {
    # carnet/access/tests/test_policy_table_messaging.py: every role, four states of the conversation
    *(p for p in P if p.startswith("messaging:")),
    # carnet/agenda/tests: the event-level table (a professional's appointment is theirs to move)
    P.AGENDA_EVENT_CANCEL,
    P.AGENDA_EVENT_UPDATE,
    # carnet/access/tests/test_policy_sign_in.py: sign-in steps and enrolment over every role
    P.ACCOUNT_PROFESSIONAL_ENROL,
    P.ACCOUNT_PROFESSIONAL_INVITE,
    P.ACCOUNT_SIGN_IN_PROVIDER,
    # carnet/web/tests/test_patient_reference.py and carnet/identity/tests/test_recovery.py
    P.ACCESS_PATIENT_LOOKUP,
    P.ACCOUNT_CONTACT_CHANGE,
    P.ACCOUNT_PASSWORD_RESET,
}


def test_the_table_has_a_row_for_every_permission():
    # document reads: the table above; the others named in COVERED_ELSEWHERE: their area's own table
    assert set(P) == set(ACTIONS) | {P.RECORD_DOCUMENT_READ} | COVERED_ELSEWHERE


@pytest.mark.parametrize("action", list(ACTIONS))
def test_other_actions(action):
    patient, pros, actors, document = world.build_world()
    resource_kind, allowed_roles = ACTIONS[action]
    resource = {"document": document, "patient": patient, "account": patient.user, "nothing": None}[
        resource_kind
    ]
    wrong = []
    for role in world.ROLES:
        decision = decide(actors[role], action, resource)
        if decision.allowed != (role in allowed_roles):
            wrong.append(f"{role}: {decision.allowed} ({decision.rule})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("action", sorted(STATE_FREE))
def test_lifecycle_actions_are_decided_in_a_closed_space_too(action):
    patient, pros, actors, document = world.build_world()
    world.closed(patient, pros, document)
    allowed_roles = ACTIONS[action][1]
    wrong = [
        role
        for role in world.ROLES
        if decide(actors[role], action, patient).allowed != (role in allowed_roles)
    ]
    assert not wrong, wrong


def test_patient_deletes_own_document_but_not_a_professionals():
    patient, pros, actors, pro_document = world.build_world()
    own = world.make_document(patient, None, "DOCPAT01", depositor=Document.Depositor.PATIENT)
    for role, expected_own in [
        ("patient", True),
        ("representative", True),
        ("caregiver-read", False),
        ("author", False),
        ("gp", False),
    ]:
        assert decide(actors[role], P.RECORD_DOCUMENT_DELETE, own).allowed is expected_own, role
    assert decide(actors["patient"], P.RECORD_DOCUMENT_DELETE, pro_document).rule == "professional-document"


@pytest.mark.parametrize(
    ("setting", "action"),
    [("refuses_emergency", P.ACCESS_EMERGENCY_OPEN), ("refuses_samu", P.ACCESS_SAMU_OPEN)],
)
def test_patient_refusal_of_emergency_access(setting, action):

    patient, pros, actors, document = world.build_world()
    PatientAccessSettings.objects.create(patient=patient, **{setting: True})
    patient.refresh_from_db()
    for role in world.PROFESSIONALS:
        assert decide(actors[role], action, patient).allowed is False
    other = P.ACCESS_SAMU_OPEN if action == P.ACCESS_EMERGENCY_OPEN else P.ACCESS_EMERGENCY_OPEN
    assert decide(actors["gp"], other, patient).allowed is True  # the two refusals are separate


def test_representative_of_an_adult_has_no_access():
    patient, pros, actors, document = world.build_world()
    type(patient).objects.filter(pk=patient.pk).update(birth_date=datetime.date(1990, 1, 1))
    patient.refresh_from_db()
    assert decide(actors["representative"], P.RECORD_DOCUMENT_READ, document).rule in {"not-representative"}


def test_expired_or_revoked_mandate_has_no_access():
    patient, pros, actors, document = world.build_world()
    mandate = actors["caregiver-read"].mandate
    mandate.ends_at = timezone.now() - datetime.timedelta(seconds=1)
    mandate.save()
    document = Document.objects.get(pk=document.pk)
    assert decide(actors["caregiver-read"], P.RECORD_DOCUMENT_READ, document).rule == "no-mandate"


def case_count() -> int:
    """How many role x rule x action decisions the table checks (printed at the end of the run)."""
    return (
        len(READ) * len(COLUMNS) * 2
        + len(ACTIONS) * len(world.ROLES)
        + len(STATE_FREE) * len(world.ROLES)
        + 2 * len(world.ROLES)
        + 5
        + 2 * len(world.PROFESSIONALS)
        + 2
    )


# Actions about an account (the patient's User) or the print queue rather than a record.
ACCOUNT_ACTIONS = {
    P.ACCOUNT_CONTACT_CHANGE: ("user", {"patient"}),  # only the person themselves
    P.ACCOUNT_PASSWORD_RESET: ("user", {"anonymous"}),  # the link and the second factor are the proof
}


@pytest.mark.parametrize("action", list(ACCOUNT_ACTIONS))
def test_account_actions(action):
    patient, pros, actors, document = world.build_world()
    resource_kind, allowed_roles = ACCOUNT_ACTIONS[action]
    resource = patient.user
    wrong = []
    for role in world.ROLES:
        decision = decide(actors[role], action, resource)
        if decision.allowed != (role in allowed_roles):
            wrong.append(f"{role}: {decision.allowed} ({decision.rule})")
    assert not wrong, "\n".join(wrong)
    assert not decide(actors["operator"], action, document).allowed  # never about a document
