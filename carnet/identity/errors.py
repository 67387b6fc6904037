"""Errors of the identity domain: each carries a code and a message a person can act on."""


class IdentityError(Exception):
    code = "identity"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class TransitionRefused(IdentityError):
    code = "transition_refused"


class ActivationRefused(IdentityError):
    code = "activation_refused"


class SignInRefused(IdentityError):
    code = "sign_in_refused"
