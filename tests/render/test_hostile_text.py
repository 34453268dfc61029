"""No string weatherbot did not write reaches the terminal raw: escapes, markup, emoji codes, keys.

Property tests: whatever text a server sends (generated from escape sequences, Rich markup,
Markdown links, control characters, a key, ordinary words), every way weatherbot shows it on a
real terminal (forced, truecolor) writes only Rich's own styling, never the text's own
sequences, never a link the text asked for, never the key.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.table import Table
from rich.text import Text

from weatherbot import redaction
from weatherbot.conversation import ThreadInfo
from weatherbot.events import Done, Ids, RunStatus, TextDelta
from weatherbot.render.blocks import markdown
from weatherbot.render.consoles import SafeConsole
from weatherbot.render.sanitize import StreamCleaner, clean
from weatherbot.render.terminal import TerminalRenderer
from weatherbot.render.thread_table import thread_table
from weatherbot.render.weather_table import render_weather

SECRET = "sk-proj-HOSTILE.0123456789abcdef"
FRAGMENTS = [
    "\x1b[2J",
    "\x1b[31m",
    "\x1b]0;pwned\x07",
    "\x1b]8;;http://evil.example/\x1b\\",
    "\x1b",
    "[",
    "\x9b2J",
    "\x9b",
    "\x9d0;pwned\x9c",
    "\x07",
    "\r",
    "\x00",
    "\x7f",
    "\u202e",
    "[link=http://evil.example/]",
    "[/link]",
    "[/bold]",
    "[bold red]",
    ":warning:",
    "[https://bank.example](http://evil.example/steal)",
    "**",
    "\n",
    " ",
    "rain",
    "Zürich",
    "\udcff",
    SECRET,
    SECRET[:9],
    SECRET[9:],
]
hostile = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)

# What Rich itself writes: colours and styles.
_RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")
_RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal(width: int = 60) -> tuple[SafeConsole, io.StringIO]:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="truecolor", width=width)
    return console, buffer


def assert_harmless(output: str) -> None:
    """Only Rich's own sequences, never a hyperlink, never the key."""
    assert SECRET not in output
    # No terminal hyperlink at all, not even from rendered Markdown: a table cell cut
    # short showed part of an address whose whole target stayed clickable.
    assert "\x1b]8;" not in output
    rest = _RICH_SGR.sub("", output)
    assert not _RAW.search(rest), repr(rest)


@given(hostile)
@settings(max_examples=150, deadline=None)
def test_every_way_of_printing_server_text_on_a_terminal_is_harmless(text: str) -> None:
    redaction.remember(SECRET)
    try:
        console, buffer = terminal()
        console.print(text)
        console.print(Text(text, style="bold"))
        table = Table("id", "title")
        table.add_row(text, Text(text))
        console.print(table)
        assert_harmless(buffer.getvalue())

        console, buffer = terminal()
        console.print(markdown(clean(text, keep_newlines=True)))
        assert_harmless(buffer.getvalue())
    finally:
        redaction.forget_all()


@given(hostile)
@settings(max_examples=100, deadline=None)
def test_markup_in_server_text_is_printed_as_it_is_never_parsed(text: str) -> None:
    console, buffer = terminal()
    console.print(clean(text))
    # Colour-free screen text: exactly the cleaned text (no tag consumed, no emoji drawn).
    shown = _RICH_SGR.sub("", buffer.getvalue())
    # (Wrapping may drop or break at spaces; the characters are the same.)
    assert "".join(shown.split()) == "".join(clean(text).split())


@given(hostile, st.lists(st.integers(min_value=0, max_value=200), max_size=6))
# Found by this test: a key with an escape inside, cut just after the ESC, was written whole
# (the held-back tail was looked for in the raw text, where the escape hid the key).
@example(text="sk-proj-H\x1b[2JOSTILE.0123456789abcdef", cuts=[10])
@settings(max_examples=200, deadline=None)
def test_a_streamed_answer_cleans_as_the_whole_answer_wherever_it_is_cut(
    text: str, cuts: list[int]
) -> None:
    """An escape sequence or a key cut between two deltas is settled as if it came whole."""
    redaction.remember(SECRET)
    try:
        points = sorted({min(c, len(text)) for c in cuts})
        pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
        cleaner = StreamCleaner()
        written = "".join(cleaner.feed(p) for p in pieces) + cleaner.finish()
        assert SECRET not in written
        assert not _RAW.search(written.replace("\n", ""))
        assert written == clean(text, keep_newlines=True)
    finally:
        redaction.forget_all()


def _render(events: list[Any], *, stream: bool, rich_output: bool) -> str:
    out, buffer = terminal()
    err, err_buffer = terminal()
    renderer = TerminalRenderer(
        out, err, stream=stream, rich_output=rich_output, spinner=False, clock=None
    )
    for event in events:
        renderer.handle(event)
    renderer.close()
    return buffer.getvalue() + err_buffer.getvalue()


