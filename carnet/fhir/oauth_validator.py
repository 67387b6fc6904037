"""django-oauth-toolkit's validator, with one addition: an authorization code used twice revokes the tokens
its first use obtained (RFC 9700 §4.2.4: the code may have been stolen; the first exchange may be the
thief's). The token endpoint stays django-oauth-toolkit's; only its bookkeeping of codes is extended."""

import hashlib

from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from carnet.fhir import actions
from carnet.fhir.models import RedeemedCode


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class CarnetValidator(OAuth2Validator):
    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """A code that is not (or no longer) valid: if it was already exchanged, that was its one use."""
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return True
        actions.revoke_tokens_of_replayed_code(digest(code), client)
        return False

    def _save_bearer_token(self, token, request, *args, **kwargs):
        """Inside the token's own transaction: remember which tokens this code obtained."""
        saved = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code":
            access = AccessToken.objects.filter(
                token_checksum=hashlib.sha256(token["access_token"].encode()).hexdigest()
            ).first()
            refresh = getattr(access, "refresh_token", None) if access is not None else None
            RedeemedCode.objects.create(
                code_digest=digest(request.code),
                application=request.client,
                user=request.user,
                access_token=access,
                token_family=getattr(refresh, "token_family", None),
            )
        return saved

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """Two exchanges of one code at the same moment: the one that finds the code gone revokes both."""
        try:
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        except InvalidGrantError:
            actions.revoke_tokens_of_replayed_code(digest(code), request.client)
            raise
