"""Periodic work of the account lifecycle (domain.md §2)."""

from carnet.schedule.registry import register

register("open-unactivated-spaces", "carnet.identity.tasks.open_unactivated_spaces", "CARNET_DAILY_PERIOD")
register(
    "close-expired-suspensions", "carnet.identity.tasks.close_expired_suspensions", "CARNET_DAILY_PERIOD"
)
register("hand-over-at-majority", "carnet.identity.tasks.hand_over_at_majority", "CARNET_DAILY_PERIOD")
register("clear-expired-sessions", "carnet.identity.tasks.clear_expired_sessions", "CARNET_DAILY_PERIOD")
