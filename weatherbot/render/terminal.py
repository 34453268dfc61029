"""Render a turn's events to the terminal: answer on stdout, tool lines and status on stderr."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.status import Status
from rich.text import Text

from weatherbot.events import (
    Done,
    Event,
    Notice,
    RunStatus,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from weatherbot.render.plain_stream import PlainStream
from weatherbot.render.plain_text import markdown_to_text
from weatherbot.render.sanitize import clean
from weatherbot.tools.outputs import ToolOutput

if TYPE_CHECKING:
    # Markdown (markdown-it, ~0.15 s to import) is loaded only when output is rich.
    from weatherbot.render.blocks import Clock, LiveMarkdown


# A tool line shows the start of a longer argument: it is one line, not a dump of what a
# misbehaving model sent (a 1 MB location).
MAX_ARGUMENT_SHOWN = 60


def _fmt_value(value: Any) -> str:
    text = (
        repr(clean(value))
        if isinstance(value, str)
        else clean(json.dumps(value, ensure_ascii=False))
    )
    if len(text) > MAX_ARGUMENT_SHOWN:
        return text[: MAX_ARGUMENT_SHOWN - 1] + "…"
    return text


def format_arguments(arguments: Mapping[str, Any]) -> str:
    """`location='San Francisco, CA', unit='Fahrenheit'`."""
    return ", ".join(f"{k}={_fmt_value(v)}" for k, v in arguments.items())


def key_result(finished: ToolCallFinished) -> str:
    """The one fact worth showing from a tool's output value."""
    if finished.value is None:
        return clean(finished.output)[:60]
    data: Mapping[str, object] = finished.value
    if data.get("error"):
        return f"error: {clean(str(data['error']))}"
    parts: list[str] = []
    temperature = data.get("temperature")
    if isinstance(temperature, int | float):
        unit = "F" if data.get("unit") == "Fahrenheit" else "C"
        parts.append(f"{temperature} {unit}")
    if "probability_percent" in data:
        p = data["probability_percent"]
        parts.append("no probability" if p is None else f"{p}% rain")
    summary = data.get("summary")
    if isinstance(summary, Mapping):
        hours = data.get("hours")
        count = len(hours) if isinstance(hours, list) else 0
        parts.append(f"{count} hour" if count == 1 else f"{count} hours")
        chance = summary.get("precipitation_probability_max_percent")
        if isinstance(chance, int | float):
            parts.append(f"up to {chance:g}%")
    if "us_aqi" in data:
        aqi = data.get("us_aqi")
        parts.append("no US AQI" if aqi is None else f"US AQI {aqi}")
    days = data.get("days")
    if isinstance(days, list) and "us_aqi" not in data:
        parts.append(f"{len(days)} day" if len(days) == 1 else f"{len(days)} days")
    location = data.get("location")
    if isinstance(location, str) and not parts:
        parts.append(clean(location))
    return ", ".join(parts)


def fetching_text(calls: Sequence[ToolCallStarted]) -> str:
    """`fetching Tokyo, Paris…`: the places being looked up (else the tools being run)."""
    names: list[str] = []
    for call in calls:
        location = call.arguments.get("location")
        name = location.split(",")[0] if isinstance(location, str) and location else call.name
        shown = clean(name)[:30]
        if shown and shown not in names:
            names.append(shown)
    return "fetching " + ", ".join(names) + "…"


def tool_line(started: ToolCallStarted | None, finished: ToolCallFinished) -> str:
    """`-> get_current_temperature(location='San Francisco, CA', ...)  57.2 F  (120 ms)`."""
    args = format_arguments(started.arguments) if started else ""
    result = key_result(finished)
    return f"-> {clean(finished.name)}({args})  {result}  ({finished.duration_ms} ms)"


