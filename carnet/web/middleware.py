"""Security headers Django does not set itself: a strict CSP (no inline script or style),
a permissions policy; and the one handler that renders refusals as pages."""

from django.http import Http404
from django.template.response import TemplateResponse

from carnet.errors import Refused

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", PERMISSIONS)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class RefusedMiddleware:
    """The one web handler of refusals: a ``Refused`` that a page did not show in its form becomes a page
    with its translated message and its status (404 when the rules require hiding that the thing exists),
    never a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Refused):
            return None
        if getattr(exception, "hide", False):
            raise Http404("hidden")
        context = {"text": exception.message, "status": exception.status}
        response = TemplateResponse(request, "web/refused.html", context, status=exception.status)
        return response.render()


# The name this middleware had when it handled the policy's refusals only.
AccessDeniedMiddleware = RefusedMiddleware
