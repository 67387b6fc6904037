"""OpenID Connect sign-in: Pro Santé Connect for professionals, FranceConnect for patients.

The client side is Authlib (its requests ``OAuth2Session``: discovery-fed endpoints, authorization code
with PKCE S256, ``private_key_jwt`` (RFC 7523) or client-secret authentication at the token endpoint) and
joserfc, Authlib's JOSE library, for the id_token (signature against the provider's published keys,
issuer, audience, expiry, nonce). Authlib rather than mozilla-django-oidc: Pro Santé Connect asks for
``private_key_jwt`` and ``acr_values`` and publishes its endpoints by discovery, which mozilla-django-oidc
does not do (client secret only, endpoints set by hand, one provider per site); Authlib does all three, is
framework-agnostic (two providers configured side by side), and the test provider is built on it too.

This module speaks the protocol only and changes nothing: matching the person and signing them in are
``carnet.identity.actions`` (``match_professional``, ``match_patient``).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import KeySet, import_key

from carnet.errors import Refused

logger = logging.getLogger(__name__)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
LEEWAY_SECONDS = 60
NONCE_SECONDS = 24 * 3600


class ProviderDown(Refused):
    """The provider does not answer, or answers nonsense: the person can only try again later."""

    status = 503


class SignInWithProviderRefused(Refused):
    """The provider's answer is not trustworthy, or names nobody carnet knows: nothing is created."""

    status = 403


@dataclass(frozen=True)
class Provider:
    """One configured provider (``CARNET_PSC_*`` or ``CARNET_FRANCECONNECT_*``)."""

    name: str
    issuer: str
    client_id: str
    client_secret: str = ""
    private_key_file: str = ""
    auth_method: str = "private_key_jwt"
    scopes: str = "openid"
    acr_values: str = ""
    id_claim: str = ""
    id_prefix: str = ""
    timeout: int = 10

    @property
    def configured(self) -> bool:
        return bool(self.issuer and self.client_id)


def provider(name: str) -> Provider:
    """The provider named ``psc`` or ``franceconnect`` from the settings (unconfigured when absent)."""
    values: dict[str, Any] = settings.CARNET_OIDC.get(name, {"issuer": "", "client_id": ""})
    return Provider(name=name, **values)


def _down(p: Provider, what: str) -> ProviderDown:
    logger.warning("openid provider %s unavailable (%s)", p.name, what)
    return ProviderDown(
        "provider_down",
        _("Le service d'identification ne répond pas pour le moment. Réessayez dans quelques minutes."),
    )


def _refused(code: str, message: str = "") -> SignInWithProviderRefused:
    logger.info("openid sign-in refused: %s", code)
    return SignInWithProviderRefused(
        code, message or _("La connexion n'a pas pu être vérifiée. Recommencez depuis la page de connexion.")
    )


def _get_json(p: Provider, url: str, **kwargs) -> dict:
    try:
        response = requests.get(url, timeout=p.timeout, **kwargs)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise _down(p, type(error).__name__) from None


def discover(p: Provider) -> dict:
    """The provider's metadata (cached for an hour); its issuer must be the configured one."""
    key = f"oidc-discovery:{p.name}:{p.issuer}"
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(p, f"{p.issuer.rstrip('/')}/.well-known/openid-configuration")
        if metadata.get("issuer") != p.issuer:
            raise _down(p, "issuer mismatch in discovery")
        cache.set(key, metadata, 3600)
    return metadata


def _session(p: Provider, redirect_uri: str, metadata: dict) -> OAuth2Session:
    if p.auth_method == "private_key_jwt":
        key = _private_key(p.private_key_file)
        session = OAuth2Session(
            p.client_id,
            key,
            token_endpoint_auth_method=PrivateKeyJWT(metadata["token_endpoint"], alg=_key_alg(key)),
            redirect_uri=redirect_uri,
            scope=p.scopes,
            code_challenge_method="S256",
        )
    else:
        session = OAuth2Session(
            p.client_id,
            p.client_secret,
            token_endpoint_auth_method=p.auth_method,
            redirect_uri=redirect_uri,
            scope=p.scopes,
            code_challenge_method="S256",
        )
    return session