class TerminalRenderer:
    """Consumes events; Rich Markdown on a terminal, plain text for pipes and NO_COLOR."""

    def __init__(
        self,
        out: Console,
        err: Console,
        *,
        stream: bool,
        verbose: bool = False,
        rich_output: bool = True,
        spinner: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.out = out
        self.err = err
        self.stream = stream
        self.verbose = verbose
        self.rich_output = rich_output
        self._started: dict[str, ToolCallStarted] = {}
        self._outputs: list[ToolOutput] = []
        self._text: list[str] = []
        # Streamed text for pipes: plain text, written per finished Markdown block.
        self._plain = PlainStream(out.file)
        # Streamed Markdown, drawn at a bounded frame rate (`clock` drives it in tests).
        self._markdown: LiveMarkdown | None = None
        if stream and rich_output:
            from weatherbot.render.blocks import LiveMarkdown

            self._markdown = LiveMarkdown(out, clock=clock)
        self._status: Status | None = None
        # A live status line only where it can be erased again: a terminal, with colour.
        self._spinner = spinner and err.is_terminal
        self._running: dict[str, None] = {}  # tool calls started, not yet finished (in order)
        if self._spinner:
            self._start_spinner(Text("thinking…"))

    # -- lifecycle -------------------------------------------------------------------------

    def _start_spinner(self, text: Text) -> None:
        if self._status is None:
            self._status = self.err.status(text, spinner="dots")
            self._status.start()
        else:
            self._status.update(text)

    def _stop_spinner(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def close(self) -> None:
        """Stop the spinner; on errors and Ctrl-C, print the streamed text not yet printed."""
        self._stop_spinner()
        if self._markdown is not None:
            self._markdown.finish()
        elif self.stream:
            self._plain.finish()

    # -- events ----------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        """Render one event."""
        if isinstance(event, TextDelta):
            self._on_text(event.text)
        elif isinstance(event, ToolCallStarted):
            self._started[event.call_id] = event
            self._running[event.call_id] = None
            self._on_tool_started()
        elif isinstance(event, ToolCallFinished):
            self._on_tool(event)
        elif isinstance(event, RunStatus):
            if self._status is not None:
                # A spinner parses a plain string as markup: a server's status is not ours.
                self._status.update(Text(f"{clean(event.status).replace('_', ' ')}…"))
        elif isinstance(event, Notice):
            self._to_err(Text(clean(event.text), style="yellow"))
        elif isinstance(event, Done):
            self._on_done(event)

    def _to_err(self, text: Text) -> None:
        # Whole lines for pipes and logs; on a terminal, wrapped at words rather than cut by
        # the terminal's edge ("57." / "2 F").
        whole_lines = not self.err.is_terminal
        if self._markdown is None:
            self.err.print(text, highlight=False, soft_wrap=whole_lines)
            return
        # Both streams share the screen: the open block on stdout would be drawn over.
        with self._markdown.paused():
            self.err.print(text, highlight=False, soft_wrap=whole_lines)

    def _on_tool_started(self) -> None:
        """`fetching Tokyo, Paris…` while the calls run: the screen is not blank for seconds."""
        if not self._spinner or (self._markdown is not None and self._text):
            return  # (a status line under streamed text would be drawn over by it)
        self._start_spinner(Text(fetching_text([self._started[c] for c in self._running])))

    def _on_tool(self, event: ToolCallFinished) -> None:
        self._stop_spinner()
        self._running.pop(event.call_id, None)
        if event.value is not None:
            self._outputs.append(event.value)
        self._to_err(Text(tool_line(self._started.get(event.call_id), event), style="dim"))
        if self.verbose:
            pretty = event.output
            if event.value is not None:
                pretty = json.dumps(event.value, indent=2, ensure_ascii=False)
            self._to_err(Text(clean(pretty, keep_newlines=True), style="dim"))
        if not self._running and self._spinner and not self._text:
            self._start_spinner(Text("thinking…"))  # the model now writes from the outputs

    def _on_text(self, text: str) -> None:
        self._text.append(text)
        if not self.stream:
            return
        self._stop_spinner()
        if self._markdown is None:
            # Pipes get each block as it is finished, as plain text: no marker ever shows.
            self._plain.feed(text)
            return
        self._markdown.feed(text)

    def _on_done(self, done: Done) -> None:
        self._stop_spinner()
        if self.stream and self._text:
            if self._markdown is not None:
                self._markdown.finish()
            else:
                self._plain.finish()
        else:
            answer = done.answer or "".join(self._text)
            if self.rich_output:
                from weatherbot.render.blocks import markdown

                self.out.print(markdown(clean(answer, keep_newlines=True)))
            else:
                # Cleaned again: dropping markers can join the halves of a key (`**sk-**…`).
                text = clean(markdown_to_text(clean(answer, keep_newlines=True)), True)
                self.out.file.write(text + "\n")
                self.out.file.flush()
        footer = provenance_footer(self._outputs)
        if footer:
            self._to_err(Text(footer, style="dim italic"))


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{int(seconds)} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


def _place_facts(outputs: Sequence[ToolOutput]) -> dict[str, tuple[str, str, str]]:
    """Per place (in order): its sources, its data's local times and its oldest cache age."""
    facts: dict[str, tuple[list[str], list[str], float]] = {}
    for output in outputs:
        data: Mapping[str, object] = output
        source = data.get("source")
        if data.get("error") or not isinstance(source, str):
            continue
        location = data.get("location")
        sources, times, age = facts.setdefault(
            clean(location) if isinstance(location, str) else "", ([], [], 0.0)
        )
        if clean(source) not in sources:
            sources.append(clean(source))
        when = data.get("time")
        if isinstance(when, str) and (stamp := clean(when[:16].replace("T", " "))) not in times:
            times.append(stamp)
        cached = data.get("cache_age_s")
        if isinstance(cached, int | float) and cached > age:
            facts[clean(location) if isinstance(location, str) else ""] = (sources, times, cached)
    return {
        place: (
            ", ".join(sources),
            "data " + ", ".join(times) + " local time" if times else "",
            f"cached {_age(age)} ago" if age > 0 else "",
        )
        for place, (sources, times, age) in facts.items()
    }


def provenance_footer(outputs: Sequence[ToolOutput]) -> str:
    """Where the numbers come from, said once under the answer.

    `Open-Meteo · San Francisco, California, United States · data 2026-11-24 14:30 local
    time`: one line when every place's data has the same source, time and age; else one line
    per place, so each age and time is said beside the place it is about.
    """
    facts = _place_facts(outputs)
    if not facts:
        return ""
    distinct = set(facts.values())
    if len(distinct) == 1:
        source, when, age = next(iter(distinct))
        groups = [(source, "; ".join(p for p in facts if p), when, age)]
    else:
        groups = [(source, place, when, age) for place, (source, when, age) in facts.items()]
    return "\n".join(" · ".join(part for part in group if part) for group in groups)
