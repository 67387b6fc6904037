"""The deposit benchmark through HAProxy, with one app server then two (interleaved), ratio printed."""

import json
import statistics
import time
from pathlib import Path

from carnet.bench import fixtures, load, runs


def deposit_through_haproxy(shape, duration: float = 15.0, connections: int = 8, rounds: int = 2) -> dict:
    gp, patients, token = runs._setup()
    template = fixtures.bundle_template(fixtures.pdf_of_size(100_000))
    factory = runs._deposit_factory(runs.Target(False), shape.front, template, patients, token)
    load.run_saturation(factory, 3.0, connections)  # warm-up: both servers, connections opened
    runs._drain_tasks(limit=120)
    phases: dict[int, list] = {1: [], 2: []}
    for _ in range(rounds):
        for servers in (1, 2):
            for n in range(2, len(shape.app_ports) + 1):
                shape.haproxy(f"{'disable' if servers < n else 'enable'} server app/app{n}")
            time.sleep(1.0)
            result = load.run_saturation(factory, duration, connections)
            result["worker_backlog"] = runs._drain_tasks(limit=120)
            phases[servers].append(result)
            print(
                f"  {servers} app server(s): {result['per_s']} deposits/s, p95 {result['p95_ms']} ms, "
                f"failures {result['failures']}"
            )
    for n in range(2, len(shape.app_ports) + 1):
        shape.haproxy(f"enable server app/app{n}")
    one = statistics.median(r["per_s"] for r in phases[1])
    two = statistics.median(r["per_s"] for r in phases[2])
    summary = {
        "through": "HAProxy -> gunicorn x N -> PgBouncer -> PostgreSQL primary (+ standby), blobs in S3",
        "synchronous_replication": shape.synchronous,
        "duration_s": duration,
        "connections": connections,
        "gunicorn_workers_per_server": shape.web_workers,
        "one_server": phases[1],
        "two_servers": phases[2],
        "median_per_s": {"one": one, "two": two},
        "two_vs_one": round(two / one, 3) if one else 0.0,
    }
    print(
        f"deposits/s through HAProxy: 1 server {one:.1f}, 2 servers {two:.1f},"
        f" ratio 2/1 = {summary['two_vs_one']}"
    )
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (out / f"deploy-local-deposit-{stamp}.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary
