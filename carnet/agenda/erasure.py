"""What a space's destruction erases of the agenda (declared for ``carnet.identity.erasure``)."""

from carnet.identity.erasure import delete_rows

delete_rows("agenda.Event")
delete_rows("agenda.Reminder")
delete_rows("agenda.CalendarFeed")
delete_rows("agenda.PreventionProposal")
