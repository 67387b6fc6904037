"""Sign-in through an OpenID Connect provider: Pro Santé Connect (professionals), FranceConnect (patients).

The protocol is ``carnet.identity.oidc`` (Authlib); the person is named by ``carnet.identity.actions``.
Every refusal, and a provider that does not answer, is a page that says what to do, never a server error.
"""

import time

from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login

from carnet.errors import Refused
from carnet.identity import actions, oidc
from carnet.web.auth.decorators import REAUTH_AT

SLUGS = {"pro-sante-connect": "psc", "franceconnect": "franceconnect"}
MATCHERS = {
    "psc": (actions.sign_in_professional_by_provider, "/pro/"),
    "franceconnect": (actions.sign_in_patient_by_provider, "/patient/"),
}
PENDING = "oidc_pending:{}"


def _provider(slug: str) -> oidc.Provider:
    provider = oidc.provider(SLUGS.get(slug, ""))
    if not provider.configured:
        raise Http404("provider")
    return provider


def _refused(request, provider, error: Refused):
    context = {"provider": provider.name, "message": error.message, "code": error.code}
    return render(request, "web/auth/provider_refused.html", context, status=error.status)


def start(request, slug):
    provider = _provider(slug)
    callback = request.build_absolute_uri(reverse("auth:provider-callback", args=[slug]))
    try:
        url, pending = oidc.start(provider, callback)
    except Refused as error:
        return _refused(request, provider, error)
    request.session[PENDING.format(provider.name)] = pending
    return redirect(url)


def callback(request, slug):
    provider = _provider(slug)
    pending = request.session.pop(PENDING.format(provider.name), None)
    matcher, home = MATCHERS[provider.name]
    try:
        user, device = matcher(provider, oidc.finish(provider, pending, request.GET))
    except Refused as error:
        return _refused(request, provider, error)
    request.session.cycle_key()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session[REAUTH_AT] = time.time()
    return redirect(home)
