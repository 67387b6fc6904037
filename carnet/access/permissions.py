"""Every action the policy decides on, as one alphabetical list of ``scope:resource:action`` values."""

from enum import StrEnum


class Permission(StrEnum):
    ACCESS_EMERGENCY_OPEN = "access:emergency:open"
    ACCESS_GRANT_CREATE = "access:grant:create"
    ACCESS_SETTINGS_MANAGE = "access:settings:manage"
    JOURNAL_ENTRY_READ = "journal:entry:read"
    RECORD_DOCUMENT_DELETE = "record:document:delete"
    RECORD_DOCUMENT_DEPOSIT = "record:document:deposit"
    RECORD_DOCUMENT_HIDE = "record:document:hide"
    RECORD_DOCUMENT_READ = "record:document:read"
    RECORD_DOCUMENT_REPLACE = "record:document:replace"
    RECORD_DOCUMENT_SEARCH = "record:document:search"
    RECORD_DOCUMENT_SET_VISIBILITY = "record:document:set-visibility"
    RECORD_EXPORT_CREATE = "record:export:create"
    RECORD_PROFILE_READ = "record:profile:read"
    RECORD_PROFILE_WRITE = "record:profile:write"
    RECORD_WISHES_READ = "record:wishes:read"
    RECORD_WISHES_WRITE = "record:wishes:write"
