"""PollSchedule's properties: quick first polls, ≤ 5 polls/s on long runs, backoff, the hint."""

from __future__ import annotations

import pytest

from weatherbot.backends.openai_client import PollSchedule


def _poll_times(until_s: float) -> list[float]:
    """When each poll happens, in seconds since the run started."""
    slept: list[float] = []
    schedule = PollSchedule(slept.append)
    times: list[float] = []
    while not times or times[-1] < until_s:
        schedule.wait()
        times.append(sum(slept))
    return times


@pytest.mark.parametrize("ends_at", [0.0, 0.01, 0.05, 0.1, 0.17, 0.25, 0.3])
def test_a_run_that_ends_within_300_ms_is_noticed_within_60_ms(ends_at: float) -> None:
    noticed = next(t for t in _poll_times(1.0) if t >= ends_at)
    # 50 ms by the schedule, leaving 10 ms for the poll request itself.
    assert noticed - ends_at <= 0.05 + 1e-9


@pytest.mark.parametrize("horizon", [2.0, 3.0, 10.0, 60.0, 600.0])
def test_runs_longer_than_two_seconds_average_at_most_five_polls_per_second(
    horizon: float,
) -> None:
    for polls, at in enumerate(_poll_times(horizon), start=1):
        if at >= 2.0:
            # The poll that notices a run ending just before `at` is poll number `polls`.
            assert polls <= 5 * at + 1e-9, (polls, at)


def test_backs_off_on_long_runs_up_to_one_second() -> None:
    gaps: list[float] = []
    schedule = PollSchedule(gaps.append)
    while sum(gaps) < 60.0:
        schedule.wait()
    assert gaps == sorted(gaps)
    assert gaps[0] <= 0.02
    assert gaps[-1] == 1.0
    assert max(gaps) == 1.0
    # After the first minute a run is polled about once a second, not five times.
    assert len(gaps) < 80


def test_reset_starts_quick_again() -> None:
    schedule = PollSchedule(lambda _: None)
    for _ in range(40):
        schedule.next_delay()
    assert schedule.next_delay() == 1.0
    schedule.reset()
    assert schedule.next_delay() == 0.02


@pytest.mark.parametrize(("header", "expected"), [("400", 0.4), ("0", 0.0), ("2500", 2.5)])
def test_the_server_hint_always_wins(header: str, expected: float) -> None:
    schedule = PollSchedule(lambda _: None)
    for _ in range(3):
        assert schedule.next_delay({"openai-poll-after-ms": header}) == expected


def test_a_malformed_hint_falls_back_to_the_schedule() -> None:
    schedule = PollSchedule(lambda _: None)
    assert schedule.next_delay({"openai-poll-after-ms": "soon"}) == 0.02
