"""Every action the policy decides on, as one alphabetical list of ``scope:resource:action`` values."""

from enum import StrEnum


class Permission(StrEnum):
    ACCESS_EMERGENCY_OPEN = "access:emergency:open"
    ACCESS_EMERGENCY_REVIEW = "access:emergency:review"
    ACCESS_GRANT_CREATE = "access:grant:create"
    ACCESS_MANDATE_GRANT = "access:mandate:grant"
    ACCESS_MATRIX_CHANGE = "access:matrix:change"
    ACCESS_SAMU_OPEN = "access:samu:open"
    ACCESS_SETTINGS_MANAGE = "access:settings:manage"
    JOURNAL_CONTEST_ANSWER = "journal:contest:answer"
    JOURNAL_ENTRY_CONTEST = "journal:entry:contest"
    JOURNAL_ENTRY_READ = "journal:entry:read"
    RECORD_DOCUMENT_DELETE = "record:document:delete"
    RECORD_DOCUMENT_DEPOSIT = "record:document:deposit"
    RECORD_DOCUMENT_HIDE = "record:document:hide"
    RECORD_DOCUMENT_INDEX = "record:document:index"
    RECORD_DOCUMENT_READ = "record:document:read"
    RECORD_DOCUMENT_REPLACE = "record:document:replace"
    RECORD_DOCUMENT_SEARCH = "record:document:search"
    RECORD_DOCUMENT_SET_VISIBILITY = "record:document:set-visibility"
    RECORD_EXPORT_CREATE = "record:export:create"
    RECORD_PROFILE_READ = "record:profile:read"
    RECORD_PROFILE_WRITE = "record:profile:write"
    RECORD_WISHES_READ = "record:wishes:read"
    RECORD_WISHES_WRITE = "record:wishes:write"


READS = frozenset(
    {
        Permission.JOURNAL_ENTRY_READ,
        Permission.RECORD_DOCUMENT_READ,
        Permission.RECORD_DOCUMENT_SEARCH,
        Permission.RECORD_PROFILE_READ,
        Permission.RECORD_WISHES_READ,
    }
)
# What each caregiver mandate scope allows (domain.md §1).
MANDATE_SCOPES = {
    "read": READS,
    "documents": READS
    | {
        Permission.RECORD_DOCUMENT_DEPOSIT,
        Permission.RECORD_DOCUMENT_DELETE,
        Permission.RECORD_DOCUMENT_SET_VISIBILITY,
        Permission.RECORD_PROFILE_WRITE,
        Permission.RECORD_WISHES_WRITE,
    },
    "messaging": frozenset(),
}
# SMART App Launch v2 scopes (read/search) and the actions they open; scopes narrow, never widen.
APP_SCOPES = {
    "DocumentReference": {Permission.RECORD_DOCUMENT_READ, Permission.RECORD_DOCUMENT_SEARCH},
    "Binary": {Permission.RECORD_DOCUMENT_READ},
    "AllergyIntolerance": {Permission.RECORD_PROFILE_READ},
    "Condition": {Permission.RECORD_PROFILE_READ},
    "MedicationStatement": {Permission.RECORD_PROFILE_READ},
    "Immunization": {Permission.RECORD_PROFILE_READ},
    "Observation": {Permission.RECORD_PROFILE_READ},
    "AuditEvent": {Permission.JOURNAL_ENTRY_READ},
}


# The health profile's kind each SMART resource type names: a profile scope opens its own kind only.
PROFILE_KIND_OF = {
    "AllergyIntolerance": "allergy",
    "Condition": "condition",
    "MedicationStatement": "treatment",
    "Immunization": "vaccination",
    "Observation": "measurement",
}


def app_allows(scopes, action: str, profile_kind: str = "") -> bool:
    """True if one SMART scope (``patient/Type.rs`` or ``patient/*.rs``) opens ``action``; for a read of
    one kind of the health profile, only that kind's scope (or ``patient/*``) does."""
    for scope in scopes:
        context, _, rest = scope.partition("/")
        resource, _, verbs = rest.partition(".")
        if context != "patient" or not ({"r", "s"} & set(verbs) or verbs == "read"):
            continue
        if resource == "*" and any(action in actions for actions in APP_SCOPES.values()):
            return True
        kind_fits = not profile_kind or PROFILE_KIND_OF.get(resource) == profile_kind
        if action in APP_SCOPES.get(resource, ()) and kind_fits:
            return True
    return False
