"""Security headers Django does not set itself: a strict CSP (no inline script or style),
a permissions policy, and ``Cache-Control: no-store`` on everything but static files."""

from django.conf import settings

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
        if not request.path.startswith(settings.STATIC_URL):  # clinical answers never stay in a cache
            response.setdefault("Cache-Control", "no-store")
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", PERMISSIONS)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class AccessDeniedMiddleware:
    """A refusal by the policy that a page did not handle itself becomes a clear 403 (or 404 when the rules
    require hiding that the thing exists), never a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404
        from django.template.response import TemplateResponse

        from carnet.access.decision import AccessDenied
        from carnet.web.errors import REFUSAL_TEXT

        if not isinstance(exception, AccessDenied):
            return None
        if exception.hide:
            raise Http404("hidden")
        text = REFUSAL_TEXT.get(exception.decision.rule, "Cette action ne vous est pas permise.")
        response = TemplateResponse(
            request, "web/refused.html", {"text": text, "rule": exception.decision.rule}, status=403
        )
        return response.render()
