"""Who is asking: the one value every service passes to the policy and the journal."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    APP = "app"
    CAREGIVER = "caregiver"
    EDITOR = "editor"
    OPERATOR = "operator"
    PATIENT = "patient"
    PROFESSIONAL = "professional"
    REPRESENTATIVE = "representative"
    SYSTEM = "system"


class Channel(StrEnum):
    API = "api"
    APP = "app"
    CLI = "cli"
    EMERGENCY = "emergency"
    TASK = "task"
    WEB = "web"


@dataclass(frozen=True)
class Actor:
    """The person or software acting, and for whom.

    ``patient`` is the space the actor acts in: their own (patient), the represented person
    (representative), the mandating person (caregiver) or the app's patient. Professionals and
    operators have no own space; the patient concerned is the resource's.
    """

    role: Role
    user: object | None = None
    professional: object | None = None
    patient: object | None = None
    mandate: object | None = None
    channel: Channel = Channel.WEB
    scopes: frozenset[str] = field(default_factory=frozenset)
    app_name: str = ""

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    @property
    def label(self) -> str:
        """How the journal names the actor, without any clinical data."""
        if self.professional is not None:
            return f"{self.professional.display_name} ({self.professional.role_label})"
        if self.role == Role.APP:
            return self.app_name
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return str(self.role)


SYSTEM = Actor(role=Role.SYSTEM, channel=Channel.TASK)
ANONYMOUS = Actor(role=Role.ANONYMOUS)
