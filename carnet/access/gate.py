"""Ask the policy and write the answer to the journal: what every service calls before touching a record."""

from functools import wraps
from typing import Any

from django.db import transaction

from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied, Decision
from carnet.access.grants import grant_due_for_extension
from carnet.access.policy import decide
from carnet.errors import Refused
from carnet.journal.chain import record


def authorize(
    actor: Actor,
    action: str,
    resource,
    *,
    hide: bool = False,
    detail: dict | None = None,
    quiet: bool = False,
) -> Decision:
    """Decide, journal the decision (allowed or refused), and raise AccessDenied when refused.

    ``quiet``: a refusal is journaled and returned instead of raised, for a request whose answer must be the
    same whether or not the person is on file (a new code, a password reset)."""
    decision = decide(actor, action, resource)
    patient = resource if resource.__class__.__name__ == "Patient" else getattr(resource, "patient", None)
    entry: dict[str, Any] = {
        "patient": patient,
        "resource_type": "" if resource is None else resource.__class__.__name__,
        "resource_id": getattr(resource, "pk", ""),
        "detail": detail,
    }
    record(actor, action, decision, **entry)
    if decision.allowed and decision.rule.startswith("grant-") and grant_due_for_extension(actor, patient):
        from carnet.access.actions import extend_grant  # noqa: PLC0415 - cycle: actions authorize through us

        extend_grant(actor, patient)
    if not decision.allowed and not quiet:
        denied = AccessDenied(decision, hide=hide)
        denied.journal_entry = (actor, action, decision, entry)
        raise denied
    return decision


def refused_after_allowed(
    error: Refused, actor: Actor, action: str, resource, rule_prefix: str, *, detail: dict | None = None
) -> Refused:
    """The policy allowed ``action`` but the domain then refused it (bad content, a conflict): the attempt
    is journaled as refused, its rule ``<prefix>-<code>``, once the action's transaction rolled back."""
    patient = resource if resource.__class__.__name__ == "Patient" else getattr(resource, "patient", None)
    entry = {
        "patient": patient,
        "resource_type": resource.__class__.__name__,
        "resource_id": getattr(resource, "pk", ""),
        "detail": detail,
    }
    error.journal_entry = (actor, action, Decision(False, error.code, f"{rule_prefix}-{error.code}"), entry)
    return error


def atomic_action(func):
    """Run an action in one transaction; a refusal raised inside is journaled again after the rollback,
    so that refused attempts are never lost with the transaction that carried them."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        # A refusal, or what carries one (a 404 hiding a document, a deposit the record refused).
        except Exception as denied:
            journal_entry = getattr(denied, "journal_entry", None)
            if journal_entry is not None:
                actor, action, decision, entry = journal_entry
                record(actor, action, decision, **entry)
            raise

    return wrapper
