"""Old home of the profile and wishes writes, now actions of ``carnet.records.actions``; re-exported while
other areas (the FHIR API) move their imports."""

from carnet.records.actions import add_profile_entry, remove_profile_entry, set_wish  # noqa: F401
