"""BlockSplitter and block rendering: blocks render alone exactly as inside the whole answer."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown
from rich.segment import Segment

from weatherbot.render.block_splitter import BlockSplitter
from weatherbot.render.blocks import markdown, render_block
from weatherbot.render.links import show_link_targets

from .helpers import LONG_MARKDOWN, TRICKY_MARKDOWN, one_shot, rich_console, screen


def blocks_of(text: str) -> list[str]:
    splitter = BlockSplitter()
    return [*splitter.feed(text), splitter.close()]


def test_splitter_keeps_code_fences_with_blank_lines_together() -> None:
    splitter = BlockSplitter()
    text = "Intro.\n\n~~~\na\n\nb\n```\nc\n~~~\n\nOutro."
    blocks = splitter.feed(text)
    assert blocks == ["Intro.", "~~~\na\n\nb\n```\nc\n~~~"]
    assert splitter.close() == "Outro."


@pytest.mark.parametrize("text", [LONG_MARKDOWN, TRICKY_MARKDOWN])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_splitter_gives_the_same_blocks_however_the_text_is_cut(text: str, size: int) -> None:
    expected = blocks_of(text)
    split = BlockSplitter()
    got: list[str] = []
    for i in range(0, len(text), size):
        got += split.feed(text[i : i + size])
        assert text[: i + size].endswith(split.open_block) or not split.open_block
    assert [*got, split.close()] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Paragraphs, headings and rules end at a blank line.
        ("One.\n\nTwo.", ["One.", "Two."]),
        ("# Title\n\nText.", ["# Title", "Text."]),
        # A loose list is one element: its items stay in one block.
        ("- a\n\n- b\n\nAfter.", ["- a\n\n- b", "After."]),
        ("1. a\n\n2. b\n\n10. c", ["1. a\n\n2. b\n\n10. c"]),
        # An indented line carries the block on (second paragraph, nested list, code).
        ("1. a\n\n   more\n\n   - x\n\nEnd.", ["1. a\n\n   more\n\n   - x", "End."]),
        ("    code\n\n    more", ["    code\n\n    more"]),
        # A list after a paragraph, and a paragraph starting with a number after a list.
        ("Intro.\n\n- a", ["Intro.", "- a"]),
        ("- a\n\n2026 was dry.", ["- a", "2026 was dry."]),
        ("Intro.\n\n2026 was dry.", ["Intro.", "2026 was dry."]),
    ],
)
def test_splitter_keeps_what_markdown_reads_as_one_element_together(
    text: str, expected: list[str]
) -> None:
    assert blocks_of(text) == expected


def test_splitter_waits_for_a_possible_list_marker_before_ending_a_list() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("- a\n\n") == []
    assert splitter.feed("1") == []  # `1.` (more list) or `1990` (a paragraph)?
    assert splitter.feed("9") == []
    assert splitter.feed("90 was wet") == ["- a"]
    assert splitter.close() == "1990 was wet"


def test_splitter_ends_a_block_as_soon_as_the_next_line_starts_elsewhere() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("One.\n\n") == []
    assert splitter.open_block == "One.\n\n"
    assert splitter.feed("T") == ["One."]  # no need to wait for the end of the line
    assert splitter.open_block == "T"


# -- rendering ------------------------------------------------------------------------------------

SAMPLES = [
    "Plain *text* with **bold**, `code` and a [link](https://example.com).",
    "# Heading 1\n\n## Heading 2",
    "```python\nprint('hi')\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quote\n>\n> - item",
    "~~struck~~ text",
    LONG_MARKDOWN,
    TRICKY_MARKDOWN,
]


@pytest.mark.parametrize("text", SAMPLES)
def test_markdown_renders_exactly_as_rich_markdown(text: str) -> None:
    console = Console(file=io.StringIO(), width=60, force_terminal=True, color_system="truecolor")
    ours = console.render_lines(markdown(text), console.options)
    rich_markdown = Markdown(text)
    # Ours spells out link targets (render/links.py); otherwise it is Rich's render exactly.
    show_link_targets(rich_markdown.parsed)
    theirs = console.render_lines(rich_markdown, console.options)
    if "|---" not in text:
        assert ours == theirs
    else:
        # A table's box edges are blank lines (and a blank column) in Rich's: ours leaves
        # them out, nothing else.
        def words(lines: list[list[Segment]]) -> list[str]:
            texts = ("".join(s.text for s in line).strip() for line in lines)
            return [text for text in texts if text]

        assert words(ours) == words(theirs)
        tables = sum(line.startswith("|-") for line in text.splitlines())
        assert len(theirs) - len(ours) == 2 * tables


def test_a_table_has_one_blank_line_before_and_after_it() -> None:
    # issue 18: Rich's blank box edges beside the gap between blocks made two blank lines.
    text = "Days:\n\n| day | rain |\n|---|---|\n| Mon | 20% |\n\nTake an umbrella."
    assert one_shot(text).split("\n") == [
        "Days:",
        "",
        "day  rain",
        "─────────",
        "Mon  20%",
        "",
        "Take an umbrella.",
        "",
    ]


def render_in_blocks(text: str, width: int = 44) -> str:
    """Each block rendered alone with `render_block`, printed one after the other."""
    buffer = io.StringIO()
    console = rich_console(buffer, width=width)
    new_line = False
    for block in blocks_of(text):
        lines, new_line = render_block(block, new_line, console, console.options)
        for line in lines:
            console.print(*[s.text for s in line], sep="", end="\n", crop=False, markup=False)
    return screen(buffer.getvalue())


@pytest.mark.parametrize("text", SAMPLES)
def test_blocks_rendered_one_by_one_add_up_to_the_one_shot_render(text: str) -> None:
    assert render_in_blocks(text) == one_shot(text)


# Building blocks of model answers; any order of them, with blank lines between or not.
PARTS = [
    "A paragraph with **bold**.",
    "# Title",
    "## Section",
    "- a\n- b",
    "1. one\n2. two",
    "   - nested",
    "   More text for the item.",
    "```\ncode\n```",
    "> quoted",
    "---",
    "| h |\n|---|\n| c |",
    "    indented code",
    "2026 was dry.",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PARTS), min_size=1, max_size=7), st.randoms())
def test_any_answer_rendered_in_blocks_equals_the_one_shot_render(
    parts: list[str], rnd: object
) -> None:
    import random

    assert isinstance(rnd, random.Random)
    text = "".join(p + rnd.choice(["\n\n", "\n\n\n", "\n"]) for p in parts).rstrip("\n")
    assert render_in_blocks(text) == one_shot(text)
