"""The token endpoint: private_key_jwt for professional software, django-oauth-toolkit for the rest."""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.views import TokenView

from carnet.fhir.outcome import FhirError
from carnet.fhir.security import actor_for_token, issue_professional_token


@csrf_exempt
@require_POST
def token(request):
    if request.POST.get("client_assertion"):
        if request.POST.get("grant_type") != "client_credentials":
            return JsonResponse({"error": "unsupported_grant_type"}, status=400)
        try:
            body = issue_professional_token(
                request.POST.get("client_assertion_type", ""), request.POST["client_assertion"]
            )
        except FhirError as error:
            return JsonResponse(
                {"error": "invalid_client", "error_description": error.diagnostics}, status=error.status
            )
        return JsonResponse(body, headers={"Cache-Control": "no-store"})
    return _with_patient(TokenView.as_view()(request))


def _with_patient(response):
    """SMART: a patient app's token response names the patient in context (``patient``)."""
    if response.status_code != 200:
        return response
    body = json.loads(response.content)
    actor = actor_for_token(body.get("access_token", ""))
    if actor is None or actor.patient is None:
        return response
    response.content = json.dumps(body | {"patient": str(actor.patient.pk)})
    response["Content-Length"] = str(len(response.content))
    return response


@csrf_exempt
def fhir_root(request):
    """``POST /fhir`` (no trailing slash, as FHIR clients send it) is the same endpoint as ``/fhir/``."""
    from django.urls import resolve

    match = resolve("/fhir/")
    return match.func(request, *match.args, **match.kwargs)
