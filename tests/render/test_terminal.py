"""TerminalRenderer fed recorded event streams; exact text on stdout and stderr."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from weatherbot.events import (
    Done,
    Event,
    Ids,
    Notice,
    RunStatus,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from weatherbot.render.consoles import make_consoles
from weatherbot.render.terminal import TerminalRenderer

from .helpers import LONG_MARKDOWN, FakeClock, one_shot, rich_console, screen, value

LONDON_TEMP = json.dumps(
    {
        "location": "London, England, United Kingdom",
        "latitude": 51.50853,
        "longitude": -0.12574,
        "timezone": "Europe/London",
        "source": "sample",
        "temperature": 11.2,
        "unit": "Celsius",
        "time": "2026-11-24T14:30",
    }
)
LONDON_RAIN = json.dumps(
    {
        "location": "London, England, United Kingdom",
        "latitude": 51.50853,
        "longitude": -0.12574,
        "timezone": "Europe/London",
        "source": "sample",
        "probability_percent": 40,
        "date": "2026-11-24",
    }
)
ANSWER = "It is **11.2 °C** in London.\n\nThe chance of rain today is 40%."
# What pipes and files get: the Markdown as plain text (issue 18: no raw `**`).
PLAIN_ANSWER = "It is 11.2 °C in London.\n\nThe chance of rain today is 40%."

TOOL_EVENTS: list[Event] = [
    RunStatus("in_progress"),
    ToolCallStarted("call_1", "get_current_temperature", {"location": "London", "unit": "Celsius"}),
    ToolCallStarted("call_2", "get_rain_probability", {"location": "London"}),
    ToolCallFinished(
        "call_1", "get_current_temperature", LONDON_TEMP, None, 12, value(LONDON_TEMP)
    ),
    ToolCallFinished("call_2", "get_rain_probability", LONDON_RAIN, None, 3, value(LONDON_RAIN)),
]
TOOL_LINES = (
    "-> get_current_temperature(location='London', unit='Celsius')  11.2 C  (12 ms)\n"
    "-> get_rain_probability(location='London')  40% rain  (3 ms)\n"
)
FOOTER = "sample · London, England, United Kingdom · data 2026-11-24 14:30 local time\n"
DONE = Done(ANSWER, Ids(thread_id="local_1", run_id="run_1"))


def pieces(text: str, size: int) -> list[Event]:
    """The answer as text deltas of `size` characters."""
    return [TextDelta(text[i : i + size]) for i in range(0, len(text), size)]


def run_plain(events: list[Event], *, stream: bool, verbose: bool = False) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    consoles = make_consoles(None, stdout=out, stderr=err)  # StringIO: not a terminal
    assert not consoles.rich_output and not consoles.spinner
    renderer = TerminalRenderer(
        consoles.out,
        consoles.err,
        stream=stream,
        verbose=verbose,
        rich_output=consoles.rich_output,
        spinner=consoles.spinner,
    )
    try:
        for event in events:
            renderer.handle(event)
    finally:
        renderer.close()
    return out.getvalue(), err.getvalue()


# -- plain mode (pipes, NO_COLOR) ---------------------------------------------------------------


def test_plain_non_stream_prints_the_answer_once_and_tools_on_stderr() -> None:
    out, err = run_plain([*TOOL_EVENTS, DONE], stream=False)
    assert out == PLAIN_ANSWER + "\n"
    assert err == TOOL_LINES + FOOTER


def test_plain_non_stream_ignores_deltas_and_prints_the_final_answer() -> None:
    out, _ = run_plain([*pieces(ANSWER, 5), DONE], stream=False)
    assert out == PLAIN_ANSWER + "\n"


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_plain_stream_prints_each_piece_once(size: int) -> None:
    out, err = run_plain([*TOOL_EVENTS, *pieces(ANSWER, size), DONE], stream=True)
    assert out == PLAIN_ANSWER + "\n"
    assert err == TOOL_LINES + FOOTER


def test_plain_stream_writes_each_block_as_plain_text_once_it_is_finished() -> None:
    out, err = io.StringIO(), io.StringIO()
    consoles = make_consoles(None, stdout=out, stderr=err)
    renderer = TerminalRenderer(consoles.out, consoles.err, stream=True, rich_output=False)
    renderer.handle(TextDelta("It is **11"))
    assert out.getvalue() == ""  # the marker is not known to be one yet: nothing raw goes out
    renderer.handle(TextDelta(" °C**.\n\n- rain"))
    assert out.getvalue() == "It is 11 °C.\n"
    renderer.handle(TextDelta("\n- _wind_\n"))
    assert out.getvalue() == "It is 11 °C.\n"  # a list goes on until a block after it
    renderer.handle(Done("It is **11 °C**.\n\n- rain\n- _wind_\n", Ids()))
    assert out.getvalue() == "It is 11 °C.\n\n- rain\n- wind\n"


def test_plain_stream_without_deltas_falls_back_to_the_final_answer() -> None:
    # A polled run yields no text deltas even when streaming was asked for.
    out, _ = run_plain([*TOOL_EVENTS, DONE], stream=True)
    assert out == PLAIN_ANSWER + "\n"


def test_verbose_adds_the_full_tool_output_as_pretty_json() -> None:
    _, err = run_plain([*TOOL_EVENTS, DONE], stream=False, verbose=True)
    first, second = TOOL_LINES.splitlines(keepends=True)
    pretty_temp = json.dumps(json.loads(LONDON_TEMP), indent=2, ensure_ascii=False) + "\n"
    pretty_rain = json.dumps(json.loads(LONDON_RAIN), indent=2, ensure_ascii=False) + "\n"
    assert err == first + pretty_temp + second + pretty_rain + FOOTER


def test_tool_error_output_shows_the_error_code_and_no_footer() -> None:
    error = json.dumps({"error": "ambiguous_location", "message": "which Springfield?"})
    events: list[Event] = [
        ToolCallStarted("c", "get_rain_probability", {"location": "Springfield"}),
        ToolCallFinished("c", "get_rain_probability", error, "ambiguous_location", 5, value(error)),
        Done("Which Springfield?", Ids()),
    ]
    out, err = run_plain(events, stream=False)
    assert out == "Which Springfield?\n"
    assert err == (
        "-> get_rain_probability(location='Springfield')  error: ambiguous_location  (5 ms)\n"
    )


def test_cached_data_is_named_in_the_footer() -> None:
    cached = json.dumps({**json.loads(LONDON_TEMP), "cache_age_s": 240})
    events: list[Event] = [
        ToolCallFinished("c", "get_current_temperature", cached, None, 1, value(cached)),
        Done("11 °C", Ids()),
    ]
    _, err = run_plain(events, stream=False)
    assert err.endswith(
        "sample · London, England, United Kingdom · data 2026-11-24 14:30 local time"
        " · cached 4 min ago\n"
    )


def test_notices_go_to_stderr() -> None:
    out, err = run_plain([Notice("assistant re-created"), Done("ok", Ids())], stream=False)
    assert (out, err) == ("ok\n", "assistant re-created\n")


# -- hostile text ---------------------------------------------------------------------------------

HOSTILE = "\x1b[2J\x1b]0;pwned\x07red\x1b[31m text\x07\x08\r\n\x9b1m"
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("rich_output", [False, True])
def test_control_characters_from_model_or_provider_never_reach_the_terminal(
    stream: bool, rich_output: bool
) -> None:
    provider_output = json.dumps(
        {"location": "Lon" + HOSTILE, "source": "evil" + HOSTILE, "temperature": 1, "unit": "C"},
        ensure_ascii=False,
    )
    events: list[Event] = [
        RunStatus("in_progress" + HOSTILE),
        Notice("notice" + HOSTILE),
        ToolCallStarted("c", "get_current_temperature" + HOSTILE, {"location": HOSTILE}),
        ToolCallFinished(
            "c",
            "get_current_temperature" + HOSTILE,
            provider_output,
            None,
            1,
            value(provider_output),
        ),
        ToolCallFinished("d", "broken", "not json" + HOSTILE, "bad", 1),
        *pieces("answer " + HOSTILE + " end", 3),
        Done("answer " + HOSTILE + " end", Ids()),
    ]
    out_io, err_io = io.StringIO(), io.StringIO()
    # No colour system: any ESC left in the output came from the text, not from styling.
    out = Console(file=out_io, width=80, color_system=None, force_terminal=False)
    err = Console(file=err_io, width=80, color_system=None, force_terminal=False)
    renderer = TerminalRenderer(
        out, err, stream=stream, verbose=True, rich_output=rich_output, spinner=False
    )
    for event in events:
        renderer.handle(event)
    renderer.close()
    for text in (out_io.getvalue(), err_io.getvalue()):
        assert "\x1b" not in text and "\x9b" not in text
        assert not CONTROL.search(text), repr(text)
    assert "answer" in out_io.getvalue() and "end" in out_io.getvalue()


# -- rich mode: what ends up on the screen ----------------------------------------------------------


def rich_renderer(buffer: io.StringIO, clock: FakeClock, height: int = 12) -> TerminalRenderer:
    return TerminalRenderer(
        rich_console(buffer, height=height),
        Console(file=io.StringIO()),
        stream=True,
        spinner=False,
        clock=clock,
    )


@pytest.mark.parametrize("size", [1, 4, 13, 10_000])
@pytest.mark.parametrize("gap", [0.0, 0.01, 0.2])
def test_rich_stream_leaves_exactly_the_one_shot_rendering_on_screen(size: int, gap: float) -> None:
    buffer, clock = io.StringIO(), FakeClock()
    renderer = rich_renderer(buffer, clock)
    for event in pieces(LONG_MARKDOWN, size):
        renderer.handle(event)
        clock.advance(gap)
    renderer.handle(Done(LONG_MARKDOWN, Ids()))
    renderer.close()
    assert screen(buffer.getvalue()) == one_shot(LONG_MARKDOWN)


def test_rich_stream_prints_finished_blocks_once() -> None:
    buffer, clock = io.StringIO(), FakeClock()
    renderer = rich_renderer(buffer, clock)
    for event in pieces("First paragraph.\n\nS", 1):
        renderer.handle(event)
        clock.advance(0.1)  # a frame per piece
    # `S` cannot carry a paragraph on: the first block is finished and printed for good.
    finished_at = len(buffer.getvalue())
    assert screen(buffer.getvalue()) == "First paragraph.\n\nS\n"
    for event in [*pieces("econd", 1), Done("First paragraph.\n\nSecond", Ids())]:
        renderer.handle(event)
        clock.advance(0.1)
    # Once finished, the block is never written (or redrawn) again.
    assert "First" not in buffer.getvalue()[finished_at:]
    assert screen(buffer.getvalue()) == "First paragraph.\n\nSecond\n"


def test_rich_stream_block_taller_than_the_screen_is_not_duplicated_or_cut() -> None:
    code = "```\n" + "\n".join(f"line {n}" for n in range(30)) + "\n```"
    buffer, clock = io.StringIO(), FakeClock()
    renderer = rich_renderer(buffer, clock, height=8)
    for event in pieces(code, 3):
        renderer.handle(event)
        clock.advance(0.05)
    renderer.handle(Done(code, Ids()))
    final = screen(buffer.getvalue())
    assert final == one_shot(code)
    assert "..." not in final and final.count("line 29") == 1


def test_rich_stream_with_a_tool_call_between_text_keeps_both_streams_intact() -> None:
    out_buffer = io.StringIO()
    err_buffer = io.StringIO()
    renderer = TerminalRenderer(
        rich_console(out_buffer),
        Console(file=err_buffer, width=200, color_system=None),
        stream=True,
        spinner=False,
        clock=FakeClock(),
    )
    text = "Let me check.\n\nIt is 11.2 °C."
    events: list[Event] = [
        *pieces("Let me check.", 4),
        *TOOL_EVENTS[1:],
        *pieces("\n\nIt is 11.2 °C.", 4),
        Done(text, Ids()),
    ]
    for event in events:
        renderer.handle(event)
    assert screen(out_buffer.getvalue()) == one_shot(text)
    assert err_buffer.getvalue() == TOOL_LINES + FOOTER


@pytest.mark.parametrize("terminal", [False, True])
def test_tool_lines_wrap_at_words_on_a_terminal_and_stay_whole_in_a_pipe(terminal: bool) -> None:
    err_io = io.StringIO()
    err = Console(file=err_io, force_terminal=terminal, width=40, color_system=None)
    out = Console(file=io.StringIO(), force_terminal=False)
    renderer = TerminalRenderer(out, err, stream=False, rich_output=terminal, spinner=False)
    for event in [*TOOL_EVENTS, DONE]:
        renderer.handle(event)
    renderer.close()
    text = err_io.getvalue()
    if not terminal:
        assert text == TOOL_LINES + FOOTER  # one whole line each
        return
    lines = screen(text).splitlines()
    assert all(len(line.rstrip()) <= 40 for line in lines)
    # Nothing lost, and the figures are not cut ("11." / "2 C" is what the terminal did).
    assert "".join("".join(lines).split()) == "".join((TOOL_LINES + FOOTER).split())
    assert any("11.2 C" in line for line in lines) and any("40% rain" in line for line in lines)


def test_places_whose_data_differ_get_a_provenance_line_each() -> None:
    # issue 18: `cached 7 min ago · cached 6 min ago` did not say which place was which.
    paris = json.dumps(
        {**json.loads(LONDON_TEMP), "location": "Paris, France", "time": "2026-11-24T15:30"}
    )
    london = json.dumps({**json.loads(LONDON_TEMP), "cache_age_s": 420})
    events: list[Event] = [
        ToolCallFinished("a", "get_current_temperature", london, None, 1, value(london)),
        ToolCallFinished("b", "get_current_temperature", paris, None, 1, value(paris)),
        ToolCallFinished("c", "get_rain_probability", LONDON_RAIN, None, 1, value(LONDON_RAIN)),
        Done("11 °C", Ids()),
    ]
    _, err = run_plain(events, stream=False)
    assert err.splitlines()[-2:] == [
        "sample · London, England, United Kingdom · data 2026-11-24 14:30 local time"
        " · cached 7 min ago",
        "sample · Paris, France · data 2026-11-24 15:30 local time",
    ]


def test_places_whose_data_agree_share_one_provenance_line() -> None:
    paris = json.dumps({**json.loads(LONDON_TEMP), "location": "Paris, France"})
    events: list[Event] = [
        ToolCallFinished("a", "get_current_temperature", LONDON_TEMP, None, 1, value(LONDON_TEMP)),
        ToolCallFinished("b", "get_current_temperature", paris, None, 1, value(paris)),
        Done("11 °C", Ids()),
    ]
    _, err = run_plain(events, stream=False)
    assert err.splitlines()[-1] == (
        "sample · London, England, United Kingdom; Paris, France · data 2026-11-24 14:30 local time"
    )
