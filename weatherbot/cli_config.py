"""`weatherbot config show | path`: every effective setting and where it came from.

Sources, highest first: a flag, the environment, `.env` in the working directory, config.toml
in WEATHERBOT_HOME, the default. Secrets (API keys, the MCP token) are shown as set or not set,
never their value or any part of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from weatherbot.cli_options import (
    BackendOpt,
    Command,
    DebugOpt,
    Group,
    ModelOpt,
    ProviderOpt,
    UnitsOpt,
    examples,
    guarded,
    settings_from,
)

config_app = typer.Typer(
    cls=Group,
    help="Show the effective settings, and where config.toml lives.",
    no_args_is_help=True,
    epilog=examples("weatherbot config show", "weatherbot config path"),
)

SHOW_EXAMPLES = examples(
    "weatherbot config show             # every setting, and where it came from",
    "weatherbot config show -m qwen2.5  # what a flag changes",
    "weatherbot config show --json      # for scripts",
)
PATH_EXAMPLES = examples(
    "weatherbot config path             # the config.toml path",
    '$EDITOR "$(weatherbot config path)"',
)


def _secret(value: Any) -> str:
    return "set" if value else "not set"


def _unknown(value: str, known: Iterable[str]) -> str:
    """A value no command would accept, marked so (with the nearest good one)."""
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"{value} (unknown: did you mean {close[0]}?)" if close else f"{value} (unknown)"


def _provider(name: str) -> str:
    from weatherbot.providers.registry import provider_names

    try:
        known = provider_names()
    except Exception:  # a broken plugin must not break config show
        return name
    return name if name in known else _unknown(name, known)


def _rows(settings: Any) -> list[tuple[str, str]]:
    """(variable, shown value) for every setting, in the order README's table lists them."""
    from weatherbot.backends import catalogue

    try:
        resolved = catalogue.resolve(settings).name
    except Exception:  # an unknown backend: shown as it is written, and said to be unknown
        resolved = None
    backend = settings.backend
    if backend == catalogue.AUTO and resolved:
        backend = f"auto (now: {resolved})"
    elif resolved is None:
        backend = _unknown(backend, catalogue.choices())
    rows = [
        ("OPENAI_API_KEY", _secret(settings.api_key)),
        ("OPENAI_BASE_URL", settings.base_url or "(OpenAI: https://api.openai.com/v1)"),
        ("WEATHERBOT_BACKEND", backend),
        ("WEATHERBOT_MODEL", settings.model),
        ("WEATHERBOT_PROVIDER", _provider(settings.provider)),
        ("WEATHERBOT_FALLBACK_PROVIDERS", ",".join(settings.fallback_providers) or "(none)"),
        ("WEATHERBOT_UNITS", settings.units),
        ("WEATHERBOT_WIND_UNIT", settings.wind_unit),
        ("WEATHERBOT_PRECIPITATION_UNIT", settings.precipitation_unit),
        ("WEATHERBOT_STREAM", "true" if settings.stream else "false"),
        ("WEATHERBOT_API_TIMEOUT", f"{settings.api_timeout:g}"),
        ("WEATHERBOT_HOME", str(settings.home)),
        ("WEATHERBOT_OPEN_METEO_URL", settings.open_meteo_url),
        ("WEATHERBOT_OPEN_METEO_GEOCODING_URL", settings.open_meteo_geocoding_url),
        ("WEATHERBOT_OPEN_METEO_AIR_QUALITY_URL", settings.open_meteo_air_quality_url),
        ("WEATHERBOT_CONTACT", settings.contact or "(none)"),
        ("WEATHERBOT_MCP_TOKEN", _secret(settings.mcp_token)),
        ("WEATHERBOT_MCP_ALLOWED_ORIGINS", ",".join(settings.mcp_allowed_origins) or "(none)"),
        ("NO_COLOR", "set" if settings.color is False else "not set"),
    ]
    shown = {name for name, _ in rows}
    for key, url in sorted(settings.provider_urls.items()):
        name = f"WEATHERBOT_{key.upper()}_URL"
        if name not in shown:
            rows.append((name, url))
    for key, secret in sorted(settings.provider_keys.items()):
        rows.append((f"WEATHERBOT_{key.upper()}_API_KEY", _secret(secret)))
    return rows


def _source(settings: Any, name: str) -> str:
    """flag, environment, .env, config.toml or default."""
    from weatherbot.settings import ENVIRONMENT, FLAG

    source = settings.sources.get(name)
    if source is None:
        return "default"
    if source in (FLAG, ENVIRONMENT):
        return str(source)
    if source == str(settings.config_path):
        return "config.toml"
    return ".env"


@config_app.command("show", cls=Command, epilog=SHOW_EXAMPLES)
def config_show(
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    units: UnitsOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Every effective setting, and where it came from.

    Sources: a flag, the environment, .env, config.toml or the default.

    Secrets are shown as set or not set, never their value.
    """

    def body() -> None:
        from pathlib import Path

        from weatherbot.render.sanitize import clean

        settings = settings_from(backend=backend, model=model, provider=provider, units=units)
        rows = [(name, value, _source(settings, name)) for name, value in _rows(settings)]
        dotenv = Path.cwd() / ".env"
        if json_out:
            from weatherbot.render.json_output import dumps

            doc = {
                "config_file": str(settings.config_path),
                "config_file_exists": settings.config_path.is_file(),
                "dotenv_file": str(dotenv) if dotenv.is_file() else None,
                "settings": {name: {"value": v, "source": src} for name, v, src in rows},
            }
            typer.echo(dumps(doc))
            return
        width = max(len(name) for name, _, _ in rows)
        for name, value, source in rows:
            typer.echo(f"{name:<{width}}  {clean(value)}  ({source})")
        exists = "" if settings.config_path.is_file() else " (not created)"
        typer.echo(f"\nconfig.toml: {settings.config_path}{exists}")
        typer.echo(f".env: {dotenv if dotenv.is_file() else '(none in this directory)'}")

    guarded(debug, body)


@config_app.command("path", cls=Command, epilog=PATH_EXAMPLES)
def config_path(debug: DebugOpt = False) -> None:
    """Print the path of config.toml (in WEATHERBOT_HOME; it need not exist yet)."""

    def body() -> None:
        from weatherbot.config_file import CONFIG_FILE
        from weatherbot.settings import home_from_environment

        # Not the whole settings: a config.toml that is broken must not hide where it is.
        typer.echo(str(home_from_environment() / CONFIG_FILE))

    guarded(debug, body)
