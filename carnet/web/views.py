from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from carnet.ops.unavailable import unavailable_response
from carnet.vault.checks import key_problem
from carnet.web.context import service as service_context


def home(request):
    return render(request, "web/home.html")


def page(name: str):
    """The service's information pages (footer): plain templates, same for everyone."""

    def view(request):
        return render(
            request, f"web/pages/{name}.html", {"printed_letter_days": settings.CARNET_PRINTED_LETTER_DAYS}
        )

    view.__name__ = f"page_{name}"
    return view


def server_error(request):
    """The 500 page, translated, with the help line; rendered without the request's context processors
    (they may be what failed). A database away for a moment is a 503 with Retry-After instead."""
    unavailable = unavailable_response(request)
    if unavailable is not None:
        return unavailable
    context = {"service": service_context(request)["service"], "LANGUAGE_CODE": get_language()}
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@never_cache
def ready(request):
    """Readiness for a load balancer: 503 while the key-encryption keys are missing or not the right ones
    (the reason goes to the operator's log side, not to the caller)."""
    if key_problem() is not None:
        return HttpResponse(
            "not ready: key-encryption keys unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")
