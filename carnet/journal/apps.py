from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "carnet.journal"
    label = "journal"