def _private_key(path: str):
    pem = Path(path).read_bytes()
    private = serialization.load_pem_private_key(pem, None)
    return import_key(pem, "EC" if isinstance(private, ec.EllipticCurvePrivateKey) else "RSA")


def _key_alg(key) -> str:
    return "ES256" if key.key_type == "EC" else "RS256"


def start(p: Provider, redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorization address, and what the session keeps to check the answer."""
    metadata = discover(p)
    pending = {
        "state": secrets.token_urlsafe(24),
        "nonce": secrets.token_urlsafe(24),
        "verifier": secrets.token_urlsafe(48),
        "redirect_uri": redirect_uri,
    }
    extra = {"acr_values": p.acr_values} if p.acr_values else {}
    url, _state = _session(p, redirect_uri, metadata).create_authorization_url(
        metadata["authorization_endpoint"],
        state=pending["state"],
        nonce=pending["nonce"],
        code_verifier=pending["verifier"],
        **extra,
    )
    return url, pending


def finish(p: Provider, pending: dict | None, params) -> dict:
    """Check the provider's answer and return the person's claims (id_token, then userinfo)."""
    if not pending or not secrets.compare_digest(str(params.get("state", "")), pending["state"]):
        raise _refused("state_mismatch")
    if params.get("error"):
        raise _refused(
            "provider_error", _("Le service d'identification n'a pas confirmé votre identité (annulé ?).")
        )
    metadata = discover(p)
    try:
        token = _session(p, pending["redirect_uri"], metadata).fetch_token(
            metadata["token_endpoint"],
            code=params.get("code", ""),
            code_verifier=pending["verifier"],
            timeout=p.timeout,
        )
    except requests.RequestException as error:
        raise _down(p, type(error).__name__) from None
    except (OAuthError, OAuth2Error, ValueError):
        raise _refused("token_refused") from None
    claims = validate_id_token(p, metadata, token.get("id_token", ""), pending["nonce"])
    if metadata.get("userinfo_endpoint"):
        info = _get_json(
            p, metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"}
        )
        if info.get("sub") != claims["sub"]:
            raise _refused("userinfo_subject")
        claims = {**info, **claims}
    return claims


def _keys(p: Provider, metadata: dict) -> KeySet:
    try:
        return KeySet.import_key_set(_get_json(p, metadata["jwks_uri"]))  # type: ignore[arg-type]  # import_key_set validates it
    except (JoseError, KeyError, ValueError, TypeError):
        raise _down(p, "unreadable keys") from None


def validate_id_token(p: Provider, metadata: dict, id_token: str, nonce: str) -> dict:
    """Signed by the provider's keys (never ``none``), for this client, not expired, this nonce, once."""
    try:
        decoded = jwt.decode(id_token, _keys(p, metadata), algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": p.issuer},
            aud={"essential": True, "value": p.client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except ClaimError as error:
        raise _refused(f"id_token_{error.error}_{error.claim}") from None
    except JoseError as error:
        raise _refused(f"id_token_{error.error}") from None
    except (ValueError, TypeError):
        raise _refused("id_token_unreadable") from None
    claims = decoded.claims
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audience) > 1 and claims.get("azp") != p.client_id:
        raise _refused("id_token_azp")
    if p.acr_values and claims.get("acr") not in p.acr_values.split():
        raise _refused("id_token_acr")  # the provider authenticated the person less strongly than asked
    used = f"oidc-nonce:{hashlib.sha256(nonce.encode()).hexdigest()}"
    if not cache.add(used, 1, NONCE_SECONDS):
        raise _refused("nonce_replayed")
    return claims


def national_id(p: Provider, claims: dict) -> str:
    """The identifier read from the configured claim, without its configured prefix (PSC: ``8`` + RPPS)."""
    value = claims.get(p.id_claim, "")
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else ""
    value = str(value or "").strip()
    if p.id_prefix and value.startswith(p.id_prefix):
        value = value[len(p.id_prefix) :]
    return value
