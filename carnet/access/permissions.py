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
    MESSAGING_ATTACHMENT_FILE = "messaging:attachment:file"
    MESSAGING_CONVERSATION_ARCHIVE = "messaging:conversation:archive"
    MESSAGING_CONVERSATION_CLOSE = "messaging:conversation:close"
    MESSAGING_CONVERSATION_READ = "messaging:conversation:read"
    MESSAGING_CONVERSATION_SEARCH = "messaging:conversation:search"
    MESSAGING_CONVERSATION_START = "messaging:conversation:start"
    MESSAGING_MESSAGE_SEND = "messaging:message:send"
    MESSAGING_PAPER_REPLY_RECORD = "messaging:paper-reply:record"
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
        Permission.MESSAGING_ATTACHMENT_FILE,  # filing a received attachment is a deposit
    },
    "messaging": frozenset(
        {
            Permission.MESSAGING_CONVERSATION_ARCHIVE,
            Permission.MESSAGING_CONVERSATION_READ,
            Permission.MESSAGING_CONVERSATION_SEARCH,
            Permission.MESSAGING_CONVERSATION_START,
            Permission.MESSAGING_MESSAGE_SEND,
        }
    ),
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
    "Communication": {Permission.MESSAGING_CONVERSATION_READ, Permission.MESSAGING_CONVERSATION_SEARCH},
    "CommunicationRequest": {
        Permission.MESSAGING_CONVERSATION_READ,
        Permission.MESSAGING_CONVERSATION_SEARCH,
    },
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
