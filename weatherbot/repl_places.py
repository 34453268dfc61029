"""`/place` in chat: list, save, remove saved places and choose the default, mid-conversation.

The same store as `weatherbot place ...`; a change applies from the next question on (the
model is told the saved names and the default in its instructions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weatherbot.conversation import Session
    from weatherbot.providers.saved_places import Saved

USAGE = "usage: /place [NAME] | /place add NAME PLACE | /place remove NAME"


def saved_names(session: Session) -> list[str]:
    """Saved place names, for completion (none if the file cannot be read)."""
    from weatherbot.providers.saved_places import SavedPlacesFile

    try:
        return [e.name for e in SavedPlacesFile(session.settings.home).load().places.values()]
    except Exception:  # completion must never break the prompt
        return []


def place_command(session: Session, arg: str, note: Callable[[str, str], None]) -> None:
    """Run `/place ARG`; `note(message, style)` prints to the user."""
    from weatherbot.providers.saved_places import SavedPlacesFile

    store = SavedPlacesFile(session.settings.home, on_warning=lambda m: note(m, "yellow"))
    action, _, rest = arg.strip().partition(" ")
    if action == "add":
        name, where = _name_and_place(rest)
        if not name or not where:
            note(USAGE, "yellow")
            return
        from weatherbot.providers.registry import build_service

        place = build_service(session.settings).geocoder.resolve(where)
        entry, replaced = store.add(name, where, place)
        if replaced is not None:
            note(f"replaced {replaced.name} (was {replaced.place.display_name})", "yellow")
        note(f"saved {entry.name}: {place.display_name}", "dim")
    elif action == "remove":
        removed = store.remove(rest.strip()) if rest.strip() else None
        if removed is None:
            note(f"no saved place called {rest.strip()!r}" if rest.strip() else USAGE, "yellow")
            return
        note(f"removed {removed.name}", "dim")
    elif action:
        if store.load().get(arg.strip()) is None:
            note(
                f"no saved place called {arg.strip()!r}; /place add NAME PLACE saves one", "yellow"
            )
            return
        entry = store.set_default(arg.strip())
        note(f"default place: {entry.name} ({entry.place.display_name})", "dim")
    else:
        _list(store.load(), note)
        return
    # The model hears of the change in its instructions from the next question on.
    session.apply_settings(session.settings)


def _name_and_place(text: str) -> tuple[str, str]:
    """`NAME PLACE`, where a name with spaces is quoted: `"mum's place" Oslo`."""
    text = text.strip()
    quote = text[:1]
    if quote in ("'", '"'):
        end = text.find(quote, 1)
        if end < 0:
            return "", ""
        return text[1:end], text[end + 1 :].strip()
    name, _, where = text.partition(" ")
    return name, where.strip()


def _list(saved: Saved, note: Callable[[str, str], None]) -> None:
    if not saved.places:
        note("no saved places yet; /place add home Oakland, CA", "dim")
        return
    default = saved.default_place()
    width = max(len(e.name) for e in saved.places.values())
    for entry in saved.places.values():
        mark = "*" if default is not None and entry.name == default.name else " "
        note(f"{mark} {entry.name:<{width}}  {entry.place.display_name}", "dim")
