from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "carnet.ops"
    label = "ops"
    verbose_name = "Exploitation (plusieurs serveurs, pannes, sauvegardes)"
