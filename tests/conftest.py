"""Shared fixtures: every test gets a clean environment and its own WEATHERBOT_HOME."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Install the lazy SDK import before any test imports openai, so the suite runs the SDK the way
# the CLI does (weatherbot/backends/sdk_import.py).
import weatherbot.backends.openai_client  # noqa: F401
from weatherbot import redaction

# The fake Open-Meteo fixture (`fake_weather`) is available to every test.
pytest_plugins = ["tests.fakes.weather_server"]


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No real key, URL or setting leaks in; state lives under tmp; no .env is picked up."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "WEATHERBOT_")) or name in {"NO_COLOR", "FORCE_COLOR"}:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("WEATHERBOT_HOME", str(home))
    # Unroutable on purpose: a test that forgets to point a provider at a fake fails fast.
    monkeypatch.setenv("WEATHERBOT_OPEN_METEO_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WEATHERBOT_OPEN_METEO_GEOCODING_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WEATHERBOT_OPEN_METEO_AIR_QUALITY_URL", "http://127.0.0.1:9")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    # Secrets are remembered process-wide once settings read them; each test starts with none.
    redaction.forget_all()
    yield home
    redaction.forget_all()
