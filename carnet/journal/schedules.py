"""Periodic work of the journal: a signed checkpoint, also copied to a second location."""

from carnet.schedule.registry import register

register("journal-checkpoint", "carnet.journal.tasks.checkpoint_journal", "CARNET_CHECKPOINT_PERIOD")
