"""Load generation: percentiles, a constant-rate schedule and its runner.

A benchmark that sends the next request only when the previous one returned hides slow answers (coordinated
omission). Here every request has an intended send time fixed in advance; its latency is measured from that
time, so a stall delays the following requests and their latency shows it.
"""

import math
import threading
import time
from collections.abc import Callable


def _close_thread_connections() -> None:
    """Database connections a client thread opened (in-process sends) close with the thread."""
    from django.db import connections

    connections.close_all()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(latencies: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds from latencies in seconds."""
    return {
        "count": len(latencies),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(max(latencies, default=0.0) * 1000, 2),
    }


def intended_times(rate: float, duration: float) -> list[float]:
    """Send times (seconds from the start) of a constant offered rate over a duration."""
    if rate <= 0 or duration <= 0:
        raise ValueError("rate and duration must be positive")
    return [n / rate for n in range(int(rate * duration))]


class Schedule:
    """Hands out intended send times to several client threads, in order, each exactly once."""

    def __init__(self, times: list[float]):
        self._times, self._next, self._lock = times, 0, threading.Lock()

    def take(self) -> float | None:
        with self._lock:
            if self._next >= len(self._times):
                return None
            self._next += 1
            return self._times[self._next - 1]


def run_constant_rate(
    send_factory: Callable[[], Callable[[], bool]],
    rate: float,
    duration: float,
    connections: int,
    clock=time.perf_counter,
    sleep=time.sleep,
) -> dict:
    """Offer ``rate`` requests/s for ``duration`` s over ``connections`` clients; latency from intended time.

    ``send_factory()`` gives each thread its own ``send() -> ok`` (one connection per thread).
    """
    schedule = Schedule(intended_times(rate, duration))
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = clock() + 0.05

    def client():
        send = send_factory()
        try:
            while (due := schedule.take()) is not None:
                wait = start + due - clock()
                if wait > 0:
                    sleep(wait)
                ok = send()
                latency = clock() - (start + due)
                with lock:
                    latencies.append(latency)
                    failures[0] += 0 if ok else 1
        finally:
            _close_thread_connections()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = clock() - start
    return {
        "offered_per_s": rate,
        "achieved_per_s": round(len(latencies) / elapsed, 1) if elapsed > 0 else 0.0,
        "failures": failures[0],
        **summary(latencies),
    }


def run_saturation(send_factory: Callable[[], Callable[[], bool]], duration: float, connections: int) -> dict:
    """Closed loop: every client sends as fast as answers come back; the completed rate is the ceiling."""
    done, failures, latencies = [0], [0], []
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def client():
        send = send_factory()
        try:
            while time.perf_counter() < stop:
                began = time.perf_counter()
                ok = send()
                with lock:
                    latencies.append(time.perf_counter() - began)
                    done[0] += 1 if ok else 0
                    failures[0] += 0 if ok else 1
        finally:
            _close_thread_connections()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "connections": connections,
        "per_s": round(done[0] / elapsed, 1),
        "failures": failures[0],
        **summary(latencies),
    }
