"""Settings: flags > environment > .env > config.toml > defaults; the only reader of os.environ."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from weatherbot import redaction
from weatherbot.config_file import CONFIG_FILE, read_config
from weatherbot.errors import ConfigError

DEFAULT_MODEL = "gpt-5.6-luna"
DEFAULT_PROVIDER = "open-meteo"
DEFAULT_OPEN_METEO_URL = "https://api.open-meteo.com"
DEFAULT_OPEN_METEO_GEOCODING_URL = "https://geocoding-api.open-meteo.com"
DEFAULT_OPEN_METEO_AIR_QUALITY_URL = "https://air-quality-api.open-meteo.com"
UNIT_SYSTEMS = ("auto", "metric", "imperial")
# "auto": km/h and mm alongside Celsius, mph and inch alongside Fahrenheit.
WIND_UNITS = ("auto", "m/s", "km/h", "mph")
PRECIPITATION_UNITS = ("auto", "mm", "inch")
_UNIT_ALIASES = {
    "ms": "m/s", "mps": "m/s", "kmh": "km/h", "kph": "km/h", "km/hr": "km/h",
    "in": "inch", "inches": "inch",
}  # fmt: skip

# The flags load_settings takes for a variable, so `config show` can say "flag".
_FLAG_VARS = {
    "backend": "WEATHERBOT_BACKEND",
    "model": "WEATHERBOT_MODEL",
    "provider": "WEATHERBOT_PROVIDER",
    "units": "WEATHERBOT_UNITS",
    "wind_unit": "WEATHERBOT_WIND_UNIT",
    "precipitation_unit": "WEATHERBOT_PRECIPITATION_UNIT",
    "stream": "WEATHERBOT_STREAM",
    "home": "WEATHERBOT_HOME",
}
FLAG = "flag"
ENVIRONMENT = "environment"
DEFAULT_API_TIMEOUT_S = 60.0
# An hour: more than any model takes for one request; a longer wait is a typo or a hang.
MAX_API_TIMEOUT_S = 3600.0


class Secret:
    """A string that never shows itself in repr, str, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        # Whatever a server echoes back of it is replaced wherever text leaves weatherbot.
        redaction.remember(value)

    def reveal(self) -> str:
        """The real value, for the one place that must send it (the HTTP client)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def default_home() -> Path:
    """The platform's user data directory for weatherbot."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("weatherbot", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything weatherbot is configured with, resolved once per process."""

    backend: str = "auto"
    model: str = DEFAULT_MODEL
    provider: str = DEFAULT_PROVIDER
    fallback_providers: tuple[str, ...] = ()
    units: str = "auto"
    wind_unit: str = "auto"
    precipitation_unit: str = "auto"
    home: Path = field(default_factory=default_home)
    api_key: Secret | None = None
    base_url: str | None = None
    open_meteo_url: str = DEFAULT_OPEN_METEO_URL
    open_meteo_geocoding_url: str = DEFAULT_OPEN_METEO_GEOCODING_URL
    open_meteo_air_quality_url: str = DEFAULT_OPEN_METEO_AIR_QUALITY_URL
    contact: str | None = None
    stream: bool = False
    # Seconds to wait for the model API to answer one request (slow local models want more).
    api_timeout: float = DEFAULT_API_TIMEOUT_S
    verbose: bool = False
    debug: bool = False
    refresh: bool = False
    color: bool | None = None
    # Every WEATHERBOT_<PROVIDER>_URL / _API_KEY, by lower-case provider key ("met_norway").
    provider_urls: Mapping[str, str] = field(default_factory=dict)
    provider_keys: Mapping[str, Secret] = field(default_factory=dict)
    # `weatherbot mcp --http`: the bearer token clients must send, and the browser origins
    # allowed besides the server's own (WEATHERBOT_MCP_TOKEN, WEATHERBOT_MCP_ALLOWED_ORIGINS).
    mcp_token: Secret | None = None
    mcp_allowed_origins: tuple[str, ...] = ()
    # Where each variable's value came from ("flag", "environment", a .env or config.toml
    # path); a variable missing here has its default. `weatherbot config show` reads it.
    sources: Mapping[str, str] = field(default_factory=dict)
    # One line each: config.toml keys that mean nothing (a typo), for the CLI to warn about.
    notes: tuple[str, ...] = ()

    def where(self, name: str) -> str:
        """' in FILE' / ' from NAME' for an error about variable `name`; '' for a flag."""
        return _where(name, self.sources.get(name))

    @property
    def config_path(self) -> Path:
        """The config file (it need not exist)."""
        return self.home / CONFIG_FILE

    @property
    def state_path(self) -> Path:
        """The state store file."""
        return self.home / "state.json"

    @property
    def cache_dir(self) -> Path:
        """The provider response cache directory."""
        return self.home / "cache"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _ours(name: str) -> bool:
    """A variable weatherbot reads (the rest of the environment is none of its business)."""
    return name.startswith(("OPENAI_", "WEATHERBOT_")) or name == "NO_COLOR"


