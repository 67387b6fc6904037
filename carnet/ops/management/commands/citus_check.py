"""carnet citus-check: which tables shard by patient with Citus, and what blocks colocated distribution."""

from django.core.management.base import BaseCommand, CommandError

from carnet.identity import lookups
from carnet.ops.citus import distribution_sql, survey


class Command(BaseCommand):
    help = (
        "Classify every table for Citus (distributed by patient, reference or local) and name each blocker "
        "of colocated distribution, read from the migrated schema; --sql prints the distribution script."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sql", action="store_true", help="print the script for a Citus coordinator")
        parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
        parser.add_argument("--strict", action="store_true", help="exit with an error if a blocker is left")

    def handle(self, *args, **options):
        rows = survey()
        blocked = [r for r in rows if r["blockers"]]
        if options["sql"]:
            if blocked:
                raise CommandError(f"{len(blocked)} tables still block colocated distribution: no script")
            self.stdout.write(distribution_sql(rows), ending="")
            return
        if options["markdown"]:
            self.stdout.write("| class | table | distribution column | blockers |\n| --- | --- | --- | --- |")
        for row in rows:
            if row["kind"] == "distributed" or row["blockers"]:
                blockers = "; ".join(row["blockers"]) or "-"
                if options["markdown"]:
                    self.stdout.write(
                        f"| {row['kind']} | `{row['table']}` | {row['column'] or '-'} | {blockers} |"
                    )
                else:
                    self.stdout.write(
                        f"{row['kind']:<12} {row['table']:<36} {row['column'] or '-':<11} {blockers}"
                    )
        counts = {
            kind: sum(1 for r in rows if r["kind"] == kind) for kind in ("distributed", "reference", "local")
        }
        self.stdout.write(
            f"\n{counts['distributed']} tables distributed, {counts['reference']} reference, "
            f"{counts['local']} "
            f"local; {len(blocked)} tables with blockers"
        )
        wrong = {what: n for what, n in lookups.disagreements().items() if n}
        self.stdout.write(
            "lookups of the NIR and the account: "
            + (", ".join(f"{n} {what}" for what, n in wrong.items()) if wrong else "consistent")
        )
        problems = [f"{len(blocked)} tables block colocated distribution"] if blocked else []
        if wrong:
            problems.append("the lookups of the NIR and the account disagree with the patients")
        if options["strict"] and problems:
            raise CommandError("; ".join(problems))
