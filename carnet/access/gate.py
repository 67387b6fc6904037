"""Ask the policy and write the answer to the journal: what every service calls before touching a record."""

from functools import wraps

from django.db import transaction

from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied, Decision
from carnet.access.policy import decide
from carnet.journal.actions import record


def authorize(
    actor: Actor, action: str, resource, *, hide: bool = False, detail: dict | None = None
) -> Decision:
    """Decide, journal the decision (allowed or refused), and raise AccessDenied when refused."""
    decision = decide(actor, action, resource)
    patient = resource if resource.__class__.__name__ == "Patient" else getattr(resource, "patient", None)
    entry = {
        "patient": patient,
        "resource_type": resource.__class__.__name__,
        "resource_id": getattr(resource, "pk", ""),
        "detail": detail,
    }
    record(actor, action, decision, **entry)
    if decision.allowed and decision.rule.startswith("grant-"):
        extend_grant(actor.professional, patient)
    if not decision.allowed:
        denied = AccessDenied(decision, hide=hide)
        denied.journal_entry = (actor, action, decision, entry)
        raise denied
    return decision


def atomic_action(func):
    """Run an action in one transaction; a refusal raised inside is journaled again after the rollback,
    so that refused attempts are never lost with the transaction that carried them."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except (
            Exception
        ) as denied:  # a refusal, or what carries one (a 404 hiding a document, a refused deposit)
            journal_entry = getattr(denied, "journal_entry", None)
            if journal_entry is not None:
                actor, action, decision, entry = journal_entry
                record(actor, action, decision, **entry)
            raise

    return wrapper


def extend_grant(professional, patient) -> None:
    """A grant expires after CARNET_GRANT_EXPIRY_DAYS *without a visit*: each visit pushes the date (at most
    one write a day)."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from carnet.access.models import Grant

    new_end = timezone.now() + datetime.timedelta(days=settings.CARNET_GRANT_EXPIRY_DAYS)
    Grant.objects.filter(
        patient=patient,
        professional=professional,
        revoked_at__isnull=True,
        confirmed_at__isnull=False,
        expires_at__lt=new_end - datetime.timedelta(days=1),
    ).update(expires_at=new_end)
