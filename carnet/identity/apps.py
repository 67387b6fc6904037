from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class IdentityConfig(AppConfig):
    name = "carnet.identity"
    label = "identity"

    def ready(self) -> None:
        """Each app declares what a space's destruction erases of its tables in its own ``erasure.py``."""
        autodiscover_modules("erasure")
