from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "carnet.notify"
    label = "notify"
