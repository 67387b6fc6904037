"""Who calls the API: professional software (signed JWT client assertion naming the acting professional)
or a patient app (authorization code + PKCE, SMART scopes). Both end up as an Actor for the policy."""

import datetime
import hashlib
import secrets

import jwt
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, set_token_value

from carnet.access.actor import Actor, Channel, Role
from carnet.fhir.models import SoftwareClient, TokenContext
from carnet.fhir.outcome import FhirError
from carnet.identity.models import Professional

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS256", "RS384", "ES256", "ES384", "EdDSA"]


def token_url() -> str:
    return f"{settings.SITE_URL}/oauth/token/"


def _claims(assertion: str) -> tuple[SoftwareClient, dict]:
    try:
        client_id = jwt.decode(assertion, options={"verify_signature": False})["iss"]
    except (jwt.PyJWTError, KeyError):
        raise FhirError(401, "security", "client_assertion is not a JWT with an 'iss' claim") from None
    client = (
        SoftwareClient.objects.select_related("application").filter(application__client_id=client_id).first()
    )
    if client is None:
        raise FhirError(401, "security", "unknown client")
    try:
        claims = jwt.decode(
            assertion,
            client.public_key_pem,
            algorithms=ALGORITHMS,
            audience=token_url(),
            issuer=client_id,
            options={"require": ["exp", "iss", "sub", "aud", "jti"]},
        )
    except jwt.PyJWTError as error:
        raise FhirError(401, "security", f"client_assertion refused: {error}") from None
    if claims["sub"] != client_id:
        raise FhirError(401, "security", "client_assertion 'sub' must equal 'iss'")
    if not cache.add(f"jti:{client_id}:{claims['jti']}", 1, timeout=3600):
        raise FhirError(401, "security", "client_assertion replayed (jti already used)")
    return client, claims


@transaction.atomic
def issue_professional_token(assertion_type: str, assertion: str) -> dict:
    """client_credentials with private_key_jwt: the token names the professional (RPPS) and the structure."""
    if assertion_type != ASSERTION_TYPE:
        raise FhirError(400, "invalid", f"client_assertion_type must be {ASSERTION_TYPE}")
    client, claims = _claims(assertion)
    professional = Professional.objects.filter(rpps=claims.get("rpps", "")).first()
    if professional is None:
        raise FhirError(401, "security", "the assertion must name a known acting professional in 'rpps'")
    raw = secrets.token_urlsafe(32)
    seconds = settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    token = AccessToken(
        application=client.application,
        user=professional.user,
        scope="fhir",
        expires=timezone.now() + datetime.timedelta(seconds=seconds),
    )
    set_token_value(token, raw)
    token.save()
    TokenContext.objects.create(
        token=token, professional=professional, structure=str(claims.get("structure", client.structure))[:200]
    )
    return {"access_token": raw, "token_type": "Bearer", "expires_in": seconds, "scope": "fhir"}


def actor_for_token(raw: str) -> Actor | None:
    """The Actor behind a bearer token, or None when unknown or expired."""
    checksum = hashlib.sha256(raw.encode()).hexdigest()
    context = (  # professional software: token, professional and user in one query
        TokenContext.objects.select_related("token", "professional__user")
        .filter(token__token_checksum=checksum)
        .first()
    )
    if context is not None and context.professional is not None:
        if context.token.is_expired():
            return None
        pro = context.professional
        return Actor(role=Role.PROFESSIONAL, user=pro.user, professional=pro, channel=Channel.API)
    token = AccessToken.objects.select_related("application", "user").filter(token_checksum=checksum).first()
    if token is None or token.is_expired():
        return None
    patient = getattr(token.user, "patient", None) if token.user else None
    if patient is None:
        return None
    return Actor(
        role=Role.APP,
        user=token.user,
        patient=patient,
        scopes=frozenset(token.scope.split()),
        app_name=token.application.name,
        channel=Channel.APP,
    )
