"""Periodic work of the record: held-back documents released, closed spaces destroyed when due."""

from carnet.schedule.registry import register

register(
    "release-hidden-documents", "carnet.records.tasks.release_overdue_hidden_documents", "CARNET_DAILY_PERIOD"
)
register("destroy-due-spaces", "carnet.records.tasks.destroy_due_spaces", "CARNET_DAILY_PERIOD")
