"""Streamed Markdown at a bounded frame rate, driven by a fake clock: what is drawn, and when."""

from __future__ import annotations

import io
import random
import threading
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from weatherbot.errors import WeatherbotError
from weatherbot.events import Done, Event, Ids, TextDelta, ToolCallFinished, ToolCallStarted
from weatherbot.render.blocks import FPS, LiveMarkdown, SystemClock, Timer
from weatherbot.render.terminal import TerminalRenderer

from .helpers import (
    LONG_MARKDOWN,
    TRICKY_MARKDOWN,
    FakeClock,
    Writes,
    one_shot,
    rich_console,
    screen,
    value,
)

FRAME = 1 / FPS


def live(height: int = 12) -> tuple[LiveMarkdown, Writes, FakeClock]:
    clock = FakeClock()
    out = Writes(clock)
    return LiveMarkdown(rich_console(out, height=height), clock=clock), out, clock


def test_first_text_is_drawn_at_once() -> None:
    markdown, out, _ = live()
    markdown.feed("Hello")
    assert screen(out.getvalue()) == "Hello\n"
    assert markdown.frames == 1


def test_text_within_one_frame_interval_is_drawn_by_one_refresh() -> None:
    markdown, out, clock = live()
    markdown.feed("It")
    writes = len(out.stamps)
    for word in [" is", " 11 °C", " in", " London,", " and", " dry"]:
        clock.advance(FRAME / 10)
        markdown.feed(word)
    # Nothing drawn between frames: the text waits for the next one.
    assert len(out.stamps) == writes and markdown.frames == 1
    clock.advance(FRAME)
    assert len(out.stamps) == writes + 1 and markdown.frames == 2
    assert screen(out.getvalue()) == "It is 11 °C in London, and dry\n"


def test_text_then_a_pause_is_shown_by_the_next_frame() -> None:
    markdown, out, clock = live()
    markdown.feed("It is")
    clock.advance(FRAME / 2)
    markdown.feed(" 11 °C.")  # then the model pauses (a tool call, a slow server)
    assert screen(out.getvalue()) == "It is\n"
    clock.advance(FRAME / 2)  # no more events: the timer draws the frame
    assert screen(out.getvalue()) == "It is 11 °C.\n"
    assert clock.pending == []  # and nothing else is scheduled while nothing changes


def test_text_then_done_is_shown_at_done_without_waiting_for_a_frame() -> None:
    markdown, out, clock = live()
    markdown.feed("It is")
    markdown.feed(" 11 °C.")
    markdown.finish()
    assert screen(out.getvalue()) == "It is 11 °C.\n"
    # The pending frame is called off; moving on draws nothing more.
    written = out.getvalue()
    clock.advance(1.0)
    assert out.getvalue() == written


def test_text_after_a_pause_longer_than_a_frame_is_drawn_at_once() -> None:
    markdown, out, clock = live()
    markdown.feed("It is")
    clock.advance(3 * FRAME)
    markdown.feed(" dry.")
    assert screen(out.getvalue()) == "It is dry.\n"


def test_frames_are_never_closer_than_the_interval() -> None:
    markdown, out, clock = live()
    rnd = random.Random(3)
    text = LONG_MARKDOWN * 3
    for i in range(0, len(text), 3):
        markdown.feed(text[i : i + 3])
        clock.advance(rnd.choice([0.0, 0.002, 0.01, 0.03, 0.15]))
    gaps = [b - a for a, b in zip(out.stamps, out.stamps[1:], strict=False)]
    assert min(gaps) >= FRAME - 1e-9
    assert markdown.frames <= (clock.now() - out.stamps[0]) / FRAME + 1
    markdown.finish()
    assert screen(out.getvalue()) == one_shot(text)


def test_the_cursor_is_hidden_while_text_is_drawn_and_shown_at_the_end() -> None:
    markdown, out, _ = live()
    markdown.feed("Hello")
    assert out.getvalue().count("\x1b[?25l") == 1
    markdown.finish()
    assert out.getvalue().endswith("\x1b[?25h")
    assert out.getvalue().count("\x1b[?25h") == 1


