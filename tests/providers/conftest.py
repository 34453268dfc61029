"""Helpers for provider tests: recorded files, an HTTP client that records its sleeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from weatherbot.providers.http import HttpClient

DATA = Path(__file__).resolve().parent.parent / "data" / "weather"


def recording(name: str) -> Any:
    """A recorded response body from tests/data/weather."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def sleeps() -> list[float]:
    """The delays the client would have slept, in order (nothing actually sleeps)."""
    return []


@pytest.fixture
def http(sleeps: list[float]) -> HttpClient:
    """An Open-Meteo HttpClient whose backoff only records its delays."""
    return HttpClient("Open-Meteo", sleep=sleeps.append)


# The fake MET/NWS/OWM/WeatherAPI server (`fake_providers`) for the provider modules' tests.
from tests.fakes.provider_server import fake_providers  # noqa: E402, F401
