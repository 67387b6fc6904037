"""How messages leave: by the patient's chosen channel, now or in a daily digest, or by post.

Plumbing called by actions that have already asked the policy (a notification tells what an authorised
action did); it changes no one's data on its own. Messages never carry clinical content: they say that
something happened and invite to sign in.
"""

from django.core.mail import send_mail

from carnet.identity.models import Patient, User
from carnet.notify.letters import letter_pdf
from carnet.notify.models import NotificationPreference, OutboxMessage, PendingNotification
from carnet.notify.sms import send_sms


def send_email(recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [recipient])


def queue_letter(
    recipient: str,
    subject: str,
    body: str,
    *,
    patient_id: int | None = None,
    sealed_body: bytes | None = None,
) -> OutboxMessage:
    """A postal letter (PDF) for people without e-mail: it waits in the print queue. ``sealed_body``: a
    clinical text (a secure message with its reply slip) sealed with the patient's key, that ``body`` (what
    operators see) does not repeat; its PDF is only made at print time (``letters.letter_document``)."""
    return OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.LETTER,
        recipient=recipient,
        subject=subject,
        body=body,
        patient_id=patient_id,
        sealed_body=sealed_body,
        attachment=None if sealed_body else letter_pdf(recipient, subject, body),
    )


def channel_for(patient, preference: NotificationPreference | None) -> str:
    wanted = preference.channel if preference else ""
    if wanted == "email" and patient.email or wanted == "sms" and patient.phone or wanted == "letter":
        return wanted
    return "email" if patient.email else "sms" if patient.phone else "letter"


def deliver(patient, subject: str, body: str, channel: str | None = None) -> None:
    channel = channel or channel_for(
        patient, NotificationPreference.objects.filter(patient_id=patient.pk).first()
    )
    if channel == "email":
        send_email(patient.email, subject, body)
    elif channel == "sms":
        send_sms(patient.phone, f"carnet : {subject}. {body}"[:480])
    else:
        queue_letter(f"{patient.display_name}\n{patient.address}", subject, body, patient_id=patient.pk)


def notify_patient(patient, event: str, subject: str, body: str, *, urgent: bool = False) -> None:
    """Tell a patient something happened on their record. Emergencies are always immediate.

    The message is queued as a task in the caller's transaction (a transactional outbox): it leaves only
    if what it tells about was committed, and the request does not wait for an e-mail or SMS gateway.
    """
    from carnet.notify.tasks import deliver_notification  # noqa: PLC0415 - cycle: the task calls notify_now

    deliver_notification.enqueue(patient.pk, event, subject, body, urgent)


def email_later(recipient: str, subject: str, body: str) -> None:
    """An e-mail to someone who is not the patient (their GP), queued in the caller's transaction."""
    from carnet.notify.tasks import send_email_task  # noqa: PLC0415 - cycle: the task calls send_email

    send_email_task.enqueue(recipient, subject, body)


def notify_now(patient_id: int, event: str, subject: str, body: str, urgent: bool = False) -> None:
    """The task's work: the patient's channel now, or the daily digest."""
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None or patient.state == Patient.State.DESTROYED:
        return  # a notice queued before the space was destroyed: nobody is left to tell
    preference = NotificationPreference.objects.filter(patient_id=patient.pk).first()
    if preference is not None and preference.daily_digest and not urgent:
        PendingNotification.objects.create(patient_id=patient.pk, event=event, subject=subject, body=body)
        return
    deliver(patient, subject, body, channel_for(patient, preference))


def notify_user_now(user_id: int, channel: str, subject: str, body: str) -> None:
    """The task's work for an account notice: SMS to the account's phone, else e-mail to its address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    if channel == "sms" and user.phone:
        send_sms(user.phone, f"carnet : {subject}. {body}"[:480])
    elif user.email:
        send_email(user.email, subject, body)
