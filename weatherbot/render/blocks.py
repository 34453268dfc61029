"""Streamed Markdown: split it into blocks that can no longer change, and draw it at a frame rate.

Rendering Markdown costs about a millisecond per block at terminal width, and a model sends a
delta every 5-50 ms; redrawing on every delta made rendering cost more than the model's own
pace. So finished blocks are printed once (they go to scrollback), and only the open block is
redrawn in place, at most `FPS` times a second: the first text at once, later text by the
next frame.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ClassVar, Protocol

from markdown_it import MarkdownIt
from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from rich.markdown import Markdown, MarkdownElement, TableElement
from rich.segment import ControlType, Segment
from rich.table import Table

from weatherbot.redaction import held_back
from weatherbot.render.block_splitter import BlockSplitter
from weatherbot.render.links import show_link_targets
from weatherbot.render.sanitize import clean

# 12.5 frames a second: smooth enough for reading text as it is written, and 80 ms between
# frames lets a fast model's 5-10 deltas share one render.
FPS = 12.5

# -- rendering blocks -----------------------------------------------------------------------------

# Rich builds a new MarkdownIt parser (about 0.5 ms) for every Markdown object; a frame needs
# only the parse. The parser is configured as Rich configures its own, and the template carries
# Rich's defaults, so `markdown(text)` renders exactly as `Markdown(text)` (tests compare them).
_PARSER = MarkdownIt().enable("strikethrough").enable("table")


class _TableElement(TableElement):
    """Rich's Markdown table without its box's top and bottom edges: in the SIMPLE box they are
    blank lines, which beside the blank line between blocks made two (issue 18)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for part in super().__rich_console__(console, options):
            if isinstance(part, Table):
                part.show_edge = False
            yield part


class _Markdown(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "table_open": _TableElement,
    }


_TEMPLATE = _Markdown("")
# A one-line paragraph that stands in for the block before: see `render_block`.
_STAND_IN = "x"
_NEW_LINE_AFTER: dict[str, bool] = {}  # last top-level token type of a block -> Rich's flag


def markdown(text: str) -> Markdown:
    """`rich.markdown.Markdown(text)` without building a new parser each time."""
    md = copy.copy(_TEMPLATE)
    md.markup = text
    md.parsed = _PARSER.parse(text)
    show_link_targets(md.parsed)
    return md


def render_block(
    block: str, after_new_line: bool, console: Console, options: ConsoleOptions
) -> tuple[list[list[Segment]], bool]:
    """The lines a finished `block` adds to a whole-answer render, and Rich's flag after it.

    Rich separates two top-level elements by a blank line when a flag left by the element
    rendered last is set: a paragraph sets it, a rule clears it, and a list or a quote sets it
    itself from inside. So the gap before a block depends on both blocks; rendering the block
    after a one-line paragraph when the flag is set, and dropping that line, gives exactly the
    lines of a one-shot render without rendering the block before again.
    """
    lines, md = _render(block, after_new_line, console, options)
    last = next((t.type for t in reversed(md.parsed) if t.level == 0), "")
    new_line = _NEW_LINE_AFTER.get(last)
    if new_line is None:
        # The flag follows the element type alone: measured once per type, by a paragraph after
        # (on finished blocks only: an open code fence would swallow the paragraph).
        alone = console.render_lines(markdown(block), options, pad=False)
        both = console.render_lines(markdown(block + "\n\n" + _STAND_IN), options, pad=False)
        new_line = _NEW_LINE_AFTER[last] = len(both) > len(alone) + 1
    return lines, new_line


def _render(
    block: str, after_new_line: bool, console: Console, options: ConsoleOptions
) -> tuple[list[list[Segment]], Markdown]:
    if after_new_line:
        md = markdown(_STAND_IN + "\n\n" + block)
        return console.render_lines(md, options, pad=False)[1:], md
    md = markdown(block)
    return console.render_lines(md, options, pad=False), md


class _Lines:
    """Already rendered lines, printed as they are."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        newline = Segment.line()
        for line in self.lines:
            yield from line
            yield newline


# -- the clock ------------------------------------------------------------------------------------


class Timer(Protocol):
    """A pending call that can be called off."""

    def cancel(self) -> None:
        """Do not run the call (no effect once it has started)."""


class Clock(Protocol):
    """Monotonic seconds and one-shot timers; tests and benchmarks pass one they drive."""

    def now(self) -> float:
        """Seconds on a monotonic clock."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Run `callback` once, `delay` seconds from now (on some thread)."""


