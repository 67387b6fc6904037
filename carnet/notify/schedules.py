"""Periodic work of notifications: the daily digest."""

from carnet.schedule.registry import register

register("daily-digests", "carnet.notify.tasks.send_daily_digests_task", "CARNET_DAILY_PERIOD")
