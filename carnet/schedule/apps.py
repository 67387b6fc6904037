from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ScheduleConfig(AppConfig):
    name = "carnet.schedule"
    label = "schedule"

    def ready(self) -> None:
        """Each app declares its periodic work in its own ``schedules.py``."""
        autodiscover_modules("schedules")
