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
    ACCOUNT_CODE_REQUEST = "account:code:request"
    ACCOUNT_CONTACT_CHANGE = "account:contact:change"
    ACCOUNT_GP_CHOOSE = "account:gp:choose"
    ACCOUNT_MINOR_SPACE_OPEN = "account:minor-space:open"
    ACCOUNT_PAPER_REQUEST = "account:paper-request:record"
    ACCOUNT_PASSWORD_RESET = "account:password:reset"
    ACCOUNT_REPRESENTATIVE_ADD = "account:representative:add"
    ACCOUNT_REPRESENTATIVE_END = "account:representative:end"
    JOURNAL_CONTEST_ANSWER = "journal:contest:answer"
    JOURNAL_ENTRY_CONTEST = "journal:entry:contest"
    JOURNAL_ENTRY_READ = "journal:entry:read"
    NOTIFY_LETTERS_PRINT = "notify:letters:print"
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
# Getting in and keeping one's account (issue 14): who may ask what, by role; the action checks the proof
# (identity traits and the contact on file for a new code, the link and the second factor for a reset).
ACCOUNT_REQUESTS_BY_ROLE = {
    Permission.ACCOUNT_CODE_REQUEST: {"anonymous"},
    Permission.ACCOUNT_PAPER_REQUEST: {"operator"},
    Permission.ACCOUNT_PASSWORD_RESET: {"anonymous"},
    Permission.ACCOUNT_REPRESENTATIVE_ADD: {"operator", "system"},
    Permission.ACCOUNT_REPRESENTATIVE_END: {"operator", "system"},
    Permission.NOTIFY_LETTERS_PRINT: {"operator", "system"},
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


def app_allows(scopes, action: str) -> bool:
    """True if one SMART scope (``patient/Type.rs`` or ``patient/*.rs``) opens ``action``."""
    for scope in scopes:
        context, _, rest = scope.partition("/")
        resource, _, verbs = rest.partition(".")
        if context != "patient" or not ({"r", "s"} & set(verbs) or verbs == "read"):
            continue
        if resource == "*" and any(action in actions for actions in APP_SCOPES.values()):
            return True
        if action in APP_SCOPES.get(resource, ()):
            return True
    return False
