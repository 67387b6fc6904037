"""Periodic work of notifications: the daily digest, and the printed letters' text erased after a while."""

from carnet.schedule.registry import register

register("daily-digests", "carnet.notify.tasks.send_daily_digests_task", "CARNET_DAILY_PERIOD")
register("forget-printed-letters", "carnet.notify.tasks.forget_printed_letters", "CARNET_DAILY_PERIOD")
