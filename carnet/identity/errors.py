"""Old names of the identity domain's refusals, kept while other areas move to ``carnet.errors.Refused``.

They are ``Refused`` (pages and the API render them the same way) with the old ``(message, code=...)``
signature. New code raises ``Refused(code, message)`` directly.
"""

from carnet.errors import Refused


class IdentityError(Refused):
    def __init__(self, message: str, code: str | None = None, **kwargs):
        super().__init__(code or "identity", message, **kwargs)


TransitionRefused = ActivationRefused = SignInRefused = IdentityError
