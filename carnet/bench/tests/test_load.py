"""The pure parts of the load generator: percentiles, the schedule, latency from the intended send time."""

import pytest

from carnet.bench import load


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 50, 0.0),
        ([5.0], 99, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
        ([float(n) for n in range(1, 101)], 95, 95.0),
        ([float(n) for n in range(1, 101)], 99, 99.0),
        ([float(n) for n in range(100, 0, -1)], 100, 100.0),
    ],
)
def test_percentile_is_nearest_rank(values, q, expected):
    assert load.percentile(values, q) == expected


def test_summary_in_milliseconds():
    result = load.summary([0.010, 0.020, 0.030, 0.040])
    assert result == {"count": 4, "p50_ms": 20.0, "p95_ms": 40.0, "p99_ms": 40.0, "max_ms": 40.0}


def test_intended_times_are_evenly_spaced_at_the_offered_rate():
    times = load.intended_times(4, 2)
    assert times == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]


@pytest.mark.parametrize(("rate", "duration"), [(0, 1), (10, 0), (-1, 5)])
def test_intended_times_refuse_a_non_positive_rate_or_duration(rate, duration):
    with pytest.raises(ValueError, match="positive"):
        load.intended_times(rate, duration)


def test_schedule_hands_each_time_out_once_then_none():
    schedule = load.Schedule([0.0, 0.5])
    assert [schedule.take(), schedule.take(), schedule.take()] == [0.0, 0.5, None]


class FakeClock:
    """Time that moves only when the load generator sleeps or a request 'takes' time."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_slow_answers_count_from_the_intended_send_time():
    """10/s offered for 1 s on one connection, answers taking 250 ms: the last request was due at 0.9 s but
    only sent at 2.25 s, so its latency is 1.6 s (a closed-loop client would have reported 250 ms)."""
    clock = FakeClock()

    def factory():
        def send():
            clock.sleep(0.25)
            return True

        return send

    result = load.run_constant_rate(
        factory, rate=10, duration=1, connections=1, clock=clock, sleep=clock.sleep
    )
    assert result["count"] == 10
    assert result["failures"] == 0
    assert result["p50_ms"] == pytest.approx(0.25 * 5 * 1000 - 0.1 * 4 * 1000)
    assert result["max_ms"] == pytest.approx(1600.0)


def test_fast_answers_keep_their_own_latency_and_failures_are_counted():
    clock = FakeClock()
    answers = iter([True, False, True, True])

    def factory():
        def send():
            clock.sleep(0.01)
            return next(answers)

        return send

    result = load.run_constant_rate(
        factory, rate=4, duration=1, connections=1, clock=clock, sleep=clock.sleep
    )
    assert result["count"] == 4
    assert result["failures"] == 1
    assert result["max_ms"] == pytest.approx(10.0)
