"""The operators' Django admin: reached only through carnet's own sign-in (password, then second factor).

Django's admin login (a password alone, failures not counted) is never shown: an unverified session is sent
to ``/connexion/``, whose lockout and one-time code apply to operators as to everyone.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class OperatorAdminSite(OTPAdminSite):
    """An admin site that requires a session verified by a second factor (``OTPAdminSite``)."""

    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        """Carnet's sign-in instead of the admin's password-only form."""
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('auth:sign-in')}?{urlencode({'next': target})}")
