"""config.toml in WEATHERBOT_HOME: its values by variable name, and notes on keys it does not know.

Read by `settings` only (it decides precedence); secrets are never taken from this file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from weatherbot.errors import ConfigError

CONFIG_FILE = "config.toml"

# Keys that may come from config.toml; secrets never do (they would sit in a plain file).
CONFIG_KEYS = {
    "backend": "WEATHERBOT_BACKEND",
    "model": "WEATHERBOT_MODEL",
    "provider": "WEATHERBOT_PROVIDER",
    "units": "WEATHERBOT_UNITS",
    "wind_unit": "WEATHERBOT_WIND_UNIT",
    "precipitation_unit": "WEATHERBOT_PRECIPITATION_UNIT",
    "fallback_providers": "WEATHERBOT_FALLBACK_PROVIDERS",
    "base_url": "OPENAI_BASE_URL",
    "open_meteo_url": "WEATHERBOT_OPEN_METEO_URL",
    "open_meteo_geocoding_url": "WEATHERBOT_OPEN_METEO_GEOCODING_URL",
    "open_meteo_air_quality_url": "WEATHERBOT_OPEN_METEO_AIR_QUALITY_URL",
    "contact": "WEATHERBOT_CONTACT",
    "stream": "WEATHERBOT_STREAM",
    "api_timeout": "WEATHERBOT_API_TIMEOUT",
    "mcp_allowed_origins": "WEATHERBOT_MCP_ALLOWED_ORIGINS",
}


def _config_value(path: Path, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        raise ConfigError(
            f"config file {path}: {key} must be a value, not a table",
            hint=f'e.g. {key} = "..." at the top of the file',
        )
    return str(value)


def _unknown_key_note(path: Path, key: str) -> str:
    import difflib

    lower = key.lower()
    if any(word in lower for word in ("key", "token", "secret", "password")):
        return (
            f"config file {path}: {key!r} ignored (secrets are never read from the config "
            "file: set them in the environment or .env)"
        )
    # An environment variable's name (WEATHERBOT_MODEL) for its key (model).
    by_env = {env_name.lower(): k for k, env_name in CONFIG_KEYS.items()}
    close = [by_env[lower]] if lower in by_env else []
    close = close or difflib.get_close_matches(lower, list(CONFIG_KEYS), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "weatherbot config show lists the settings"
    return f"config file {path}: unknown key {key!r} ignored ({hint})"


def read_config(home: Path) -> tuple[dict[str, str], list[str]]:
    """config.toml's values by variable name, and a note for each key it does not know."""
    path = home / CONFIG_FILE
    if not path.is_file():
        return {}, []
    problem: str | None = None
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        problem = f"cannot read {path}: {exc.strerror or exc}"
    except UnicodeDecodeError as exc:
        problem = f"config file {path} is not valid UTF-8 (byte {exc.start + 1})"
    except RecursionError:
        # tomllib recurses once per nested array or table: ~1,000 levels exhaust the stack.
        problem = f"config file {path} is nested too deeply"
    except tomllib.TOMLDecodeError as exc:
        problem = f"config file {path} is not valid TOML: {exc}"
    except ValueError:
        # The only other ValueError: an integer over Python's 4,300-digit limit.
        problem = f"config file {path} holds a number with too many digits"
    if problem is not None:
        raise ConfigError(problem, hint="fix or remove the config file")
    out: dict[str, str] = {}
    notes: list[str] = []
    for key, value in data.items():
        env_name = CONFIG_KEYS.get(key)
        if env_name is None:
            notes.append(_unknown_key_note(path, key))
        else:
            out[env_name] = _config_value(path, key, value)
    return out, notes