@given(hostile, hostile)
@settings(max_examples=60, deadline=None)
def test_answers_and_statuses_are_harmless_in_every_output_mode(first: str, second: str) -> None:
    redaction.remember(SECRET)
    try:
        deltas = [TextDelta(first), TextDelta(second)]
        done = Done(first + second, Ids())
        for stream, rich_output in ((False, True), (False, False), (True, False)):
            events = [RunStatus(first), *(deltas if stream else []), done]
            assert_harmless(_render(events, stream=stream, rich_output=rich_output))
    finally:
        redaction.forget_all()


def test_a_link_whose_text_is_another_address_shows_where_it_really_goes() -> None:
    console, buffer = terminal()
    console.print(markdown("Log in at [https://bank.example](http://evil.example/steal) now."))
    shown = _RICH_SGR.sub("", buffer.getvalue())
    assert "https://bank.example (http://evil.example/steal)" in shown


def test_an_address_cut_short_in_a_table_is_not_a_hyperlink() -> None:
    console, buffer = terminal(width=60)
    long = "http://bank.example.com.evil.example/login/" + "a" * 40
    console.print(
        markdown(f"Honest <https://open-meteo.com/>.\n\n| a | b |\n|---|---|\n| <{long}> | x |")
    )
    shown = buffer.getvalue()
    assert "\x1b]8;" not in shown
    assert "https://open-meteo.com/" in _RICH_SGR.sub("", shown)


def test_a_deceptive_link_is_not_clickable() -> None:
    console, buffer = terminal()
    console.print(markdown("Log in at [https://bank.example](http://evil.example/steal) now."))
    assert "\x1b]8;" not in buffer.getvalue()


@pytest.mark.parametrize("width", [40, 100])
def test_an_image_is_its_alt_text_and_address_and_hides_nothing(width: int) -> None:
    # Rich drew an image as an emoji and a hyperlink on the alt text (any address: a lie), and
    # its line lost the rest of the sentence to a width it had not counted.
    answer = (
        "![https://bank.example/login](http://evil.example/steal) London: heavy storms "
        "expected, it is NOT safe to travel today; all figures from Open-Meteo."
    )
    console, buffer = terminal(width=width)
    console.print(markdown(answer))
    assert "\x1b]8;" not in buffer.getvalue()
    shown = " ".join(_RICH_SGR.sub("", buffer.getvalue()).split())
    assert "https://bank.example/login (http://evil.example/steal) London: heavy storms" in shown
    assert "it is NOT safe to travel today; all figures from Open-Meteo." in shown


def test_bidi_overrides_never_reach_the_terminal() -> None:
    console, buffer = terminal()
    console.print(markdown("Paris: \u202eevil.example\u202c sunny \u2066x\u2069 \u200fy\u061c"))
    console.print("thread_\u202eZ\u200e\u200b\ufeff\u00ad")
    shown = buffer.getvalue()
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\u061c\ufeff\u00ad]", shown)
    assert "evil.example" in shown and "thread_Z" in shown


def test_a_link_that_shows_its_own_address_is_not_repeated() -> None:
    console, buffer = terminal()
    console.print(markdown("Data: <https://open-meteo.com/> and [Zürich](https://x.example/z)."))
    shown = " ".join(_RICH_SGR.sub("", buffer.getvalue()).split())
    assert shown.count("https://open-meteo.com/") == 1
    assert "Zürich (https://x.example/z)" in shown


def test_a_thread_title_with_rich_markup_lists_as_written() -> None:
    console, buffer = terminal(width=200)
    row = ThreadInfo(
        id="thread_\x1b[2J[link=http://evil.example/]x[/link]",
        backend="offline",
        title="rain [/bold] later [/b]",
        created_at=0.0,
        last_used_at=0.0,
        current=True,
    )
    console.print(thread_table([row], {row.id}))
    assert_harmless(buffer.getvalue())
    assert "rain [/bold] later [/b]" in _RICH_SGR.sub("", buffer.getvalue())


def test_a_provider_description_with_markup_is_shown_not_run() -> None:
    console, buffer = terminal(width=200)
    err, _ = terminal()
    report = {
        "location": "Evil [link=http://evil.example/]click[/link]\x1b]0;pwned\x07",
        "source": "Open-Meteo",
        "unit": "Celsius",
        "current": {"temperature": 4.0, "description": "[bold]fog[/bold] :warning: \x1b[2J"},
        "forecast": {
            "days": [
                {
                    "date": "2026-12-01",
                    "high": 5.0,
                    "low": 1.0,
                    "precipitation_probability_percent": 40,
                    "precipitation": 1.2,
                    "precipitation_mm": 1.2,
                    "description": "rain [/bold] later [link=http://evil.example/]click[/link]",
                }
            ]
        },
    }
    render_weather(report, console, err)
    assert_harmless(buffer.getvalue())
    assert "rain [/bold] later" in _RICH_SGR.sub("", buffer.getvalue())
