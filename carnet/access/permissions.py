"""Every action the policy decides on, as one alphabetical list of ``scope:resource:action`` values."""

from enum import StrEnum


class Permission(StrEnum):
    ACCESS_APP_REVOKE = "access:app:revoke"
    ACCESS_APP_TOKENS_REVOKE = "access:app-tokens:revoke"
    ACCESS_EMERGENCY_OPEN = "access:emergency:open"
    ACCESS_EMERGENCY_REVIEW = "access:emergency:review"
    ACCESS_GRANT_CREATE = "access:grant:create"
    ACCESS_GRANT_EXTEND = "access:grant:extend"
    ACCESS_MANDATE_GRANT = "access:mandate:grant"
    ACCESS_MATRIX_CHANGE = "access:matrix:change"
    ACCESS_PATIENT_LOOKUP = "access:patient:lookup"
    ACCESS_SAMU_OPEN = "access:samu:open"
    ACCESS_SETTINGS_MANAGE = "access:settings:manage"
    ACCESS_STANDING_READ = "access:standing:read"
    ACCOUNT_CODE_REQUEST = "account:code:request"
    ACCOUNT_CONTACT_CHANGE = "account:contact:change"
    ACCOUNT_DEVICE_REMEMBER = "account:device:remember"
    ACCOUNT_EXPIRED_CLEAR = "account:expired:clear"
    ACCOUNT_GP_CHOOSE = "account:gp:choose"
    ACCOUNT_MINOR_SPACE_OPEN = "account:minor-space:open"
    ACCOUNT_PAPER_REQUEST = "account:paper-request:record"
    ACCOUNT_PASSWORD_RESET = "account:password:reset"
    ACCOUNT_PROFESSIONAL_ENROL = "account:professional:enrol"
    ACCOUNT_PROFESSIONAL_INVITE = "account:professional:invite"
    ACCOUNT_REPRESENTATIVE_ADD = "account:representative:add"
    ACCOUNT_REPRESENTATIVE_END = "account:representative:end"
    ACCOUNT_SIGN_IN_CODE = "account:sign-in:code"
    ACCOUNT_SIGN_IN_PASSWORD = "account:sign-in:password"
    ACCOUNT_SIGN_IN_PROVIDER = "account:sign-in:provider"
    ACCOUNT_SPACE_ACTIVATE = "account:space:activate"
    ACCOUNT_SPACE_CLOSE = "account:space:close"
    ACCOUNT_SPACE_DESTROY = "account:space:destroy"
    ACCOUNT_SPACE_EARLY_DESTRUCTION = "account:space:early-destruction"
    ACCOUNT_SPACE_INVITE = "account:space:invite"
    ACCOUNT_SPACE_MAJORITY = "account:space:majority"
    ACCOUNT_SPACE_OBJECT = "account:space:object-to-suspension"
    ACCOUNT_SPACE_OPEN = "account:space:open"
    ACCOUNT_SPACE_OPPOSE = "account:space:oppose"
    ACCOUNT_SPACE_REOPEN = "account:space:reopen"
    ACCOUNT_SPACE_SUSPEND = "account:space:suspend"
    ACCOUNT_TOTP_SETUP = "account:totp:setup"
    AGENDA_EVENT_CANCEL = "agenda:event:cancel"
    AGENDA_EVENT_CREATE = "agenda:event:create"
    AGENDA_EVENT_READ = "agenda:event:read"
    AGENDA_EVENT_UPDATE = "agenda:event:update"
    AGENDA_FEED_MANAGE = "agenda:feed:manage"
    AGENDA_PREVENTION_ANSWER = "agenda:prevention:answer"
    AGENDA_REMINDER_SEND = "agenda:reminder:send"
    CATALOGUE_APP_CONNECT = "catalogue:app:connect"
    CATALOGUE_FILE_DECIDE = "catalogue:file:decide"
    CATALOGUE_FILE_EXPIRE = "catalogue:file:expire"
    CATALOGUE_FILE_SUBMIT = "catalogue:file:submit"
    JOURNAL_CONTEST_ANSWER = "journal:contest:answer"
    JOURNAL_ENTRY_CONTEST = "journal:entry:contest"
    JOURNAL_ENTRY_READ = "journal:entry:read"
    MESSAGING_ATTACHMENT_FILE = "messaging:attachment:file"
    MESSAGING_CONVERSATION_ARCHIVE = "messaging:conversation:archive"
    MESSAGING_CONVERSATION_CLOSE = "messaging:conversation:close"
    MESSAGING_CONVERSATION_READ = "messaging:conversation:read"
    MESSAGING_CONVERSATION_SEARCH = "messaging:conversation:search"
    MESSAGING_CONVERSATION_START = "messaging:conversation:start"
    MESSAGING_MAILBOX_MANAGE = "messaging:mailbox:manage"
    MESSAGING_MAIL_RELAY = "messaging:mail:relay"
    MESSAGING_MESSAGE_SEND = "messaging:message:send"
    MESSAGING_PAPER_REPLY_RECORD = "messaging:paper-reply:record"
    NOTIFY_DIGEST_SEND = "notify:digest:send"
    NOTIFY_LETTERS_FORGET = "notify:letters:forget"
    NOTIFY_LETTERS_PRINT = "notify:letters:print"
    NOTIFY_LETTER_READ = "notify:letter:read"
    NOTIFY_PREFERENCES_CHANGE = "notify:preferences:change"
    RECORD_DOCUMENT_DELETE = "record:document:delete"
    RECORD_DOCUMENT_DEPOSIT = "record:document:deposit"
    RECORD_DOCUMENT_HIDE = "record:document:hide"
    RECORD_DOCUMENT_INDEX = "record:document:index"
    RECORD_DOCUMENT_READ = "record:document:read"
    RECORD_DOCUMENT_RELEASE_DUE = "record:document:release-due"
    RECORD_DOCUMENT_REPLACE = "record:document:replace"
    RECORD_DOCUMENT_SEARCH = "record:document:search"
    RECORD_DOCUMENT_SET_VISIBILITY = "record:document:set-visibility"
    RECORD_EXPORT_CREATE = "record:export:create"
    RECORD_MEASUREMENT_READ = "record:measurement:read"
    RECORD_MEASUREMENT_WRITE = "record:measurement:write"
    RECORD_PROFILE_READ = "record:profile:read"
    RECORD_PROFILE_WRITE = "record:profile:write"
    RECORD_WISHES_READ = "record:wishes:read"
    RECORD_WISHES_WRITE = "record:wishes:write"
    RESEARCH_CHOICE_READ = "research:choice:read"
    RESEARCH_CHOICE_SET = "research:choice:set"
    RESEARCH_EXTRACT_CREATE = "research:extract:create"
    RESEARCH_EXTRACT_INCLUDE = "research:extract:include"
    RESEARCH_STUDY_REGISTER = "research:study:register"
    SCHEDULE_OCCURRENCE_RUN = "schedule:occurrence:run"
    SCHEDULE_TASKS_PRUNE = "schedule:tasks:prune"
    STATS_TABLES_REFRESH = "stats:tables:refresh"
    VAULT_BLOBS_SWEEP = "vault:blobs:sweep"
    VAULT_KEYS_ROTATE = "vault:keys:rotate"


