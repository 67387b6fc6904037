"""Periodic work of the API: the apps' expired tokens and spent authorization codes are deleted."""

from carnet.schedule.registry import register

register("clear-expired-tokens", "carnet.fhir.tasks.clear_expired_tokens", "CARNET_DAILY_PERIOD")
