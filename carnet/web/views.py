from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from carnet.vault.checks import key_problem


def home(request):
    return render(request, "web/home.html")


@never_cache
def ready(request):
    """Readiness for a load balancer: 503 while the key-encryption keys are missing or not the right ones
    (the reason goes to the operator's log side, not to the caller)."""
    if key_problem() is not None:
        return HttpResponse(
            "not ready: key-encryption keys unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")
