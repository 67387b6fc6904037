from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "carnet.agenda"
    label = "agenda"
