"""Who calls the API: professional software (signed JWT client assertion naming the acting professional)
or a patient app (authorization code + PKCE, SMART scopes). Both end up as an Actor for the policy."""

import datetime
import hashlib
import secrets
import time

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, set_token_value

from carnet.access.actor import Actor, Channel, Role
from carnet.fhir.models import AssertionUse, SoftwareClient, TokenContext
from carnet.fhir.outcome import FhirError
from carnet.identity.models import Professional

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS256", "RS384", "ES256", "ES384", "EdDSA"]
MAX_ASSERTION_SECONDS = 5 * 60  # RFC 7523 asks for a short life; the review had one valid for ten years


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
            options={"require": ["exp", "iat", "iss", "sub", "aud", "jti"]},
        )
    except jwt.PyJWTError as error:
        raise FhirError(401, "security", f"client_assertion refused: {error}") from None
    if claims["sub"] != client_id:
        raise FhirError(401, "security", "client_assertion 'sub' must equal 'iss'")
    if (
        claims["exp"] - claims["iat"] > MAX_ASSERTION_SECONDS
        or claims["exp"] > time.time() + MAX_ASSERTION_SECONDS
    ):
        raise FhirError(401, "security", "client_assertion lives longer than 5 minutes")
    _use_once(client, str(claims["jti"]), claims["exp"])
    return client, claims


def _use_once(client: SoftwareClient, jti: str, exp: int) -> None:
    """Record the ``jti`` in the database (shared by every process, kept across restarts) until it expires."""
    now = timezone.now()
    AssertionUse.objects.filter(expires_at__lt=now).delete()
    expires = datetime.datetime.fromtimestamp(exp, tz=datetime.UTC)
    try:
        with transaction.atomic():
            AssertionUse.objects.create(client=client, jti=jti[:200], expires_at=expires)
    except IntegrityError:
        raise FhirError(401, "security", "client_assertion replayed (jti already used)") from None


def _structure(client: SoftwareClient, professional: Professional, claimed: str) -> str:
    """The structure a token stands for: one the operator declared for the software, never free text."""
    declared = {client.structure, *client.finess} - {""}
    if claimed and claimed not in declared:
        raise FhirError(401, "security", "the assertion names a structure this software was not declared for")
    if professional.finess and professional.finess in client.finess:
        return professional.finess
    return claimed or client.structure


@transaction.atomic
def issue_professional_token(assertion_type: str, assertion: str) -> dict:
    """client_credentials with private_key_jwt: the token names the professional (RPPS) and the structure."""
    if assertion_type != ASSERTION_TYPE:
        raise FhirError(400, "invalid", f"client_assertion_type must be {ASSERTION_TYPE}")
    client, claims = _claims(assertion)
    professional = Professional.objects.filter(rpps=claims.get("rpps", "")).first()
    if professional is None:
        raise FhirError(401, "security", "the assertion must name a known acting professional in 'rpps'")
    if not client.serves(professional):
        raise FhirError(401, "security", "this software was not declared for this professional or structure")
    structure = _structure(client, professional, str(claims.get("structure", "")))
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
    TokenContext.objects.create(token=token, professional=professional, structure=structure[:200])
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
        app_id=token.application_id,
        channel=Channel.APP,
    )
