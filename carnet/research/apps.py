from django.apps import AppConfig


class ResearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "carnet.research"
    label = "research"
    verbose_name = "Recherche sur consentement"
