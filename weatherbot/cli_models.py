"""`weatherbot models`: the models the configured server offers, the one in use marked."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from weatherbot.cli_options import (
    BackendOpt,
    DebugOpt,
    ModelOpt,
    NoColorOpt,
    examples,
    guarded,
    settings_from,
    warn,
)

MODELS_EXAMPLES = examples(
    "weatherbot models                  # the server's models, * in use",
    "weatherbot models --json           # for scripts",
    "OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_API_KEY=ollama \\",
    "  weatherbot models                # what an Ollama server has",
)


def models(
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """List the models the configured model server offers (GET /v1/models).

    The model in use is marked *; a retirement date is shown where the server gives one.
    """

    def body() -> None:
        from weatherbot.backends.models import list_models, server_url

        settings = settings_from(backend=backend, model=model, no_color=no_color)
        url = server_url(settings)
        try:
            found = list_models(settings)
        except Exception as exc:
            if json_out:
                from weatherbot.cli_options import error_message

                _print_json(url, settings.model, [], error_message(exc))
            raise
        if json_out:
            _print_json(url, settings.model, found)
            return
        _print_table(found)
        if not any(m.in_use for m in found):
            warn(
                f"the model in use, {settings.model}, is not on the list of {url} "
                "(choose one above with --model or WEATHERBOT_MODEL)"
            )

    guarded(debug, body)


def _print_json(url: str, in_use: str, found: list[Any], error: str | None = None) -> None:
    from dataclasses import asdict

    from weatherbot.render.json_output import dumps

    doc: dict[str, Any] = {"server": url, "model": in_use, "models": [asdict(m) for m in found]}
    if error is not None:
        doc["error"] = error
    typer.echo(dumps(doc))


def _print_table(found: list[Any]) -> None:
    from weatherbot.render.sanitize import clean

    if not found:
        warn("the server lists no models")
        return
    ids = [clean(m.id) for m in found]
    width = max(len(i) for i in ids)
    owners = [clean(m.owned_by or "") for m in found]
    owner_width = max(len(o) for o in owners)
    for model, name, owner in zip(found, ids, owners, strict=True):
        mark = "*" if model.in_use else " "
        line = f"{mark} {name:<{width}}  {owner:<{owner_width}}"
        if model.shutdown_date:
            line += f"  shuts down {clean(model.shutdown_date)}"
        typer.echo(line.rstrip())
