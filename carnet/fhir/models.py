"""Registered professional software and the context each API token carries (who acts, for which structure)."""

from django.db import models
from oauth2_provider.models import AccessToken, Application

from carnet.identity.models import Professional


class SoftwareClient(models.Model):
    """Professional software registered to call the API with a signed JWT (private_key_jwt)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="software")
    public_key_pem = models.TextField()
    structure = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.application.name


class TokenContext(models.Model):
    """What a token stands for: the acting professional (DMP indirect authentication) or a patient app."""

    token = models.OneToOneField(AccessToken, on_delete=models.CASCADE, related_name="carnet_context")
    professional = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    structure = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"context of token {self.token_id}"