def _where(name: str, source: str | None) -> str:
    if source in (None, FLAG):
        return ""
    if source == ENVIRONMENT:
        return f" from {name}"
    return f" in {source}"


def _unit_choice(value: str | None, allowed: tuple[str, ...], what: str, where: str) -> str:
    text = (value or "auto").strip().lower()
    text = _UNIT_ALIASES.get(text, text)
    if text not in allowed:
        raise ConfigError(
            f"unknown {what} unit {value!r}{where}", hint="choose " + ", ".join(allowed)
        )
    return text


def _listed(value: str | None) -> tuple[str, ...]:
    """A comma-separated setting as its non-empty items."""
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _check_home(home: Path) -> None:
    """A ConfigError when WEATHERBOT_HOME, or a folder it would be created in, is a file."""
    for path in (home, *home.parents):
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)
        except (FileNotFoundError, NotADirectoryError):
            continue  # not there yet (it is created on the first write)
        except OSError:
            return  # unreadable: the state store reports it where it is used
        if is_dir:
            return
        where = "a file" if path == home else f"inside the file {path}"
        raise ConfigError(
            f"WEATHERBOT_HOME {home} is {where}, not a directory",
            hint="set WEATHERBOT_HOME to a directory, or move the file away",
        )


def _read_dotenv(cwd: Path) -> dict[str, str]:
    path = cwd / ".env"
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def home_from_environment() -> Path:
    """WEATHERBOT_HOME from the environment or .env (or the default), nothing else read."""
    merged = {**_read_dotenv(Path.cwd()), **os.environ}
    text = merged.get("WEATHERBOT_HOME")
    return Path(text).expanduser() if text else default_home()


