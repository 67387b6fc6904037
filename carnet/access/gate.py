"""Ask the policy and write the answer to the journal: what every service calls before touching a record."""

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
    record(
        actor,
        action,
        decision,
        patient=patient,
        resource_type=resource.__class__.__name__,
        resource_id=getattr(resource, "pk", ""),
        detail=detail,
    )
    if not decision.allowed:
        raise AccessDenied(decision, hide=hide)
    return decision
