"""Who is asking: the one value every service passes to the policy and the journal."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from carnet.errors import Forbidden

if TYPE_CHECKING:  # the models import nothing from here; the names are for the type checker only
    from carnet.identity.models import Mandate, Patient, Professional, User


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
    user: "User | None" = None
    professional: "Professional | None" = None
    patient: "Patient | None" = None
    mandate: "Mandate | None" = None
    channel: Channel = Channel.WEB
    scopes: frozenset[str] = field(default_factory=frozenset)
    app_name: str = ""
    app_id: int | None = None  # the OAuth2 application of an app's token (its writes carry it)

    @property
    def acting_professional(self) -> "Professional":
        """The professional acting, where the policy only allows professionals: never None there."""
        if self.professional is None:
            raise Forbidden("not-a-professional", _("Seul un professionnel de santé peut faire cela."))
        return self.professional

    @classmethod
    def for_patient(cls, patient, *, user=None, channel: Channel = Channel.WEB) -> "Actor":
        """The patient acting in their own space (signed in as ``user``, by default the space's account)."""
        return cls(role=Role.PATIENT, user=user or patient.user, patient=patient, channel=channel)

    @classmethod
    def for_professional(cls, professional, *, channel: Channel = Channel.WEB) -> "Actor":
        """A professional acting through their own account (pages) or their software (``Channel.API``)."""
        return cls(role=Role.PROFESSIONAL, user=professional.user, professional=professional, channel=channel)

    @classmethod
    def for_account(cls, user, *, channel: Channel = Channel.WEB) -> "Actor":
        """A person acting on their own account (sign-in steps, devices), whatever space they act in."""
        if user.is_staff:
            return cls(role=Role.OPERATOR, user=user, channel=channel)
        professional = getattr(user, "professional", None)
        if professional is not None:
            return cls(role=Role.PROFESSIONAL, user=user, professional=professional, channel=channel)
        return cls(role=Role.PATIENT, user=user, patient=getattr(user, "patient", None), channel=channel)

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