def test_a_console_that_is_not_a_terminal_gets_finished_blocks_only() -> None:
    clock = FakeClock()
    out = io.StringIO()
    markdown = LiveMarkdown(Console(file=out, width=44, color_system=None), clock=clock)
    markdown.feed("One.\n\nTw")
    clock.advance(FRAME)
    markdown.feed("o.")
    assert screen(out.getvalue()) == "One.\n"  # no partial text
    markdown.finish()
    assert screen(out.getvalue()) == "One.\n\nTwo.\n"
    assert "\x1b" not in out.getvalue()  # no cursor movement


# -- nothing lost, nothing printed twice ----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([LONG_MARKDOWN, TRICKY_MARKDOWN]),
    st.lists(st.integers(1, 40), min_size=1, max_size=60),
    st.lists(st.sampled_from([0.0, 0.001, FRAME / 2, FRAME, 0.5]), min_size=1, max_size=60),
)
def test_however_text_and_frames_fall_the_screen_ends_as_the_one_shot_render(
    text: str, cuts: list[int], gaps: list[float]
) -> None:
    markdown, out, clock = live()
    i = 0
    for n, size in enumerate(cuts * (len(text) // sum(cuts) + 1)):
        if i >= len(text):
            break
        markdown.feed(text[i : i + size])
        clock.advance(gaps[n % len(gaps)])
        i += size
    markdown.finish()
    assert screen(out.getvalue()) == one_shot(text)


def renderer_on_one_screen(
    clock: FakeClock, height: int = 12
) -> tuple[TerminalRenderer, io.StringIO]:
    """stdout and stderr on one terminal, as a person sees them."""
    shared = io.StringIO()
    renderer = TerminalRenderer(
        rich_console(shared, height=height),
        Console(file=shared, width=44, color_system=None),
        stream=True,
        spinner=False,
        clock=clock,
    )
    return renderer, shared


TEMP = '{"location": "London", "source": "sample", "temperature": 11.2, "unit": "Celsius"}'


def test_tool_lines_between_text_appear_once_and_in_order_on_a_shared_screen() -> None:
    clock = FakeClock()
    renderer, shared = renderer_on_one_screen(clock)
    events: list[Event] = [
        TextDelta("Intro.\n\nLet me "),
        TextDelta("check."),
        ToolCallStarted("c", "get_current_temperature", {"location": "London"}),
        ToolCallFinished("c", "get_current_temperature", TEMP, None, 5, value(TEMP)),
        TextDelta("\n\nIt is 11.2 °C."),
        Done("", Ids()),
    ]
    for event in events:
        renderer.handle(event)
        clock.advance(FRAME / 3)
    renderer.close()
    tool = "-> get_current_temperature(location='London')  11.2 C  (5 ms)"
    footer = "sample · London"
    # Finished text first, then the tool line, then the rest (after Rich's gap): each once.
    assert screen(shared.getvalue()) == (
        f"Intro.\n{tool}\n\nLet me check.\n\nIt is 11.2 °C.\n{footer}\n"
    )


def test_the_open_block_comes_back_after_a_tool_line_without_new_text() -> None:
    clock = FakeClock()
    renderer, shared = renderer_on_one_screen(clock)
    renderer.handle(TextDelta("Let me check."))
    renderer.handle(ToolCallStarted("c", "get_current_temperature", {"location": "London"}))
    renderer.handle(ToolCallFinished("c", "get_current_temperature", TEMP, None, 5, value(TEMP)))
    tool = "-> get_current_temperature(location='London')  11.2 C  (5 ms)"
    assert screen(shared.getvalue()) == f"{tool}\n"  # taken off while the line is written
    clock.advance(FRAME)  # the tool call takes a while: the next frame brings it back
    assert screen(shared.getvalue()) == f"{tool}\nLet me check.\n"


def interrupted(events: list[Event], exc: BaseException) -> Iterator[Event]:
    """The events of a turn that ends in `exc` instead of Done."""
    yield from events
    raise exc


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), WeatherbotError("server went away")])
def test_text_streamed_before_an_error_or_ctrl_c_is_printed_once(exc: BaseException) -> None:
    clock = FakeClock()
    buffer = io.StringIO()
    renderer = TerminalRenderer(
        rich_console(buffer), Console(file=io.StringIO()), stream=True, spinner=False, clock=clock
    )
    text = LONG_MARKDOWN[:300]  # stops inside the list
    deltas: list[Event] = [TextDelta(text[i : i + 5]) for i in range(0, len(text), 5)]
    # As cli.py and the REPL do it: render in a try, close in finally.
    with pytest.raises(type(exc)):
        try:
            for event in interrupted(deltas, exc):
                renderer.handle(event)
                clock.advance(0.01)
        finally:
            renderer.close()
    assert screen(buffer.getvalue()) == one_shot(text)
    assert buffer.getvalue().endswith("\x1b[?25h")  # the cursor is back
    renderer.close()  # a second close prints nothing more
    assert screen(buffer.getvalue()) == one_shot(text)


