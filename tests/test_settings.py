"""Settings precedence: flags > environment > .env > config.toml > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from weatherbot.backends import catalogue
from weatherbot.errors import ConfigError
from weatherbot.settings import DEFAULT_MODEL, Secret, load_settings


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(env={"WEATHERBOT_HOME": str(tmp_path)}, cwd=tmp_path)
    assert s.backend == "auto"
    assert s.model == DEFAULT_MODEL
    assert s.provider == "open-meteo"
    assert s.open_meteo_url == "https://api.open-meteo.com"
    assert catalogue.resolve(s).name == "offline"
    assert s.home == tmp_path


def test_precedence_flags_env_dotenv_config(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        'model = "from-config"\nprovider = "met-norway"\nunits = "metric"\nbackend = "chat"\n'
    )
    (tmp_path / ".env").write_text("WEATHERBOT_MODEL=from-dotenv\nWEATHERBOT_PROVIDER=nws\n")
    env = {"WEATHERBOT_HOME": str(tmp_path), "WEATHERBOT_PROVIDER": "open-meteo"}
    s = load_settings(env=env, cwd=tmp_path)
    assert s.model == "from-dotenv"  # .env beats config.toml
    assert s.provider == "open-meteo"  # the real environment beats .env
    assert s.units == "metric"  # config.toml beats defaults
    assert s.backend == "chat"
    assert load_settings(env=env, cwd=tmp_path, model="flag").model == "flag"


def test_dotenv_never_overrides_environment(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-from-dotenv\n")
    s = load_settings(
        env={"WEATHERBOT_HOME": str(tmp_path), "OPENAI_API_KEY": "sk-env"}, cwd=tmp_path
    )
    assert s.api_key is not None and s.api_key.reveal() == "sk-env"


def test_config_file_cannot_hold_secrets(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('OPENAI_API_KEY = "sk-secret"\napi_key = "sk-x"\n')
    s = load_settings(env={"WEATHERBOT_HOME": str(tmp_path)}, cwd=tmp_path)
    assert s.api_key is None


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (None, "responses"),
        ("https://api.openai.com/v1", "responses"),
        ("http://localhost:11434/v1", "chat"),
    ],
)
def test_auto_backend_with_key(tmp_path: Path, base_url: str | None, expected: str) -> None:
    env = {"WEATHERBOT_HOME": str(tmp_path), "OPENAI_API_KEY": "sk-x"}
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    assert catalogue.resolve(load_settings(env=env, cwd=tmp_path)).name == expected


def test_provider_urls_and_keys(tmp_path: Path) -> None:
    env = {
        "WEATHERBOT_HOME": str(tmp_path),
        "WEATHERBOT_MET_NORWAY_URL": "http://127.0.0.1:1",
        "WEATHERBOT_OPENWEATHERMAP_API_KEY": "owm-key",
    }
    s = load_settings(env=env, cwd=tmp_path)
    assert s.provider_urls["met_norway"] == "http://127.0.0.1:1"
    assert s.provider_keys["openweathermap"].reveal() == "owm-key"


def test_unknown_backend_is_a_config_error(tmp_path: Path) -> None:
    settings = load_settings(
        env={"WEATHERBOT_HOME": str(tmp_path), "WEATHERBOT_BACKEND": "magic"}, cwd=tmp_path
    )
    with pytest.raises(ConfigError, match="unknown backend"):
        catalogue.resolve(settings)


def test_corrupt_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("model = [unterminated\n")
    with pytest.raises(ConfigError, match=r"config\.toml"):
        load_settings(env={"WEATHERBOT_HOME": str(tmp_path)}, cwd=tmp_path)


def test_secret_never_shows_itself() -> None:
    secret = Secret("sk-very-secret-value")
    assert "sk-very" not in repr(secret)
    assert "sk-very" not in str(secret)
    assert "sk-very" not in f"{secret}"


def test_no_color_from_environment(tmp_path: Path) -> None:
    s = load_settings(env={"WEATHERBOT_HOME": str(tmp_path), "NO_COLOR": "1"}, cwd=tmp_path)
    assert s.color is False
