"""The provenance lines of an offline answer: provider, local time, samples, notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from weatherbot.offline.catalogue import N_
from weatherbot.offline.outputs import Output, parse_date, parse_moment

if TYPE_CHECKING:
    from weatherbot.offline.writer import Writer


def provenance(writer: Writer, per_place: Sequence[tuple[str, Sequence[Output]]]) -> list[str]:
    """Which provider and which (local) time the numbers are from; sample data say so."""
    sources: list[str] = []
    stamps: list[tuple[str, str]] = []
    samples: list[str] = []
    notes: list[str] = []
    has_time = False
    cache_age = 0
    for location, outputs in per_place:
        good = [o for o in outputs if not o.error and o.data.get("source")]
        stamp = ""
        for out in good:
            data = out.data
            if str(data["source"]) not in sources:
                sources.append(str(data["source"]))
            moment = parse_moment(data.get("time")) if data.get("time") else None
            if moment is not None:
                stamp = writer.w.time(moment)
                has_time = True
            elif not stamp:
                day = parse_date(data.get("date") or data.get("today"))
                stamp = writer.w.date(day) if day else ""
            if data.get("sample_date") and str(data["sample_date"]) not in samples:
                samples.append(str(data["sample_date"]))
            for note in data.get("notes") or []:
                if str(note) not in notes:
                    notes.append(str(note))
            age = data.get("cache_age_s")
            if isinstance(age, int | float):
                cache_age = max(cache_age, int(age))
        if stamp:
            stamps.append((location.split(",")[0], stamp))
    if not sources:
        return []
    distinct = {stamp for _, stamp in stamps}
    if len(distinct) <= 1:
        when = next(iter(distinct), "")
    else:
        when = writer.w.formats.list_sep.join(f"{name} {stamp}" for name, stamp in stamps)
    source = writer.w.formats.list_sep.join(sources)
    if not when:
        line = writer._(N_("Source: {source}"), source=source)
    elif has_time:
        line = writer._(
            N_("Source: {source}, data for {when} (local time)"), source=source, when=when
        )
    else:
        line = writer._(
            N_("Source: {source}, data for {when} (local date)"), source=source, when=when
        )
    if cache_age >= 60:
        minutes = cache_age // 60
        # ngettext: "vor 1 Minute", "vor 2 Minuten" (the short "min" hid the plural in English).
        line += writer.w.formats.list_sep + writer.w.ngettext(
            "cached {minutes} minute ago", "cached {minutes} minutes ago", minutes, minutes=minutes
        )
    lines = [f"_{line}{writer.w.full_stop}_"]
    if samples:
        lines.append(
            "_"
            + writer._(
                N_("Recorded sample from {dates}, not live data.")
                if len(samples) == 1
                else N_("Recorded samples from {dates}, not live data."),
                dates=writer.w.join(samples),
            )
            + "_"
        )
    for note in notes:
        line = writer._(N_("Note: {note}"), note=note)
        lines.append(f"_{line}{writer.w.full_stop}_")
    return lines
