from django.apps import AppConfig


class StatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "carnet.stats"
    label = "stats"
    verbose_name = "Statistiques publiques"