def test_a_frame_rendered_while_ctrl_c_lands_leaves_the_screen_consistent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    markdown, out, clock = live()
    markdown.feed("One.\n\nTwo")
    before = out.getvalue()
    clock.advance(FRAME)

    def ctrl_c(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    # Ctrl-C while the next frame is rendered: nothing of it is written...
    with monkeypatch.context() as patch:
        patch.setattr(markdown.console, "render_lines", ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            markdown.feed(" and three.\n\nFour")
    assert out.getvalue() == before
    # ...and closing prints each block exactly once.
    markdown.finish()
    assert screen(out.getvalue()) == one_shot("One.\n\nTwo and three.\n\nFour")


def test_an_error_in_a_frame_drawn_by_the_timer_is_raised_by_the_next_feed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    markdown, out, clock = live()
    markdown.feed("It is")
    markdown.feed(" dry.")

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("render failed")

    with monkeypatch.context() as patch:
        patch.setattr(markdown.console, "render_lines", broken)
        clock.advance(FRAME)  # the timer's frame fails: nothing escapes from the timer
    with pytest.raises(ValueError, match="render failed"):
        markdown.feed(" More.")
    markdown.feed(" More.")  # raised once; rendering goes on
    markdown.finish()
    assert screen(out.getvalue()) == "It is dry. More.\n"


# -- the real clock ---------------------------------------------------------------------------------


class ObservedClock(SystemClock):
    """The system's timer threads, telling the test when a timer's call has run.

    Time stands still until the first timer fires, so the second delta always lands inside the
    first frame (on a busy machine a real millisecond can pass between two feeds, and then
    the timer is never needed); from then on it is the system's monotonic time.
    """

    def __init__(self) -> None:
        self.ran = threading.Event()
        self._start = super().now()
        self._fired = False

    def now(self) -> float:
        """The time the clock was made, until a timer has fired."""
        return super().now() if self._fired else self._start

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """A real timer thread; its call runs with time moving again."""

        def run() -> None:
            self._fired = True
            callback()
            self.ran.set()

        return super().call_later(delay, run)


def test_with_the_system_clock_a_timer_thread_draws_the_pending_text() -> None:
    clock = ObservedClock()
    out = io.StringIO()
    markdown = LiveMarkdown(rich_console(out), clock=clock, fps=1000)
    markdown.feed("It is")
    markdown.feed(" dry.")  # within the first frame (the clock stands still): left to the timer
    assert clock.ran.wait(10), "the frame timer never ran"
    assert screen(out.getvalue()) == "It is dry.\n"
    markdown.finish()
    assert screen(out.getvalue()) == "It is dry.\n"
