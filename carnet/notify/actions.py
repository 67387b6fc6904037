"""The only code that sends notifications: to the patient's chosen channel, or to the outbox."""

from django.core.mail import send_mail

from carnet.notify.models import OutboxMessage
from carnet.notify.sms import send_sms


def send_email(recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [recipient])


def queue_letter(recipient: str, subject: str, body: str, *, patient_id: int | None = None) -> OutboxMessage:
    """A postal letter for people without e-mail: it waits in the print queue."""
    return OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.LETTER,
        recipient=recipient,
        subject=subject,
        body=body,
        patient_id=patient_id,
    )


def notify_patient(patient, event: str, subject: str, body: str) -> None:
    """Tell a patient something happened on their record (no clinical content in the message).

    ``event`` names the kind (first-access, emergency-access, new-document, mandate-change,
    new-device, hidden-document-pending, ...).
    """
    if patient.email:
        send_email(patient.email, subject, body)
    elif patient.phone:
        send_sms(patient.phone, f"{subject}. {body}")
    else:
        queue_letter(patient.address or patient.display_name, subject, body, patient_id=patient.pk)
