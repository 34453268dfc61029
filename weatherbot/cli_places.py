"""`weatherbot place ...`: names for places ("home", "work"), resolved once and saved.

A saved name works wherever a place does: `weatherbot now home`, `weatherbot weather work`,
"will it rain at home?" with any backend, and a tool's location argument. The default place
is the one used when a command or a question names none.
"""

from __future__ import annotations

from typing import Annotated

import typer

from weatherbot.cli_options import (
    WORDS,
    Command,
    DebugOpt,
    Group,
    err_print,
    examples,
    guarded,
    settings_from,
    warn,
)

place_app = typer.Typer(
    cls=Group,
    help="Save places under a name (home, work) and choose the default place.",
    no_args_is_help=True,
    epilog=examples(
        'weatherbot place add home "Paris, France" --default',
        "weatherbot place list",
        'weatherbot ask "rain at home tomorrow?"',
    ),
)

NameArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME", click_type=WORDS, help="The name to save it under, e.g. home or work."
    ),
]
SavedNameArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME", click_type=WORDS, help="A saved place's name (see weatherbot place list)."
    ),
]


@place_app.command(
    "add",
    cls=Command,
    epilog=examples(
        'weatherbot place add home "Oakland, CA"',
        'weatherbot place add work "Paris, France" --default',
        "weatherbot place add cabin 61.1,10.5",
    ),
)
def place_add(
    name: NameArg,
    where: Annotated[
        str,
        typer.Argument(
            metavar="PLACE",
            click_type=WORDS,
            help="The place: 'City, ST', 'City, Country' or 'lat,lon'.",
        ),
    ],
    default: Annotated[
        bool, typer.Option("--default", help="Also make it the default place.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Resolve a place once and save it under a name (the first one saved is the default)."""

    def body() -> None:
        from weatherbot.errors import UsageError
        from weatherbot.providers.registry import build_service
        from weatherbot.providers.saved_places import SavedPlacesFile, check_name

        settings = settings_from()
        clean = check_name(name)
        query = " ".join(where.split())
        if not query:
            raise UsageError(
                "no place given", hint=f'e.g. weatherbot place add {clean} "Oakland, CA"'
            )
        service = build_service(settings, on_warning=warn)
        # Resolved by the geocoder, never by another saved name ("home" = "work" would chain).
        place = service.geocoder.resolve(query)
        store = SavedPlacesFile(settings.home, on_warning=warn)
        entry, replaced = store.add(clean, query, place)
        if replaced is not None:
            err_print(f"replaced {replaced.name} (was {replaced.place.display_name})", "yellow")
        if default:
            store.set_default(clean)
        default_entry = store.load().default_place()
        is_default = default_entry is not None and default_entry.name == entry.name
        typer.echo(
            f"saved {entry.name}: {place.display_name} "
            f"({place.latitude:.4f}, {place.longitude:.4f}, {place.timezone})"
            + (" · default" if is_default else "")
        )

    guarded(debug, body)


@place_app.command("list", cls=Command, epilog=examples("weatherbot place list"))
def place_list(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """List saved places; * marks the default."""

    def body() -> None:
        from weatherbot.providers.saved_places import SavedPlacesFile
        from weatherbot.render.sanitize import clean

        saved = SavedPlacesFile(settings_from().home, on_warning=warn).load()
        default = saved.default_place()
        if json_out:
            from weatherbot.render.json_output import dumps

            rows = [
                {
                    "name": e.name,
                    "query": e.query,
                    "location": e.place.display_name,
                    "latitude": e.place.latitude,
                    "longitude": e.place.longitude,
                    "timezone": e.place.timezone,
                    "default": default is not None and e.name == default.name,
                }
                for e in saved.places.values()
            ]
            typer.echo(dumps(rows))
            return
        if not saved.places:
            err_print('no saved places yet; e.g. weatherbot place add home "Oakland, CA"', "dim")
            return
        width = max(len(e.name) for e in saved.places.values())
        for entry in saved.places.values():
            mark = "*" if default is not None and entry.name == default.name else " "
            typer.echo(
                f"{mark} {clean(entry.name):<{width}}  {clean(entry.place.display_name)}"
                f"  ({entry.place.latitude:.4f}, {entry.place.longitude:.4f})"
            )

    guarded(debug, body)


@place_app.command("remove", cls=Command, epilog=examples("weatherbot place remove work"))
def place_remove(name: SavedNameArg, debug: DebugOpt = False) -> None:
    """Forget a saved place."""

    def body() -> None:
        from weatherbot.errors import UsageError
        from weatherbot.providers.saved_places import SavedPlacesFile, name_key

        store = SavedPlacesFile(settings_from().home, on_warning=warn)
        was_default = store.load().default == name_key(name)
        entry = store.remove(name)
        if entry is None:
            raise UsageError(f"no saved place called {name!r}", hint="see weatherbot place list")
        err_print(f"removed {entry.name} ({entry.place.display_name})", "dim")
        if was_default:
            err_print("no default place now; choose one with weatherbot place default NAME", "dim")

    guarded(debug, body)


@place_app.command("default", cls=Command, epilog=examples("weatherbot place default work"))
def place_default(name: SavedNameArg, debug: DebugOpt = False) -> None:
    """Make a saved place the one used when a command or question names none."""

    def body() -> None:
        from weatherbot.providers.saved_places import SavedPlacesFile

        entry = SavedPlacesFile(settings_from().home, on_warning=warn).set_default(name)
        err_print(f"default place: {entry.name} ({entry.place.display_name})", "dim")

    guarded(debug, body)
