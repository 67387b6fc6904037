"""What a space's destruction erases of the notifications (declared for ``carnet.identity.erasure``): the
outbox's e-mails, SMS and letters to the person (by their patient id, or sent to their contact details:
invitations, sign-in codes), digests and preferences."""

from django.db.models import Q

from carnet.identity.erasure import delete_rows, erase_with
from carnet.identity.models import Patient
from carnet.notify.models import OutboxMessage


def _erase_outbox(patient_id: int) -> None:
    patient = Patient.objects.select_related("user").get(pk=patient_id)
    contacts = {patient.email, patient.phone}
    if patient.user is not None:
        contacts |= {patient.user.email, patient.user.phone}
    contacts.discard("")
    OutboxMessage.objects.filter(Q(patient_id=patient_id) | Q(recipient__in=contacts)).delete()


erase_with("notify.OutboxMessage", _erase_outbox)
delete_rows("notify.NotificationPreference")
delete_rows("notify.PendingNotification")
