"""``carnet deploy-local`` and ``carnet chaos``: commands that build their own settings (the shape's
database, store and keys) before Django starts, so they are dispatched here by ``carnet.cli``."""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from carnet.ops.shape import Shape

DEFAULT_ROOT = "/tmp/carnet-shape"
PHASES = ["app-workers", "app-servers", "task-worker", "postgres-restart", "promotion", "store", "full-disk"]


def chaos_arguments(parser) -> None:
    parser.add_argument("--phases", default=",".join(PHASES), help="comma-separated, in this order")
    parser.add_argument("--worker-kills", type=int, default=1000, help="kill -9 of gunicorn worker processes")
    parser.add_argument("--server-kills", type=int, default=40, help="kill -9 of a whole app server")
    parser.add_argument("--task-kills", type=int, default=10)
    parser.add_argument("--pg-restarts", type=int, default=3)
    parser.add_argument("--promotions", type=int, default=2)
    parser.add_argument("--store-faults", type=int, default=3)
    parser.add_argument("--rate", type=float, default=6.0, help="deposits/s offered")
    parser.add_argument("--read-rate", type=float, default=6.0)
    parser.add_argument("--output", default="bench-results")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"carnet {prog}")
    parser.add_argument("--dir", default=os.environ.get("CARNET_SHAPE_DIR", DEFAULT_ROOT))
    parser.add_argument(
        "--base-port", type=int, default=8170, help="HAProxy; app servers, S3, PgBouncer next"
    )
    parser.add_argument("--pg-port", type=int, default=5470, help="primary; the standby on the next port")
    parser.add_argument("--fresh", action="store_true", help="start from empty directories")
    parser.add_argument("--synchronous", action="store_true", help="synchronous streaming replication")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes per app server")
    parser.add_argument(
        "--indexing-workers", type=int, default=1, help="workers of the indexing queue (0: documents wait)"
    )
    return parser


def make_shape(options, **extra) -> Shape:
    return Shape(
        Path(options.dir),
        base_port=options.base_port,
        pg_port=options.pg_port,
        synchronous=options.synchronous,
        fresh=options.fresh,
        web_workers=options.web_workers,
        indexing_workers=options.indexing_workers,
        **extra,
    )


def use_shape_settings(shape: Shape) -> None:
    """This process becomes a client of the shape: its settings are the app servers' own."""
    os.environ.update(shape.env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnet.settings")
    import django  # noqa: PLC0415 - set up only once the shape's settings are in the environment

    django.setup()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def deploy_local(argv: list[str]) -> None:
    parser = _parser("deploy-local")
    parser.add_argument(
        "--bench", action="store_true", help="deposit benchmark through HAProxy, 1 then 2 servers"
    )
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=8)
    options = parser.parse_args(argv)
    shape = make_shape(options)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        shape.start()
        print(f"carnet's production shape is up in {shape.started_in} s: {shape.root}/state.json")
        print(
            f"  HAProxy http://127.0.0.1:{shape.front}/  app servers {shape.app_ports}  health {shape.health}"
        )
        print(
            f"  PgBouncer :{shape.pgbouncer_port} -> primary :{shape.primary_port},"
            f" standby :{shape.standby_port}"
        )
        print(f"  S3 (moto) http://127.0.0.1:{shape.s3_port}  buckets carnet-blobs, carnet-checkpoints")
        if options.bench:
            use_shape_settings(shape)
            from carnet.ops.shape_bench import deposit_through_haproxy  # noqa: PLC0415 - needs Django set up

            deposit_through_haproxy(shape, options.duration, options.connections)
            return
        print("Ctrl-C (or SIGTERM) stops everything")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print("interrupted")
    finally:
        shape.stop()
        print("stopped")


def chaos(argv: list[str]) -> None:
    parser = _parser("chaos")
    chaos_arguments(parser)
    options = parser.parse_args(argv)
    shape = make_shape(options)
    try:
        shape.start()
        print(f"shape up in {shape.started_in} s")
        use_shape_settings(shape)
        from carnet.ops.chaos import run  # noqa: PLC0415 - needs Django set up (models)

        sys.exit(run(shape, options))
    finally:
        shape.stop()