READS = frozenset(
    {
        Permission.JOURNAL_ENTRY_READ,
        Permission.RECORD_DOCUMENT_READ,
        Permission.RECORD_DOCUMENT_SEARCH,
        Permission.RECORD_PROFILE_READ,
        Permission.RECORD_WISHES_READ,
    }
)
AGENDA_WRITES = frozenset(
    {Permission.AGENDA_EVENT_CREATE, Permission.AGENDA_EVENT_UPDATE, Permission.AGENDA_EVENT_CANCEL}
)
# Reads a caregiver with a read mandate also has (not in READS: professionals' basis never opens them).
OWN_READS = frozenset({Permission.AGENDA_EVENT_READ, Permission.RECORD_MEASUREMENT_READ})
# What each caregiver mandate scope allows (domain.md §1).
MANDATE_SCOPES = {
    "read": READS | OWN_READS,
    "documents": READS
    | OWN_READS
    | AGENDA_WRITES
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
# The holder's own account: the patient, or a legal representative; never a caregiver or an app. These
# are decided whatever the space's state (the action itself checks which state changes are allowed).
HOLDER_ACCOUNT_ACTIONS = frozenset(
    {
        Permission.ACCOUNT_SPACE_CLOSE,
        Permission.ACCOUNT_SPACE_EARLY_DESTRUCTION,
        Permission.ACCOUNT_SPACE_OBJECT,
        Permission.ACCOUNT_SPACE_REOPEN,
    }
)
# Who else may change a space's state, by role: tasks, the insurer, operators, and the anonymous visitor
# holding the letter's code (activation, opposition: the action checks the code).
ACCOUNT_ACTIONS_BY_ROLE: dict[str, set[str]] = {
    Permission.ACCOUNT_SPACE_ACTIVATE: {"anonymous"},
    Permission.ACCOUNT_SPACE_CLOSE: {"system"},
    Permission.ACCOUNT_SPACE_DESTROY: {"system"},
    Permission.ACCOUNT_SPACE_INVITE: {"system", "operator"},
    Permission.ACCOUNT_SPACE_MAJORITY: {"system"},
    Permission.ACCOUNT_SPACE_OPEN: {"system"},
    Permission.ACCOUNT_SPACE_OPPOSE: {"anonymous", "system", "operator"},  # online with the code, or on paper
    Permission.ACCOUNT_SPACE_SUSPEND: {"system", "operator"},
    # a request received by post, recorded by an operator (account:paper-request:record comes first)
    Permission.ACCOUNT_SPACE_EARLY_DESTRUCTION: {"operator"},
    Permission.ACCOUNT_SPACE_OBJECT: {"operator"},
    Permission.ACCOUNT_SPACE_REOPEN: {"operator"},
}
# A person's sign-in and devices (the resource is the User): the person, or the anonymous visitor who is
# signing in as them (the action checks the password or the code).
SIGN_IN_ACTIONS = frozenset(
    {
        Permission.ACCOUNT_SIGN_IN_CODE,
        Permission.ACCOUNT_SIGN_IN_PASSWORD,
        Permission.ACCOUNT_SIGN_IN_PROVIDER,  # the provider vouched for the person (carnet.identity.oidc)
    }
)
USER_ACTIONS = SIGN_IN_ACTIONS | {Permission.ACCOUNT_DEVICE_REMEMBER, Permission.ACCOUNT_TOTP_SETUP}
# The service's housekeeping, about no patient in particular: who may run each one.
SERVICE_ACTIONS: dict[str, set[str]] = {
    Permission.ACCOUNT_PROFESSIONAL_ENROL: {
        "anonymous"
    },  # the visitor holding the link (the action checks it)
    Permission.ACCOUNT_PROFESSIONAL_INVITE: {"system", "operator"},
    Permission.ACCESS_APP_TOKENS_REVOKE: {"system"},  # an app's code replayed: its tokens revoked
    Permission.ACCOUNT_EXPIRED_CLEAR: {"system"},  # expired sessions and apps' tokens, deleted daily
    Permission.NOTIFY_DIGEST_SEND: {"system"},
    Permission.NOTIFY_LETTERS_FORGET: {"system"},  # printed letters' text erased after a while
    Permission.NOTIFY_LETTERS_PRINT: {"system", "operator"},
    Permission.RECORD_DOCUMENT_RELEASE_DUE: {"system"},
    Permission.RESEARCH_EXTRACT_CREATE: {"operator"},
    Permission.RESEARCH_STUDY_REGISTER: {"operator"},
    Permission.SCHEDULE_OCCURRENCE_RUN: {"system"},  # the worker's scheduler claims and runs what is due
    Permission.SCHEDULE_TASKS_PRUNE: {"system"},  # finished tasks' rows (their arguments) deleted daily
    Permission.STATS_TABLES_REFRESH: {"system", "operator"},
    Permission.VAULT_BLOBS_SWEEP: {"system"},
    Permission.VAULT_KEYS_ROTATE: {"system"},
}
# Getting in and keeping one's account (issue 14): who may ask what, by role; the action checks the proof
# (identity traits and the contact on file for a new code, the link and the second factor for a reset).
ACCOUNT_REQUESTS_BY_ROLE: dict[str, set[str]] = {
    Permission.ACCOUNT_CODE_REQUEST: {"anonymous"},
    Permission.ACCOUNT_PAPER_REQUEST: {"operator"},
    Permission.ACCOUNT_PASSWORD_RESET: {"anonymous"},
    Permission.ACCOUNT_REPRESENTATIVE_ADD: {"operator", "system"},
    Permission.ACCOUNT_REPRESENTATIVE_END: {"operator", "system"},
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
    "Appointment": {Permission.AGENDA_EVENT_READ},
}
APP_SCOPES["Observation"] = APP_SCOPES["Observation"] | {Permission.RECORD_MEASUREMENT_READ}
# SMART v2 write scopes (``patient/Type.c``, ``.u``, ``.d``) granted through the catalogue: what each opens.
APP_WRITE_SCOPES = {
    "DocumentReference": {Permission.RECORD_DOCUMENT_DEPOSIT},  # patient documents, authored by the app
    "Observation": {Permission.RECORD_MEASUREMENT_WRITE},
    "Appointment": set(AGENDA_WRITES),
}
# What an update scope (``patient/Type.u``) opens on top: a document's visibility, as the patient may.
APP_UPDATE_SCOPES = {"DocumentReference": {Permission.RECORD_DOCUMENT_SET_VISIBILITY}}


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


def app_writes(scopes, action: str) -> bool:
    """True if one SMART write scope (``patient/Type.c``, ``.cu``, ``.cud``) opens ``action``; no wildcard."""
    for scope in scopes:
        context, _, rest = scope.partition("/")
        resource, _, verbs = rest.partition(".")
        if context != "patient":
            continue
        creates = (
            {"c"} if resource in APP_UPDATE_SCOPES else {"c", "u", "d"}
        )  # a document's .u deposits nothing
        if creates & set(verbs) and action in APP_WRITE_SCOPES.get(resource, ()):
            return True
        if "u" in verbs and action in APP_UPDATE_SCOPES.get(resource, ()):
            return True
    return False
