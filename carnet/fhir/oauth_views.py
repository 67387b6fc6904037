"""The token endpoint: private_key_jwt for professional software, django-oauth-toolkit for the rest."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.views import TokenView

from carnet.fhir.outcome import FhirError
from carnet.fhir.security import issue_professional_token


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
    return TokenView.as_view()(request)


@csrf_exempt
def fhir_root(request):
    """``POST /fhir`` (no trailing slash, as FHIR clients send it) is the same endpoint as ``/fhir/``."""
    from django.urls import resolve

    match = resolve("/fhir/")
    return match.func(request, *match.args, **match.kwargs)
