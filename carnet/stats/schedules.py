"""Periodic work of the public statistics: the counters and tables refreshed (hourly by default)."""

from carnet.schedule.registry import register

register("refresh-statistics", "carnet.stats.tasks.refresh_statistics_task", "CARNET_STATS_PERIOD")
