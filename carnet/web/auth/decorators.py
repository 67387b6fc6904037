"""Guards for views: who may open a page, and a fresh re-authentication before sensitive actions."""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from carnet.access.actor import Role
from carnet.web.actor import actor_for_request

REAUTH_AT = "reauthenticated_at"


def _guard(roles: set):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            actor = actor_for_request(request)
            if actor.role not in roles:
                return redirect(f"{reverse('auth:sign-in')}?next={request.path}")
            request.actor = actor
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


patient_required = _guard({Role.PATIENT, Role.REPRESENTATIVE, Role.CAREGIVER})
professional_required = _guard({Role.PROFESSIONAL})
operator_required = _guard({Role.OPERATOR})


def reauth_required(view):
    """Sensitive actions (closure, mandates, export) need the password again within CARNET_REAUTH_SECONDS."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        at = request.session.get(REAUTH_AT, 0)
        if time.time() - at > settings.CARNET_REAUTH_SECONDS:
            return redirect(f"{reverse('auth:reauth')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapped


def second_factor_required(view):
    """Pages that change a second factor or confirm a password need a session that passed the second
    factor: a password alone (a stolen one) must never be enough to enrol the attacker's authenticator."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_verified():
            return redirect(f"{reverse('auth:sign-in')}?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapped
