"""Markdown to plain text for pipes and NO_COLOR: the words stay, the markers go."""

from __future__ import annotations

import pytest

from weatherbot.render.plain_text import markdown_to_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**Paris, France**: 11 °C, _cloudy_.", "Paris, France: 11 °C, cloudy."),
        ("_Source: Open-Meteo_", "Source: Open-Meteo"),
        ("Use `--units imperial`", "Use --units imperial"),
        ("# Oslo\n\nSnow.", "Oslo\n\nSnow."),
        ("- **Mon**: rain\n- Tue: ~~sun~~ dry", "- Mon: rain\n- Tue: sun dry"),
        ("3. third\n4. fourth", "3. third\n4. fourth"),
        ("- a\n  - b", "- a\n  - b"),
        ("[Open-Meteo](https://open-meteo.com)", "Open-Meteo (https://open-meteo.com)"),
        ("<https://open-meteo.com>", "https://open-meteo.com"),
        ("line one  \nline two", "line one\nline two"),
        ("> careful *now*", "> careful now"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("```\nx = 1\n```", "x = 1"),
        ("2 * 3 * 4 and snake_case_name", "2 * 3 * 4 and snake_case_name"),
        ("", ""),
    ],
)
def test_markers_go_and_words_stay(markdown: str, text: str) -> None:
    assert markdown_to_text(markdown) == text


def test_a_table_keeps_its_columns_without_trailing_spaces() -> None:
    table = "| day | high | rain |\n|---|---|---|\n| Monday | 11 | 20% |\n| Tue | 9 | |"
    assert markdown_to_text(table) == "day     high  rain\nMonday  11    20%\nTue     9"


def test_long_lines_are_not_wrapped() -> None:
    sentence = "word " * 60
    assert markdown_to_text(sentence) == sentence.strip()


def test_table_columns_line_up_with_wide_characters() -> None:
    # 星期一 is three characters but six columns on a terminal.
    table = "| 日 | 高 |\n|---|---|\n| 星期一 | 11 |\n| Tue | 9 |"
    assert markdown_to_text(table) == "日      高\n星期一  11\nTue     9"
