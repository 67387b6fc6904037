"""carnet chaos: faults injected into the local production shape under a steady deposit and read load.

Bounded loops, loopback only. Each phase injects one kind of fault; at the end every acknowledged deposit
is looked up, read back and its journal entries counted, orphans are surveyed and swept, the journal is
verified. The figures are printed and written as JSON (docs/reliability.md quotes them).
"""

import json
import random
import time
from pathlib import Path

from django.db import close_old_connections

from carnet.ops import chaos_checks, chaos_faults
from carnet.ops.chaos_load import Load
from carnet.ops.local import PHASES


def run(shape, options) -> int:
    phases = [p for p in options.phases.split(",") if p]
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise SystemExit(f"unknown phases: {', '.join(sorted(unknown))}")
    load = Load(shape.front, rate=options.rate, read_rate=options.read_rate)
    close_old_connections()
    faults = chaos_faults.Faults(shape, load, random.Random(21))
    report: dict = {"shape": {"synchronous_replication": shape.synchronous, "health": shape.health}}
    load.start()
    time.sleep(3)
    began = time.monotonic()
    try:
        for phase in phases:
            load.tally.phase = phase
            print(f"== {phase}", flush=True)
            result = faults.run(phase, options)
            report[phase] = result
            print(f"   {json.dumps(result, default=str)}", flush=True)
            load.tally.phase = f"after {phase}"
            faults.wait_healthy()
            time.sleep(2)
    finally:
        load.stop()
    report["seconds"] = round(time.monotonic() - began, 1)
    faults.settle()
    close_old_connections()
    report["statuses"] = load.tally.statuses()
    report["token_renewals"] = dict(load.renewals)
    report["statuses_by_phase"] = load.tally.by_phase()
    report["deposits"] = chaos_checks.deposits(load.tally, faults.extra_readers)
    report["storage"] = chaos_checks.storage(faults.extra_refs)
    report["journal"] = chaos_checks.journal()
    report["tasks"] = chaos_checks.tasks()
    report["restarts"] = dict(shape.restarts)
    report["server_errors_500"] = sum(n for key, n in report["statuses"].items() if key.endswith(" 500"))
    faults.cleanup()
    _write(report, options.output)
    ok = (
        report["deposits"]["lost"] == 0
        and report["deposits"]["unreadable"] == 0
        and report["storage"]["rows_without_blob"] == 0
        and report["storage"]["orphan_blobs_after_sweep"] == 0
        and report["journal"]["verifies"]
        and report["server_errors_500"] == 0
    )
    print(
        json.dumps({k: report[k] for k in ("deposits", "storage", "journal", "tasks", "statuses")}, indent=1)
    )
    print("chaos: every acknowledged deposit kept" if ok else "chaos: FAILED (see above)")
    return 0 if ok else 1


def _write(report: dict, output: str) -> None:
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = folder / f"chaos-{stamp}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    print(f"written {path}")
