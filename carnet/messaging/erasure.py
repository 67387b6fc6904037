"""What a space's destruction erases of the messaging (declared for ``carnet.identity.erasure``): the
conversations, and with them their messages, attachments, read states, outgoing mail and reply slips."""

from carnet.identity.erasure import delete_rows

delete_rows("messaging.Attachment")
delete_rows("messaging.Message")
delete_rows("messaging.Conversation")
delete_rows("messaging.Participation")
delete_rows("messaging.OutgoingMail")
delete_rows("messaging.PaperSlip")
