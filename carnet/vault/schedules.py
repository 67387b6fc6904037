"""Periodic work of the vault: blobs a crash left without a row are removed after the grace period."""

from carnet.schedule.registry import register

register("sweep-orphan-blobs", "carnet.vault.tasks.sweep_orphan_blobs", "CARNET_DAILY_PERIOD")