def load_settings(
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    on_note: Callable[[str], None] | None = None,
    **flags: Any,
) -> Settings:
    """Resolve settings from flags, the environment, ./.env, config.toml and defaults.

    `on_note` hears config.toml's notes (unknown keys) as soon as the file is read, so a typo
    is still said when a bad value in the same file stops everything a moment later.
    """
    real_env = dict(os.environ if env is None else env)
    dotenv_path = (cwd or Path.cwd()) / ".env"
    dotenv = _read_dotenv(cwd or Path.cwd())
    # .env never overrides the real environment.
    merged: dict[str, str] = {**dotenv, **real_env}
    home_text = flags.get("home") or merged.get("WEATHERBOT_HOME")
    home = Path(home_text).expanduser() if home_text else default_home()
    _check_home(home)
    config, notes = read_config(home)
    if on_note is not None:
        for note in notes:
            on_note(note)
    values: dict[str, str] = {**config, **merged}
    sources: dict[str, str] = {}
    for layer, source in (
        (config, str(home / CONFIG_FILE)),
        (dotenv, str(dotenv_path)),
        (real_env, ENVIRONMENT),
    ):
        sources.update(
            {name: source for name, value in layer.items() if value != "" and _ours(name)}
        )
    for flag, value in flags.items():
        if value is not None and flag in _FLAG_VARS:
            sources[_FLAG_VARS[flag]] = FLAG

    def get(name: str) -> str | None:
        value = values.get(name)
        return value if value not in (None, "") else None

    def where(name: str) -> str:
        return _where(name, sources.get(name))

    # Checked against the backend catalogue where the backend is chosen (catalogue.resolve).
    backend = (flags.get("backend") or get("WEATHERBOT_BACKEND") or "auto").strip().lower()
    units = (flags.get("units") or get("WEATHERBOT_UNITS") or "auto").lower()
    if units not in UNIT_SYSTEMS:
        raise ConfigError(
            f"unknown units {units!r}{where('WEATHERBOT_UNITS')}",
            hint="choose metric, imperial or auto",
        )
    wind_unit = _unit_choice(
        flags.get("wind_unit") or get("WEATHERBOT_WIND_UNIT"),
        WIND_UNITS,
        "wind",
        where("WEATHERBOT_WIND_UNIT"),
    )
    precipitation_unit = _unit_choice(
        flags.get("precipitation_unit") or get("WEATHERBOT_PRECIPITATION_UNIT"),
        PRECIPITATION_UNITS,
        "precipitation",
        where("WEATHERBOT_PRECIPITATION_UNIT"),
    )

    provider_urls: dict[str, str] = {}
    provider_keys: dict[str, Secret] = {}
    for name, value in values.items():
        if not name.startswith("WEATHERBOT_") or not value:
            continue
        middle = name[len("WEATHERBOT_") :]
        if middle.endswith("_API_KEY"):
            provider_keys[middle[: -len("_API_KEY")].lower()] = Secret(value)
        elif middle.endswith("_URL"):
            provider_urls[middle[: -len("_URL")].lower()] = value

    api_timeout_text = get("WEATHERBOT_API_TIMEOUT")
    try:
        api_timeout = float(api_timeout_text) if api_timeout_text else DEFAULT_API_TIMEOUT_S
    except ValueError:
        api_timeout = -1.0
    # The comparison also refuses nan; an unbounded value (1e300) overflows the clocks below.
    if not 0 < api_timeout <= MAX_API_TIMEOUT_S:
        raise ConfigError(
            f"WEATHERBOT_API_TIMEOUT{where('WEATHERBOT_API_TIMEOUT')} must be a number of "
            f"seconds above 0 and at most {MAX_API_TIMEOUT_S:.0f}, not {api_timeout_text!r}",
            hint=f"the default is {DEFAULT_API_TIMEOUT_S:.0f}; raise it for slow local models",
        )
    api_key = get("OPENAI_API_KEY")
    stream_flag = flags.get("stream")
    fallback = get("WEATHERBOT_FALLBACK_PROVIDERS")
    return Settings(
        backend=backend,
        model=flags.get("model") or get("WEATHERBOT_MODEL") or DEFAULT_MODEL,
        provider=(flags.get("provider") or get("WEATHERBOT_PROVIDER") or DEFAULT_PROVIDER).lower(),
        fallback_providers=tuple(p.strip().lower() for p in fallback.split(",") if p.strip())
        if fallback
        else (),
        units=units,
        wind_unit=wind_unit,
        precipitation_unit=precipitation_unit,
        home=home,
        api_key=Secret(api_key) if api_key else None,
        base_url=get("OPENAI_BASE_URL"),
        open_meteo_url=get("WEATHERBOT_OPEN_METEO_URL") or DEFAULT_OPEN_METEO_URL,
        open_meteo_geocoding_url=get("WEATHERBOT_OPEN_METEO_GEOCODING_URL")
        or DEFAULT_OPEN_METEO_GEOCODING_URL,
        open_meteo_air_quality_url=get("WEATHERBOT_OPEN_METEO_AIR_QUALITY_URL")
        or DEFAULT_OPEN_METEO_AIR_QUALITY_URL,
        contact=get("WEATHERBOT_CONTACT"),
        stream=bool(stream_flag)
        if stream_flag is not None
        else _truthy(get("WEATHERBOT_STREAM") or ""),
        api_timeout=api_timeout,
        verbose=bool(flags.get("verbose")),
        debug=bool(flags.get("debug")),
        refresh=bool(flags.get("refresh")),
        color=flags.get("color")
        if flags.get("color") is not None
        else (False if "NO_COLOR" in values else None),
        provider_urls=provider_urls,
        provider_keys=provider_keys,
        mcp_token=Secret(mcp_token) if (mcp_token := get("WEATHERBOT_MCP_TOKEN")) else None,
        mcp_allowed_origins=_listed(get("WEATHERBOT_MCP_ALLOWED_ORIGINS")),
        sources=sources,
        notes=tuple(notes),
    )