class SystemClock:
    """`time.monotonic` and a daemon `threading.Timer` per call (at most one per frame)."""

    def now(self) -> float:
        """Seconds on the monotonic clock."""
        return time.monotonic()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Run `callback` on its own daemon thread after `delay` seconds."""
        timer = threading.Timer(delay, callback)
        timer.daemon = True  # a pending frame never keeps the process alive
        timer.start()
        return timer


# -- the live view --------------------------------------------------------------------------------

_EARLY = 1e-4  # seconds: a frame this close to its time is due
_HIDE_CURSOR = Control((ControlType.HIDE_CURSOR,))
_SHOW_CURSOR = Control((ControlType.SHOW_CURSOR,))


class LiveMarkdown:
    """Streamed Markdown on a terminal: finished blocks printed once, the open one redrawn.

    The first text is drawn at once. After that, frames are at least `1 / fps` s apart: text
    arriving between frames is drawn by the next one, from a timer if no more text comes, so
    rendering costs per frame, not per delta. Each frame is one write (erase the open block,
    print what finished, draw the open block again), so the screen never shows half a frame.
    `finish` prints what is left, once: the end of the text on Done, on an error and on Ctrl-C
    alike. A console that is not a terminal gets finished blocks only.
    """

    def __init__(self, console: Console, *, clock: Clock | None = None, fps: float = FPS) -> None:
        self.console = console
        self.clock: Clock = clock or SystemClock()
        self.interval = 1.0 / fps
        self.frames = 0  # frames drawn, for tests and benchmarks
        self._splitter = BlockSplitter()
        self._finished: list[str] = []  # blocks finished since the last frame
        self._new_line = False  # Rich's gap flag after the last printed block: `render_block`
        self._height = 0  # lines of the open block on screen, ending above the cursor's line
        self._cursor_hidden = False
        self._last_frame = float("-inf")
        self._dirty = False  # text arrived since the last frame
        self._timer: Timer | None = None
        self._failure: Exception | None = None  # raised in a timer's frame, for the main thread
        # The timer draws from its own thread; every write and every change of state holds this.
        self._lock = threading.RLock()
        # Redrawing moves the cursor up with escape codes: only a real terminal can do it.
        self._redraws = (
            console.is_terminal and not console.is_dumb_terminal and not console.legacy_windows
        )

    def feed(self, text: str) -> None:
        """Add streamed text; draw now if a frame is due, else make sure one is coming."""
        with self._lock:
            if self._failure is not None:
                failure, self._failure = self._failure, None
                raise failure
            self._finished += self._splitter.feed(text)
            self._dirty = True
            self._tick()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Take the open block off the screen while something else is written (stderr lines).

        Blocks finished so far are printed first, so they stay above what is written; the open
        block comes back with the next frame, one interval later.
        """
        with self._lock:
            if self._height or self._finished:
                self._show(open_block=False)
                self._last_frame = self.clock.now()
                self._dirty = bool(self._splitter.open_block.strip())
            try:
                yield
            finally:
                if self._dirty:
                    self._tick()

    def finish(self) -> None:
        """Print everything not yet printed, for good, and stop drawing (safe to call twice)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._dirty = False
            last = self._splitter.close()
            if last.strip():
                self._finished.append(last)
            self._show(open_block=False)

    # -- frames ----------------------------------------------------------------------------

    def _tick(self) -> None:
        wait = self._last_frame + self.interval - self.clock.now()
        # A timer may wake a hair before its time (or float sums land just short of it).
        if wait <= _EARLY:
            self._frame()
        elif self._timer is None:
            self._timer = self.clock.call_later(wait, self._on_timer)

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
            try:
                # Text already drawn by a frame that came due meanwhile leaves nothing to do.
                if self._dirty:
                    self._tick()
            except Exception as exc:
                # Not a traceback from a stray thread: the next `feed` raises it where the
                # caller reports errors.
                self._failure = exc

    def _frame(self) -> None:
        self._last_frame = self.clock.now()
        self._dirty = False
        self.frames += 1
        self._show(open_block=self._redraws)

    def _show(self, *, open_block: bool) -> None:
        """One write: erase the open block, print finished blocks, draw the open block again.

        The frame is rendered into a capture and written at once, and the state changes only
        after the write: Ctrl-C while rendering leaves the last frame up and nothing printed
        twice, and the screen never shows an erased or half-drawn frame.
        """
        console = self.console
        if not (self._height or self._finished or open_block or self._cursor_hidden):
            return
        if console.legacy_windows:
            # Old Windows consoles are written through the Win32 API, not escape codes, so
            # Rich must write: finished blocks only (`_redraws` is off, nothing to erase).
            with console:
                self._finished, self._new_line = [], self._print_finished()
            return
        with console.capture() as capture:
            if self._height:
                # The cursor is at the start of the line below the open block.
                up = ((ControlType.CURSOR_UP, 1), (ControlType.ERASE_IN_LINE, 2)) * self._height
                console.control(Control(ControlType.CARRIAGE_RETURN, *up))
            new_line = self._print_finished()
            lines = self._open_lines(new_line) if open_block else []
            console.print(_Lines(lines), crop=False)
            hidden = bool(lines)
            if hidden != self._cursor_hidden:
                # Hidden while the open block is up: it would blink below the text.
                console.control(_HIDE_CURSOR if hidden else _SHOW_CURSOR)
        output = capture.get()
        if output:
            console.file.write(output)
            console.file.flush()
        self._finished, self._new_line = [], new_line
        self._height, self._cursor_hidden = len(lines), hidden

    def _print_finished(self) -> bool:
        """Print the blocks finished since the last frame; Rich's gap flag after them."""
        console = self.console
        options = console.options
        new_line = self._new_line
        for block in self._finished:
            text = clean(block, keep_newlines=True)
            rendered, new_line = render_block(text, new_line, console, options)
            console.print(_Lines(rendered), crop=False)  # cropped by render_lines already
        return new_line

    def _open_lines(self, after_new_line: bool) -> list[list[Segment]]:
        block = clean(self._splitter.open_block, keep_newlines=True)
        # Not yet drawn: the start of a key the next delta may complete (redacted once whole).
        block = block[: len(block) - held_back(block)]
        if not block.strip():
            return []
        console = self.console
        lines, _ = _render(block, after_new_line, console, console.options)
        # Lines scrolled off the top could not be erased again: keep the open block on screen.
        return lines[-max(console.size.height - 1, 1) :]
