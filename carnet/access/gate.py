"""Ask the policy and write the answer to the journal: what every service calls before touching a record."""

from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.db import transaction

from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied, Decision
from carnet.access.grants import grant_due_for_extension
from carnet.access.policy import decide
from carnet.errors import Refused
from carnet.journal.chain import record

# The front door's allowed decisions waiting in the running action (``journal_unless_repeated``): each is
# [actor, action, decision, entry, repeated]; journaled when the action ends unless a service repeated it.
_WAITING: ContextVar[list | None] = ContextVar("decisions_waiting", default=None)


def authorize(
    actor: Actor,
    action: str,
    resource,
    *,
    hide: bool = False,
    detail: dict | None = None,
    quiet: bool = False,
    journal_unless_repeated: bool = False,
) -> Decision:
    """Decide, journal the decision (allowed or refused), and raise AccessDenied when refused.

    ``quiet``: a refusal is journaled and returned instead of raised, for a request whose answer must be the
    same whether or not the person is on file (a new code, a password reset).

    ``journal_unless_repeated``: a front door's decision (the FHIR API's) before the records' actions that
    decide the same access again: when allowed, it is journaled at the end of the action only if no action
    inside journaled the same permission for the same actor and patient (one access, one journal line;
    a refusal is always journaled at once)."""
    decision = decide(actor, action, resource)
    entry = _entry(resource, detail)
    patient = entry["patient"]
    waiting = _WAITING.get()
    if journal_unless_repeated and decision.allowed and waiting is not None:
        waiting.append([actor, action, decision, entry, False])
    else:
        record(actor, action, decision, **entry)
        if decision.allowed and waiting:
            _mark_repeated(waiting, actor, action, patient)
    if decision.allowed and decision.rule.startswith("grant-") and grant_due_for_extension(actor, patient):
        from carnet.access.actions import extend_grant  # noqa: PLC0415 - cycle: actions authorize through us

        extend_grant(actor, patient)
    if not decision.allowed and not quiet:
        denied = AccessDenied(decision, hide=hide)
        denied.journal_entry = (actor, action, decision, entry)
        raise denied
    return decision


def _entry(resource, detail: dict | None) -> dict[str, Any]:
    """The journal fields naming what a decision was about (the patient it concerns, the resource)."""
    patient = resource if resource.__class__.__name__ == "Patient" else getattr(resource, "patient", None)
    return {
        "patient": patient,
        "resource_type": "" if resource is None else resource.__class__.__name__,
        "resource_id": getattr(resource, "pk", ""),
        "detail": detail,
    }


def covered_by_change(actor: Actor, action: str, patient) -> None:
    """The decision of ``action`` waiting to be journaled (``journal_unless_repeated``) is covered by the
    change an inner action journaled since (a PATCH: the read that found the document, then the change):
    it is not journaled again. One access, one journal line."""
    waiting = _WAITING.get()
    if waiting:
        _mark_repeated(waiting, actor, action, patient)


def _mark_repeated(waiting: list, actor: Actor, action: str, patient) -> None:
    for item in waiting:
        first_actor, first_action, _decision, entry = item[:4]
        if (first_actor.user_id, str(first_actor.role), str(first_action)) == (
            actor.user_id,
            str(actor.role),
            str(action),
        ) and getattr(entry["patient"], "pk", None) == getattr(patient, "pk", None):
            item[4] = True


def refused_after_allowed(
    error: Refused, actor: Actor, action: str, resource, rule_prefix: str, *, detail: dict | None = None
) -> Refused:
    """The policy allowed ``action`` but the domain then refused it (bad content, a conflict): the attempt
    is journaled as refused, its rule ``<prefix>-<code>``, once the action's transaction rolled back."""
    decision = Decision(False, error.code, f"{rule_prefix}-{error.code}")
    error.journal_entry = (actor, action, decision, _entry(resource, detail))
    return error


def atomic_action(func):
    """Run an action in one transaction; a refusal raised inside is journaled again after the rollback,
    so that refused attempts are never lost with the transaction that carried them."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        outermost = _WAITING.get() is None
        token = _WAITING.set([]) if outermost else None
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
                if outermost:
                    for actor, action, decision, entry, repeated in _WAITING.get():
                        if not repeated:
                            record(actor, action, decision, **entry)
                return result
        # A refusal, or what carries one (a 404 hiding a document, a deposit the record refused).
        except Exception as denied:
            journal_entry = getattr(denied, "journal_entry", None)
            if journal_entry is not None:
                actor, action, decision, entry = journal_entry
                record(actor, action, decision, **entry)
            raise
        finally:
            if token is not None:
                _WAITING.reset(token)

    return wrapper
