"""The offline planner: a question in English or Chinese becomes places, intent, days and unit.

Pure functions, no I/O. The rules are deliberately small and readable: a tokeniser, stop-word
sets, a pass that reads place names after "in/for/at ...", a pass over capitalised phrases, and
for Chinese a scan for known city names with the weather words stripped around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from weatherbot.providers.places import CITY_ALIASES, lookup_qualifier, parse_coordinates

When = Literal["today", "tomorrow", "days"]
Unit = Literal["Celsius", "Fahrenheit"]
Language = Literal["en", "zh"]

MAX_DAYS = 16  # what get_forecast accepts
WEEK = 7


@dataclass(frozen=True)
class Plan:
    """What a question asks for: which places, temperature and/or rain, when, unit, language.

    `days` is the forecast horizon counted from today (get_forecast's `days`); the answer shows
    days `first_day .. days - 1`, only those on `weekdays` (Monday = 0) when that is set.
    """

    places: list[str] = field(default_factory=list)
    wants_temperature: bool = True
    wants_rain: bool = True
    when: When = "today"
    days: int = 1
    first_day: int = 0
    weekdays: frozenset[int] = frozenset()
    unit: Unit | None = None
    language: Language = "en"
    # Whether the question itself said what (temperature/rain/weather) and when; a follow-up
    # such as "and in Lyon?" says neither and inherits them from the previous question.
    asks_what: bool = False
    asks_when: bool = False


# --------------------------------------------------------------------------------------------
# English vocabulary


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TEMPERATURE_WORDS = _words(
    """temperature temperatures temp temps hot cold warm warmer cool cooler chilly freezing
    heat degrees degree celsius fahrenheit centigrade highs lows jacket coat sweater"""
)
RAIN_WORDS = _words(
    """rain raining rainy rains rainfall umbrella umbrellas precipitation precip shower showers
    drizzle drizzling wet snow snowing snowy storm storms stormy thunderstorm thunderstorms
    downpour chance chances likelihood probability likely odds percent"""
)
GENERAL_WORDS = _words(
    """weather forecast forecasts outlook conditions condition climate sunny cloudy
    sun clouds wind windy humid humidity"""
)
WEATHER_NOUNS = frozenset({"weather", "forecast", "temperature", "temp", "rain", "conditions"})

WEEKDAY_NAMES = {
    name: index
    for index, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
TIME_WORDS = _words(
    """today tonight now currently current tomorrow tmrw tmr overmorrow morning afternoon
    evening night noon midday week weeks weekend weekends weekday weekdays day days hour hours
    later soon right next this coming upcoming few couple rest overnight yesterday daily hourly
    moment minute minutes fortnight ahead outlook january february march april may june july
    august september october november december"""
) | frozenset(WEEKDAY_NAMES)
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
}
FUNCTION_WORDS = _words(
    """a an the and or but nor of to for in at on by with from about near around into over
    is are was were be been being am will would shall should can could may might must do does
    did doing done have has had having get gets getting go goes going gonna got it its it'll
    itll it'd i i'm im i'll i'd ive i've me my mine we us our you your you're they them their
    he she him her there here that this these those what whats what's which who how hows how's
    when where why whether if then than so as any some much many more most very too also just
    only please pls plz tell show give check let lets let's compare comparison versus vs
    between both each all need needed needs know want wanted like look looks looking feel
    feels expect expected expecting bring take wear wearing hey hi hello thanks thank ok okay
    yes no not don't dont doesn't doesnt won't wont isn't isnt aren't arent can't cant cannot
    actually really currently out outside inside weatherbot again same also other else there's
    that's thats it's whats's where's wheres ever going's plus f c metric imperial units unit
    percentage tell me find see say said my here there
    probably maybe expected forecasted predicted gonna wanna else about around chance"""
)
STOP_WORDS = (
    FUNCTION_WORDS
    | TEMPERATURE_WORDS
    | RAIN_WORDS
    | GENERAL_WORDS
    | TIME_WORDS
    | frozenset(NUMBER_WORDS)
    | frozenset({"am", "pm", "st", "nd", "rd", "th"})
)

# Words that open a place list: "in Paris", "for Tokyo, Osaka and Kyoto", "at 48.85,2.35".
PLACE_PREPOSITIONS = frozenset({"in", "for", "at", "near", "around", "of", "to", "from"})
# Words that may join two place names in a list.
LIST_WORDS = frozenset({"and", "or", "vs", "versus", "plus"})
# Lower-case words that may sit inside a capitalised name: "Rio de Janeiro", "Isle of Man".
CONNECTORS = _words(
    """de da do dos das del della di du des la le les los las el upon on am im sur en of y
    au aux van von der den al"""
)
# Cities whose names are also states or countries ("New York", "Washington", "Singapore").
KNOWN_CITIES = frozenset(name.casefold() for name in CITY_ALIASES.values())
ABBREVIATIONS = frozenset({"st.", "mt.", "ft.", "pt.", "ste."})

# Explicit units; the first one mentioned wins.
_FAHRENHEIT = re.compile(
    r"°\s*F\b|℉|\bfahrenheit\b|\bimperial\b|\bdeg(?:rees?)?\s*F\b|\d\s*F\b|\bin\s+F\b|华氏|華氏",
    re.IGNORECASE,
)
_CELSIUS = re.compile(
    r"°\s*C\b|℃|\bcelsius\b|\bcentigrade\b|\bmetric\b|\bdeg(?:rees?)?\s*C\b|\d\s*C\b"
    r"|\bin\s+C\b|摄氏|攝氏",
    re.IGNORECASE,
)

_COORDINATES = re.compile(r"[-+]?\d{1,3}(?:\.\d+)?\s*,\s*[-+]?\d{1,3}(?:\.\d+)?")
_TOKEN = re.compile(
    r"(?P<coord>[-+]?\d{1,3}\.\d+\s*,\s*[-+]?\d{1,3}(?:\.\d+)?"
    r"|[-+]?\d{1,3}(?:\.\d+)?\s*,\s*[-+]?\d{1,3}\.\d+)"
    r"|(?P<num>\d+(?:[.:]\d+)?[^\W\d_]*)"
    r"|(?P<word>[^\W\d_]+(?:['.\-][^\W\d_]+)*\.?)"
    r"|(?P<sep>[,;&/+]|\s[-–—]\s)"
    r"|(?P<end>[?!.:()\[\]\"“”«»]+)"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Token:
    """One piece of an English question: a word, number, coordinate pair or punctuation."""

    text: str
    kind: str  # word | num | coord | sep | end

    @property
    def lower(self) -> str:
        """The text in lower case, for stop-word checks."""
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """Split English text into tokens; possessives lose their "'s" ("London's" → London)."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "end"
        value = match.group()
        if kind == "coord":
            value = re.sub(r"\s+", "", value)
        elif kind == "sep":
            value = value.strip()
        elif kind == "word":
            if value.endswith(".") and value.lower() not in ABBREVIATIONS and "." not in value[:-1]:
                tokens.append(Token(value[:-1], "word"))
                tokens.append(Token(".", "end"))
                continue
            if value.lower().endswith("'s") and value.lower() not in STOP_WORDS:
                value = value[:-2]
        tokens.append(Token(value, kind))
    return tokens


def _is_name_word(token: Token, lowercase_ok: bool) -> bool:
    if token.kind != "word" or token.lower in STOP_WORDS or token.lower in LIST_WORDS:
        return False
    return lowercase_ok or token.text[0].isupper()


def _read_name(tokens: Sequence[Token], start: int, lowercase_ok: bool) -> tuple[str, int]:
    """The place name starting at `start` (may be empty) and the index after it."""
    words: list[str] = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        if _is_name_word(token, lowercase_ok) or (
            words
            and token.kind == "word"
            and token.lower in CONNECTORS
            and i + 1 < len(tokens)
            and _is_name_word(tokens[i + 1], lowercase_ok)
        ):
            words.append(token.text)
            i += 1
        else:
            break
    return _split_trailing_abbreviation(words), i


def _split_trailing_abbreviation(words: list[str]) -> str:
    """ "San Francisco CA" → "San Francisco, CA" (a state or country code without its comma)."""
    if (
        len(words) >= 2
        and 2 <= len(words[-1]) <= 3
        and words[-1].isupper()
        and lookup_qualifier(words[-1]) is not None
    ):
        return " ".join(words[:-1]) + ", " + words[-1]
    return " ".join(words)


def _is_qualifier(text: str) -> bool:
    return lookup_qualifier(text) is not None


def _next_item(tokens: Sequence[Token], i: int, lowercase_ok: bool) -> tuple[str, int, bool] | None:
    """The list item after separators at `i`: (name, index after it, joined by commas only)."""
    j = i
    only_commas = True
    while j < len(tokens) and (
        tokens[j].kind == "sep" or (tokens[j].kind == "word" and tokens[j].lower in LIST_WORDS)
    ):
        only_commas = only_commas and tokens[j].text == ","
        j += 1
    if j == i:
        return None
    if j < len(tokens) and tokens[j].lower in PLACE_PREPOSITIONS:
        j += 1  # "in London and in Paris"
        lowercase_ok = True
    if j < len(tokens) and tokens[j].kind == "coord":
        return tokens[j].text, j + 1, only_commas
    name, after = _read_name(tokens, j, lowercase_ok)
    return (name, after, only_commas) if name else None


def _attaches(
    previous: str, qualifiers: int, name: str, rest: tuple[str, int, bool] | None
) -> bool:
    """Whether `name`, after a comma, qualifies the previous place instead of starting one."""
    if qualifiers >= 2 or not _is_qualifier(name) or parse_coordinates(previous) is not None:
        return False
    if qualifiers == 0 and _is_qualifier(previous):
        return False  # "France, Spain and Italy" lists countries
    # "New York", "Washington": a state that is also a city is a list item mid-list
    # ("London, New York and Oslo") and a qualifier at the end ("Rochester, New York").
    return name.casefold() not in KNOWN_CITIES or rest is None


def _read_list(tokens: Sequence[Token], start: int, lowercase_ok: bool) -> tuple[list[str], int]:
    """Place names joined by commas, "and", "or"...; a qualifier after a comma stays attached."""
    if start < len(tokens) and tokens[start].kind == "coord":
        first, i = tokens[start].text, start + 1
    else:
        first, i = _read_name(tokens, start, lowercase_ok)
    if not first:
        return [], start
    items = [first]
    qualifiers = [0]
    item = _next_item(tokens, i, lowercase_ok)
    while item is not None:
        name, after, only_commas = item
        following = _next_item(tokens, after, lowercase_ok)
        if only_commas and _attaches(items[-1], qualifiers[-1], name, following):
            items[-1] = f"{items[-1]}, {name}"
            qualifiers[-1] += 1
        else:
            items.append(name)
            qualifiers.append(0)
        i = after
        item = following
    return items, i


def _english_places(tokens: Sequence[Token]) -> list[str]:
    """Places from the preposition pass and the capitalised-phrase pass, in question order."""
    places: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "coord":
            found, i = _read_list(tokens, i, lowercase_ok=True)
            places += found
            continue
        if token.kind == "word" and token.lower in PLACE_PREPOSITIONS:
            found, after = _read_list(tokens, i + 1, lowercase_ok=True)
            if found:
                places += found
                i = after
                continue
        if _is_name_word(token, lowercase_ok=False):
            found, after = _read_list(tokens, i, lowercase_ok=False)
            places += found
            i = max(after, i + 1)
            continue
        i += 1
    return places or _around_weather_noun(tokens)


def _around_weather_noun(tokens: Sequence[Token]) -> list[str]:
    """Lower-case fallback: "paris weather", "london and paris forecast", "weather berlin"."""
    for index, token in enumerate(tokens):
        if token.kind != "word" or token.lower not in WEATHER_NOUNS:
            continue
        start = index
        while start > 0 and (
            _is_name_word(tokens[start - 1], lowercase_ok=True)
            or tokens[start - 1].kind == "sep"
            or tokens[start - 1].lower in LIST_WORDS | CONNECTORS
        ):
            start -= 1
        if start < index:
            found, end = _read_list(tokens, start, lowercase_ok=True)
            if found and end == index:
                return found
        found, _ = _read_list(tokens, index + 1, lowercase_ok=False)
        if not found and index + 1 < len(tokens) and tokens[index + 1].kind == "word":
            found, _ = _read_list(tokens, index + 1, lowercase_ok=True)
        if found:
            return found
    return []


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _english_when(words: Sequence[str]) -> tuple[When, int, int, frozenset[int], bool]:
    """(when, days, first_day, weekdays, said) from lower-case words."""
    joined = " ".join(words)
    present = set(words)
    if "overmorrow" in present or "day after tomorrow" in joined:
        # "tomorrow and the day after tomorrow" asks for both days.
        first_day = 1 if joined.count("tomorrow") > 1 else 2
        return "days", 3, first_day, frozenset(), True
    for index, word in enumerate(words):
        if word in {"days", "day"} and index > 0:
            count = _number(words[index - 1])
            if count is None and words[index - 1] in {"few", "couple"}:
                count = 3
            if count is None and index > 1 and words[index - 2] in {"few", "couple"}:
                count = 3  # "couple of days"
            if count is not None and count > 0:
                return "days", min(count, MAX_DAYS), 0, frozenset(), True
        if re.fullmatch(r"(\d+)-?day", word):
            return "days", min(max(int(re.sub(r"\D", "", word)), 1), MAX_DAYS), 0, frozenset(), True
    if "fortnight" in present or "two weeks" in joined or "2 weeks" in joined:
        return "days", 14, 0, frozenset(), True
    if present & {"weekend", "weekends"}:
        return "days", WEEK, 0, frozenset({5, 6}), True
    if present & {"week", "weekly"}:
        return "days", WEEK, 0, frozenset(), True
    named = frozenset(WEEKDAY_NAMES[w] for w in words if w in WEEKDAY_NAMES)
    if named:
        return "days", WEEK, 0, named, True
    tomorrow = bool(present & {"tomorrow", "tmrw", "tmr"})
    today = bool(present & {"today", "tonight", "now", "currently"}) or "right now" in joined
    if tomorrow and today:
        return "days", 2, 0, frozenset(), True
    if tomorrow:
        return "tomorrow", 2, 1, frozenset(), True
    return "today", 1, 0, frozenset(), today


# --------------------------------------------------------------------------------------------
# Chinese (and a little Japanese)

ZH_STOP_WORDS = sorted(
    _words(
        """今天 明天 后天 後天 大后天 昨天 现在 現在 目前 此刻 当前 今晚 今早
        早上 上午 中午 下午 晚上 夜里 夜间 这周 這週 本周 本週 这个星期
        这星期 下周 下星期 一周 一週 未来 接下来 最近 这几天 几天 周末 週末
        这个周末 星期 礼拜 天气 天氣 天气预报 预报 預報 怎么样 怎麼樣 怎样
        如何 好不好 会不会 會不會 下不下雨 下雨 下雪 降雨 降水 雨 雪 吗 嗎
        嘛 呢 吧 啊 呀 么 气温 氣溫 温度 溫度 多少度 几度 幾度 多少 度 和
        与 與 跟 及 以及 还有 還有 或 或者 对比 比较 比較 相比 的 是 在
        了 有 没有 沒有 要 需要 要不要 带 帶 伞 傘 雨伞 雨傘 概率 几率
        機率 可能 可能性 机会 请问 請問 请 請 告诉 告訴 我 我们 你 一下 查
        查询 查詢 看看 看 热 熱 冷 冷不冷 热不热 暖和 凉快 最高 最低 华氏
        華氏 摄氏 攝氏 情况 情況 那里 那边 这里 这边 出门 外面 会 會 将
        将会 刮风 晴天 阴天 大雨 小雨 湿度 今日 明日 明後日 今週 の は が
        か を に で と や 天気 気温 何度 降る 降ります 降りますか ですか
        です ます でしょう でしょうか どう どうですか 必要 教えて ください 傘が"""
    ),
    key=len,
    reverse=True,
)
ZH_TEMPERATURE = ("气温", "氣溫", "温度", "溫度", "度", "热", "熱", "冷", "暖", "凉", "気温")
ZH_RAIN = ("雨", "伞", "傘", "降水", "雪")
ZH_GENERAL = ("天气", "天氣", "天気", "预报", "預報")
ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
ZH_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
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


def _zh_when(text: str) -> tuple[When, int, int, frozenset[int], bool] | None:
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
    if _CJK.search(piece):
        return [piece] if len(piece) >= 2 else []
    tokens = tokenize(piece)
    found = _english_places(tokens)
    if not found and tokens and all(_is_name_word(t, lowercase_ok=True) for t in tokens):
        found = [" ".join(t.text for t in tokens)]
    return found


def _chinese_places(text: str) -> list[str]:
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


# --------------------------------------------------------------------------------------------
# The plan


def _dedupe(places: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for place in places:
        key = " ".join(place.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(place.strip())
    return out


def explicit_unit(text: str) -> Unit | None:
    """The unit the question names (°F, Fahrenheit, imperial, 华氏 / °C, Celsius, metric...)."""
    fahrenheit = _FAHRENHEIT.search(text)
    celsius = _CELSIUS.search(text)
    if fahrenheit and (celsius is None or fahrenheit.start() <= celsius.start()):
        return "Fahrenheit"
    if celsius:
        return "Celsius"
    return None


def _normalise(question: str) -> str:
    text = question.replace("’", "'").replace("‘", "'").replace("，", ", ")
    return " ".join(text.split())


def plan(question: str) -> Plan:
    """Read a weather question and plan what to look up; never raises."""
    text = _normalise(question)
    tokens = tokenize(text)
    words = [t.lower for t in tokens if t.kind in ("word", "num")]
    chinese = _CJK.search(text) is not None
    latin_words = sum(1 for t in tokens if t.kind == "word" and not _CJK.search(t.text))
    cjk_chars = len(_CJK.findall(text))
    language: Language = "zh" if chinese and cjk_chars >= latin_words else "en"

    wants_temperature = any(w in TEMPERATURE_WORDS for w in words)
    wants_rain = any(w in RAIN_WORDS for w in words)
    general = any(w in GENERAL_WORDS for w in words)
    if chinese:
        wants_temperature = wants_temperature or any(w in text for w in ZH_TEMPERATURE)
        wants_rain = wants_rain or any(w in text for w in ZH_RAIN)
        general = general or any(w in text for w in ZH_GENERAL)
    asks_what = wants_temperature or wants_rain or general
    if general or not asks_what:
        wants_temperature = wants_rain = True

    timing = _zh_when(text) if chinese else None
    when, days, first_day, weekdays, asks_when = timing or _english_when(words)

    places = _chinese_places(text) if chinese else _english_places(tokens)
    return Plan(
        places=_dedupe(places),
        wants_temperature=wants_temperature,
        wants_rain=wants_rain,
        when=when,
        days=days,
        first_day=first_day,
        weekdays=weekdays,
        unit=explicit_unit(text),
        language=language,
        asks_what=asks_what,
        asks_when=asks_when,
    )
