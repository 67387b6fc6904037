"""carnet bench deposit|timeline|search|journal|growth|messaging|stats|indexing|all: measure, write JSON."""

import datetime
import json
import platform
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from carnet.bench import runs
from carnet.bench.statistics_run import statistics_bench
from carnet.messaging import bench as messaging_bench

NAMES = ["deposit", "timeline", "search", "journal", "growth", "messaging", "stats", "indexing"]


def _flatten(prefix: str, value, rows: list) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, rows)
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            _flatten(f"{prefix}[{n}]", inner, rows)
    else:
        rows.append((prefix, value))


class Command(BaseCommand):
    help = "Run the benchmarks (PostgreSQL; SQLite where meaningful) and write JSON under bench-results/."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=NAMES + ["all"])
        parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured phase")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--rate", type=float, default=60.0, help="offered deposits/s")
        parser.add_argument(
            "--deposit-rate", type=float, default=60.0, help="background deposits/s (timeline)"
        )
        parser.add_argument("--rounds", type=int, default=300)
        parser.add_argument("--entries", type=int, default=20000, help="journal entries appended")
        parser.add_argument(
            "--writers", default="1,4,16", help="journal: concurrent writer counts (0: none), e.g. 1,4,16"
        )
        parser.add_argument(
            "--writer-seconds", type=float, default=5.0, help="journal: seconds per writer run"
        )
        parser.add_argument(
            "--writer-rounds", type=int, default=1, help="journal: runs per writer count (best)"
        )
        parser.add_argument("--sizes", default="10000,100000,1000000", help="growth population sizes")
        parser.add_argument("--in-process", action="store_true", help="Django test client, no server")
        parser.add_argument("--output", default="bench-results")
        parser.add_argument("--cold", action="store_true", help="indexing: also build the NLP pipeline anew")
        parser.add_argument(
            "--deposits", action="store_true", help="indexing: deposits with the indexing off and on"
        )
        parser.add_argument(
            "--errors", choices=["dev", "template"], help="indexing: list a split's errors, measure nothing"
        )

    def handle(self, *args, name, **options):
        if options["errors"]:
            return self._errors(name, options["errors"])
        chosen = NAMES if name == "all" else [name]
        try:
            sizes = tuple(int(s) for s in options["sizes"].split(","))
        except ValueError:
            raise CommandError("--sizes takes comma-separated integers, e.g. 10000,100000") from None
        results = {}
        for bench in chosen:
            self.stdout.write(f"== {bench}")
            results[bench] = self._run(bench, options, sizes)
            rows: list = []
            _flatten("", results[bench], rows)
            width = max(len(key) for key, _ in rows)
            for key, value in rows:
                self.stdout.write(f"  {key.ljust(width)}  {value}")
        self._write(name, results, options["output"])

    def _errors(self, name, split) -> None:
        if name != "indexing":
            raise CommandError("--errors is an option of carnet bench indexing")
        from carnet.indexing import bench as indexing_bench  # noqa: PLC0415 - loads edsnlp

        for row in indexing_bench.errors(split):
            self.stdout.write(row["text"])
            for line in row["errors"]:
                self.stdout.write(f"  {line}")

    def _run(self, bench, o, sizes) -> dict:
        if bench == "deposit":
            return runs.deposit(o["duration"], o["connections"], o["rate"], o["in_process"])
        if bench == "timeline":
            return runs.timeline(o["duration"], 4, 20.0, o["deposit_rate"], o["in_process"])
        if bench == "search":
            return runs.search(o["rounds"])
        if bench == "journal":
            writers = tuple(int(w) for w in o["writers"].split(",") if int(w) > 0)
            return runs.journal(o["entries"], writers, o["writer_seconds"], o["writer_rounds"])
        if bench == "stats":
            return statistics_bench(sizes, rounds=o["rounds"])
        if bench == "indexing":
            from carnet.indexing import bench as indexing_bench  # noqa: PLC0415 - loads edsnlp

            return indexing_bench.run(o["duration"], o["cold"], o["deposits"], o["duration"])
        if bench == "messaging":
            return messaging_bench.run(o["rounds"], connections=min(o["connections"], 8))
        return runs.growth(sizes, rounds=o["rounds"])

    def _write(self, name, results, output) -> None:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}-{stamp}.json"
        machine = {"python": platform.python_version(), "cpus": _cpus(), "database": connection.vendor}
        document = {"benchmark": name, "at": stamp, "machine": machine, "results": results}
        document["settings"] = {"bench_insecure": settings.CARNET_BENCH_INSECURE}
        path.write_text(json.dumps(document, indent=2, default=str))
        self.stdout.write(f"written {path}")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0
