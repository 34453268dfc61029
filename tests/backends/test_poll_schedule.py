"""PollSchedule's properties: at most 5 polls per second of run time, backoff, the server hint."""

from __future__ import annotations

import pytest

from weatherbot.backends.openai_client import PollSchedule


def _delays(until_s: float) -> list[float]:
    slept: list[float] = []
    schedule = PollSchedule(slept.append)
    while sum(slept) < until_s:
        schedule.wait()
    return slept


@pytest.mark.parametrize("horizon", [0.2, 0.5, 1.0, 3.0, 10.0, 60.0, 600.0])
def test_never_more_than_five_polls_per_second_of_run_time(horizon: float) -> None:
    elapsed = 0.0
    for polls, delay in enumerate(_delays(horizon), start=1):
        elapsed += delay
        assert polls <= 5 * elapsed + 1e-9


def test_backs_off_on_long_runs_up_to_one_second() -> None:
    delays = _delays(60.0)
    assert delays == sorted(delays)
    assert delays[0] <= 0.2
    assert delays[-1] == 1.0
    assert max(delays) == 1.0
    # After the first minute a run is polled about once a second, not five times.
    assert len(delays) < 100


def test_reset_starts_quick_again() -> None:
    schedule = PollSchedule(lambda _: None)
    for _ in range(40):
        schedule.next_delay()
    assert schedule.next_delay() == 1.0
    schedule.reset()
    assert schedule.next_delay() == 0.2


@pytest.mark.parametrize(("header", "expected"), [("400", 0.4), ("0", 0.0), ("2500", 2.5)])
def test_the_server_hint_always_wins(header: str, expected: float) -> None:
    schedule = PollSchedule(lambda _: None)
    for _ in range(3):
        assert schedule.next_delay({"openai-poll-after-ms": header}) == expected


def test_a_malformed_hint_falls_back_to_the_schedule() -> None:
    schedule = PollSchedule(lambda _: None)
    assert schedule.next_delay({"openai-poll-after-ms": "soon"}) == 0.2
