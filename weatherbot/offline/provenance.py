"""The notes under an offline answer: what the provider said about its own data.

Which provider, place and time the numbers are from is said once, by the renderer's
provenance line under every answer (for every backend alike): the answer does not repeat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from weatherbot.offline.catalogue import N_
from weatherbot.offline.outputs import Output

if TYPE_CHECKING:
    from weatherbot.offline.writer import Writer


def provenance(writer: Writer, per_place: Sequence[tuple[str, Sequence[Output]]]) -> list[str]:
    """The providers' notes on the data (each once), as italic lines."""
    notes: list[str] = []
    for _location, outputs in per_place:
        for out in outputs:
            if out.error or not out.data.get("source"):
                continue
            for note in out.data.get("notes") or []:
                if str(note) not in notes:
                    notes.append(str(note))
    lines = []
    for note in notes:
        line = writer._(N_("Note: {note}"), note=note)
        lines.append(f"_{line}{writer.w.full_stop}_")
    return lines
