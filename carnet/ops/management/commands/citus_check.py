"""carnet citus-check: which tables shard by patient with Citus, and what blocks colocated distribution."""

from django.core.management.base import BaseCommand

from carnet.ops.citus import survey


class Command(BaseCommand):
    help = "Classify every table for Citus (distributed by patient_id, or not) and name each blocker."

    def handle(self, *args, **options):
        rows = survey()
        for row in rows:
            if row["kind"] == "distributed" or row["blockers"]:
                blockers = "; ".join(row["blockers"]) or "-"
                self.stdout.write(
                    f"{row['kind']:<16} {row['table']:<36} {row['column'] or '-':<11} {blockers}"
                )
        distributed = [r for r in rows if r["kind"] == "distributed"]
        blocked = [r for r in rows if r["blockers"]]
        self.stdout.write(
            f"{len(distributed)} tables distributed by patient, {len(rows) - len(distributed)} others; "
            f"{len(blocked)} tables with blockers"
        )
