"""Issue 15's questions through every backend: the right tool, and its figures in the answer.

The same `contract` fixture as tests/test_contract.py (each backend's fake API server plus the
fake Open-Meteo, polled/plain and streamed). A model (the scripted one) or the offline
planner picks the tool; the answer must carry what that tool's output says. The cities are
the fake's TEST VALUES (tests/fakes/weather_synthetic.py) except London, the 2026-05-11
recording (23:30 there, so "this afternoon" is over: tomorrow afternoon, 7% at 17:00 at most).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_contract import Contract, contract  # noqa: F401  (the fixture)

# question -> (the tool that answers it, what its output must say, a figure in the answer)
CASES: dict[str, tuple[str, dict[str, Any], str]] = {
    "Will it rain this afternoon in London?": (
        "get_hourly_forecast",
        {"summary.precipitation_probability_max_percent": 7},
        "7%",
    ),
    "What time does it stop raining in Paris?": (
        "get_hourly_forecast",
        {"summary.wet_at_start": True, "summary.stops_at": "2026-12-07T16:00+01:00"},
        "16:00",
    ),
    "Is it going to snow in Oslo this week?": (
        "get_forecast",
        {"days.1.precipitation_types": ["snow"], "days.2.snowfall": 12.0},
        "12",
    ),
    "UV index in Sydney tomorrow?": ("get_forecast", {"days.1.uv_index_max": 12.4}, "12.4"),
    "When is sunset in Tokyo?": (
        "get_forecast",
        {"days.0.sunset": "2026-12-07T16:28+09:00"},
        "16:28",
    ),
    "How is the air in Delhi?": (
        "get_air_quality",
        {"us_aqi": 212, "us_aqi_category": "very unhealthy"},
        "212",
    ),
    "weather in Paris in 12 days": (
        "get_forecast",
        {"days.12.date": "2026-12-19", "days.12.precipitation_probability_percent": 65},
        "65%",
    ),
}


def _at(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@pytest.mark.parametrize("question", list(CASES))
def test_answered_from_the_right_tool(contract: Contract, question: str) -> None:  # noqa: F811
    tool, facts, figure = CASES[question]
    doc = contract.ask_json(question)
    outputs = [json.loads(c["output"]) for c in doc["tool_calls"] if c["name"] == tool]
    assert outputs, [c["name"] for c in doc["tool_calls"]]
    assert all("error" not in out for out in outputs), outputs
    for path, expected in facts.items():
        assert any(_at(out, path) == expected for out in outputs), (path, outputs)
    assert figure in doc["answer"], doc["answer"]


def test_snow_is_never_called_rain(contract: Contract) -> None:  # noqa: F811
    doc = contract.ask_json("Is it going to snow in Oslo this week?")
    answer = doc["answer"].lower()
    assert "snow" in answer and "chance of rain" not in answer, doc["answer"]
