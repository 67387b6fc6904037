from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "carnet.identity"
    label = "identity"
