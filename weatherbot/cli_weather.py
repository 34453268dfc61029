"""`weatherbot weather` and `weatherbot now`: the weather straight from the provider, no model.

`weather` is the table (and `--json`); `now` is the one line for status bars and prompts. A
fresh `now` is usually answered before this module loads (weatherbot.launch and
weatherbot.now_snapshot); this is the full path: settings, the provider, the snapshot kept.
"""

from __future__ import annotations

from typing import Annotated

import typer

from weatherbot import cli_options
from weatherbot.cli_help import WholeNumber
from weatherbot.cli_options import (
    WORDS,
    DebugOpt,
    NoColorOpt,
    PrecipitationOpt,
    ProviderOpt,
    RefreshOpt,
    UnitsOpt,
    WindOpt,
    examples,
    guarded,
    settings_from,
    warn,
)

WEATHER_EXAMPLES = examples(
    "weatherbot weather Paris                 # now, 24 hours charted, 5 days",
    "weatherbot weather Paris --days 16 --hours 48",
    "weatherbot weather home --json           # a saved place, for scripts",
    "weatherbot weather --offline London      # recorded data, no network",
)
NOW_EXAMPLES = examples(
    "weatherbot now                           # the default place",
    'weatherbot now Tokyo --format "%c %t %o"',
    "weatherbot now Paris -f full",
    "weatherbot now home --json",
)

# Not cli_options.OfflineOpt: these commands have no planner, only the recorded data.
SampleOpt = Annotated[
    bool,
    typer.Option("--offline", help="No network: recorded sample data (London, New York, Oslo)."),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Fields: %c %C %t %f %o %p %w %h %u %S %s %m %l %L %a, or a preset: "
        "short, line (default), full. See README.",
    ),
]


def weather(
    place: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PLACE",
            click_type=WORDS,
            help="A place or saved name (default: the default place).",
        ),
    ] = None,
    # No max: past the provider's horizon the table shows what exists and says so (exit 0).
    days: Annotated[
        int,
        typer.Option(
            "--days",
            "-d",
            metavar="N",
            click_type=WholeNumber(1),
            help="Days, today first (up to 16).",
        ),
    ] = 5,
    hours: Annotated[
        int | None,
        typer.Option(
            "--hours",
            metavar="N",
            click_type=WholeNumber(0, 48),
            help="Hours to chart (0-48; default 24 on a terminal, none when piped).",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    provider: ProviderOpt = None,
    offline: SampleOpt = False,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The weather now, the next hours charted and the next days, straight from the provider.

    Per day: high, low, chance and what falls (snow in cm or in), UV, sunrise-sunset."""

    def body() -> None:
        from weatherbot.tools.report import weather_report

        settings = settings_from(
            provider=provider,
            offline=offline,
            units=units,
            wind_unit=wind_unit,
            precipitation_unit=precipitation_unit,
            refresh=refresh,
            no_color=no_color,
        )
        from weatherbot.render.consoles import make_consoles

        consoles = make_consoles(settings.color)
        # A chart on a terminal by default; a pipe or --json gets hours only when asked.
        shown = hours if hours is not None else (24 if consoles.out.is_terminal else 0)
        if json_out:
            shown = hours or 0
        report = weather_report(settings, " ".join(place or []), days, on_warning=warn, hours=shown)
        if hours is None:
            report["hourly_message"] = None  # hours nobody asked for are not missed
        if json_out:
            from weatherbot.render.json_output import dumps

            typer.echo(dumps(report))
            return
        from weatherbot.render.weather_table import render_weather

        render_weather(report, consoles.out, consoles.err)

    guarded(debug, body)


def now(
    place: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PLACE",
            click_type=WORDS,
            help="A place or saved name (default: the default place).",
        ),
    ] = None,
    fmt: FormatOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    provider: ProviderOpt = None,
    offline: SampleOpt = False,
    units: UnitsOpt = None,
    wind_unit: WindOpt = None,
    precipitation_unit: PrecipitationOpt = None,
    refresh: RefreshOpt = False,
    debug: DebugOpt = False,
) -> None:
    """One line for status bars and prompts: the weather now, no model.

    Provider unreachable: the last data marked stale (exit 0), or n/a (exit 1)."""

    def body() -> None:
        import sys

        from weatherbot import now_snapshot
        from weatherbot.errors import OUTAGE_CODES, ProviderError, UsageError
        from weatherbot.providers.cache import DiskCache
        from weatherbot.providers.registry import build_service
        from weatherbot.render.status_line import NOT_AVAILABLE, FormatError, check_format, render
        from weatherbot.tools.context import ToolContext, unit_for
        from weatherbot.tools.glance import glance
        from weatherbot.tools.report import default_place_name

        try:
            line_format = check_format(fmt or "line")
        except FormatError as exc:
            raise UsageError(str(exc), hint='e.g. --format "%c %t %o" or --format short') from None
        settings = settings_from(
            provider=provider,
            offline=offline,
            units=units,
            wind_unit=wind_unit,
            precipitation_unit=precipitation_unit,
            refresh=refresh,
        )
        home = settings.home
        key = now_snapshot.key(home, sys.argv[2:]) if sys.argv[1:2] == ["now"] else None
        # One short try, and none at all for a minute after the provider failed: a status bar
        # asks every few seconds, and a prompt must not wait 45 s for a dead server.
        cache = DiskCache(
            settings.cache_dir,
            refresh=settings.refresh,
            stale_s=now_snapshot.STALE_LIMIT_S,
            hold=now_snapshot.provider_down(home) and not settings.refresh,
        )
        service = build_service(
            settings,
            sleep=lambda s: cli_options.pause(s),
            on_warning=warn,
            quick=True,
            cache=cache,
        )
        try:
            query = " ".join(place or []) or default_place_name(service)
            unit = unit_for(settings.units, service, query)
            found = glance(ToolContext(service), query, unit)
        except ProviderError as exc:
            if exc.code in OUTAGE_CODES:
                now_snapshot.mark_down(home)
            last = now_snapshot.load(home, key) if key and exc.code in OUTAGE_CODES else None
            if last is not None:
                typer.echo(now_snapshot.output(last, stale=True))
                return
            # A status bar shows something whatever went wrong; the reason goes to stderr.
            if json_out:
                from weatherbot.render.json_output import dumps

                typer.echo(dumps({"error": exc.code, "message": exc.message}))
            else:
                typer.echo(NOT_AVAILABLE)
            raise
        if cache.stood_in:
            now_snapshot.mark_down(home)
        else:
            now_snapshot.clear_down(home)
        age = found["cache_age_s"] or 0.0
        # Kept data stood in for an answer the provider could not give.
        stale = cache.stood_in and age > 0
        if json_out:
            from weatherbot.render.json_output import dumps

            typer.echo(dumps({**found, "age_s": round(age), "stale": stale}))
        else:
            typer.echo(render(line_format, found, age, stale=stale))
        if key is not None and not stale:
            now_snapshot.save(home, key, dict(found), line_format, json_out)

    guarded(debug, body)
