"""Reading a Chinese (or Japanese) question: known city names, leftover names and time words.

A scan for known city names (CITY_ALIASES) and coordinates, then whatever is left between them,
split at punctuation and stripped of weather words and particles; Latin text is read as English.
"""

from __future__ import annotations

import re

from weatherbot.offline.english import english_places, is_name_word, tokenize
from weatherbot.offline.intent import MAX_DAYS, WEEK, When
from weatherbot.offline.words import ZH_DIGITS, ZH_STOP_WORDS, ZH_WEEKDAYS
from weatherbot.providers.places import CITY_ALIASES, parse_coordinates

_COORDINATES = re.compile(r"[-+]?\d{1,3}(?:\.\d+)?\s*,\s*[-+]?\d{1,3}(?:\.\d+)?")
# Han characters and kana: the question (or a piece of it) is Chinese or Japanese.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ZH_FREE = re.compile(r"[^\0,，、;；?？!！。:：()（）“”\"「」]+")
_ZH_DAYS = re.compile(r"([0-9]+|[一二两兩三四五六七八九十]+)\s*(?:天|日)")
_ZH_WEEKDAY = re.compile(r"(?:星期|礼拜|禮拜)([一二三四五六日天])|(?:周|週)([一二三四五六日])")
_ALIAS_LENGTHS = sorted({len(k) for k in CITY_ALIASES}, reverse=True)


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return ZH_DIGITS.get(tens, 1) * 10 + ZH_DIGITS.get(units, 0)
    return ZH_DIGITS.get(text)


def zh_when(text: str) -> tuple[When, int, int, frozenset[int], bool] | None:
    """(when, days, first_day, weekdays, said) from Chinese time words, or None if none."""
    if "大后天" in text or "大後天" in text:
        return "days", 4, 3, frozenset(), True
    if "后天" in text or "後天" in text or "明後日" in text:
        return "days", 3, 2, frozenset(), True
    for match in _ZH_DAYS.finditer(text):
        count = _zh_number(match.group(1))
        if count and count > 1:
            return "days", min(count, MAX_DAYS), 0, frozenset(), True
    if "几天" in text or "幾天" in text:
        return "days", 3, 0, frozenset(), True
    if any(w in text for w in ("周末", "週末")):
        return "days", WEEK, 0, frozenset({5, 6}), True
    if any(w in text for w in ("这周", "這週", "本周", "本週", "一周", "一週", "星期天气", "今週")):
        return "days", WEEK, 0, frozenset(), True
    named = frozenset(ZH_WEEKDAYS[a or b] for a, b in _ZH_WEEKDAY.findall(text))
    if named:
        return "days", WEEK, 0, named, True
    tomorrow = "明天" in text or "明日" in text
    today = any(w in text for w in ("今天", "现在", "現在", "目前", "今晚", "今日", "此刻"))
    if tomorrow and today:
        return "days", 2, 0, frozenset(), True
    if tomorrow:
        return "tomorrow", 2, 1, frozenset(), True
    if today:
        return "today", 1, 0, frozenset(), True
    return None


def _strip_zh_stop_words(chunk: str) -> list[tuple[int, str]]:
    """The pieces of `chunk` left after removing weather words and particles, with offsets."""
    pieces: list[tuple[int, str]] = []
    begin = i = 0
    while i < len(chunk):
        stop = next((w for w in ZH_STOP_WORDS if chunk.startswith(w, i)), None)
        if stop is None:
            i += 1
            continue
        pieces.append((begin, chunk[begin:i]))
        i += len(stop)
        begin = i
    pieces.append((begin, chunk[begin:]))
    return [(offset, piece.strip()) for offset, piece in pieces if piece.strip()]


def _places_in_piece(piece: str) -> list[str]:
    """Places in one leftover piece: an unknown Chinese name, or Latin text read as English."""
    if CJK.search(piece):
        return [piece] if len(piece) >= 2 else []
    tokens = tokenize(piece)
    found = english_places(tokens)
    if not found and tokens and all(is_name_word(t, lowercase_ok=True) for t in tokens):
        found = [" ".join(t.text for t in tokens)]
    return found


def chinese_places(text: str) -> list[str]:
    """Known city names (CITY_ALIASES), coordinates and leftover names, in question order."""
    found: list[tuple[int, str]] = []
    covered = [False] * len(text)

    def cover(start: int, end: int) -> None:
        covered[start:end] = [True] * (end - start)

    for match in _COORDINATES.finditer(text):
        value = re.sub(r"\s+", "", match.group())
        if parse_coordinates(value) is not None:
            found.append((match.start(), value))
            cover(match.start(), match.end())
    i = 0
    while i < len(text):
        alias = None
        if not covered[i]:
            alias = next(
                (text[i : i + n] for n in _ALIAS_LENGTHS if text[i : i + n] in CITY_ALIASES), None
            )
        if alias is None:
            i += 1
            continue
        found.append((i, CITY_ALIASES[alias]))
        cover(i, i + len(alias))
        i += len(alias)
    # "三天", "星期六": time words built from numerals, which the stop words cannot list.
    for pattern in (_ZH_DAYS, _ZH_WEEKDAY):
        for match in pattern.finditer(text):
            if not any(covered[match.start() : match.end()]):
                cover(match.start(), match.end())
    # Whatever is left between them, split at punctuation and stripped of weather words.
    for match in _ZH_FREE.finditer(
        "".join("\0" if c else ch for c, ch in zip(covered, text, strict=True))
    ):
        for offset, piece in _strip_zh_stop_words(match.group()):
            for place in _places_in_piece(piece):
                found.append((match.start() + offset, place))
    return [place for _, place in sorted(found, key=lambda item: item[0])]
