"""What a space's destruction erases of who may see the record (declared for ``carnet.identity.erasure``)."""

from carnet.identity.erasure import delete_rows

delete_rows("access.PatientAccessSettings")
delete_rows("access.Grant")
delete_rows("access.PresenceCode")
delete_rows("access.Block")
delete_rows("access.EmergencyAccess")  # the reason's text goes; the journal keeps that it happened
delete_rows("access.AccessContest")
