"""The production server (gunicorn, as `carnet serve` runs it) started for a benchmark, and HTTP clients."""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from carnet.cli import start_worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_server(insecure: bool = False, workers: int = 2, threads: int = 4):
    """gunicorn on a free port with this process's settings (same DATABASE_URL, data, keys), plus a worker."""
    port = free_port()
    env = dict(os.environ, CARNET_BENCH_INSECURE="true" if insecure else "false", CARNET_DB_CONN_MAX_AGE="60")
    command = [sys.executable, "-m", "gunicorn", "carnet.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    # As `carnet serve` does: the task worker runs beside the web server (text extraction, notifications).
    worker = start_worker(env, quiet=True)
    try:
        _wait_ready(port, process)
        yield port
    finally:
        for child in (process, worker):
            child.terminate()
        for child in (process, worker):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker inside a long task: the benchmark is over
                child.kill()
                child.wait(timeout=30)


def _wait_ready(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped: " + process.stderr.read().decode()[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/fhir/metadata")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def http_sender(port: int, method: str, path_or_fn, body_fn=None, headers=None, expect=(200, 201)):
    """A factory of per-thread ``send() -> ok`` on one keep-alive connection (reconnects after errors)."""

    def factory():
        state = {"conn": http.client.HTTPConnection("127.0.0.1", port, timeout=30)}

        def send() -> bool:
            path = path_or_fn() if callable(path_or_fn) else path_or_fn
            body = body_fn() if body_fn else None
            try:
                state["conn"].request(method, path, body=body, headers=headers or {})
                response = state["conn"].getresponse()
                response.read()
                return response.status in expect
            except (OSError, http.client.HTTPException):
                state["conn"].close()
                state["conn"] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                return False

        return send

    return factory
