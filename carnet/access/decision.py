from dataclasses import dataclass

from carnet.errors import Refused


@dataclass(frozen=True)
class Decision:
    """What the policy said: allowed or not, the machine-readable reason, and the rule that decided."""

    allowed: bool
    reason: str
    rule: str

    def __bool__(self) -> bool:
        return self.allowed


class AccessDenied(Refused):
    """Raised by access functions; ``hide`` means answer as if the resource did not exist (404)."""

    def __init__(self, decision: Decision, hide: bool = False):
        super().__init__(decision.reason, decision.reason, status=404 if hide else 403)
        self.decision = decision
        self.hide = hide
