"""Tool results as the writer reads them: parsed, provider text made literal, dates read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from weatherbot.text_safety import markdown_literal
from weatherbot.tools.execute import ToolResult


@dataclass(frozen=True)
class Output:
    """One tool result, parsed, with every provider string Markdown-escaped."""

    name: str
    data: Mapping[str, Any]

    @property
    def error(self) -> str | None:
        """The tool's error code, if it failed."""
        code = self.data.get("error")
        return code if isinstance(code, str) else None


def parse(result: ToolResult) -> Output:
    # The tool's own value, never its JSON text parsed again (ToolResult keeps both).
    data: Mapping[str, Any] = (
        result.value
        if result.value is not None
        else {"error": "bad_output", "message": result.output}
    )
    return Output(result.name, _literal(data))


def _literal(value: Any, key: str = "") -> Any:
    """Every string in a tool's value as Markdown that shows it as written (names, messages,
    notes come from providers); the error code stays a code."""
    if isinstance(value, str):
        return value if key == "error" else markdown_literal(value)
    if isinstance(value, Mapping):
        return {k: _literal(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_literal(v) for v in value]
    return value


def parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def parse_moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def precipitation_kind(description: Any) -> str | None:
    """rain, snow or sleet from a provider's description; None when it does not say."""
    text = str(description or "").casefold()
    if any(w in text for w in ("sleet", "freezing", "hail", "ice pellet")):
        return "sleet"
    if "snow" in text:
        return "snow"
    if any(w in text for w in ("rain", "drizzle", "shower", "thunder")):
        return "rain"
    return None


_SLEET = frozenset({"sleet", "freezing_rain", "hail"})
_RAIN = frozenset({"rain", "drizzle", "showers"})


def falls_kind(types: Any, description: Any = None) -> str | None:
    """rain, snow, sleet or mixed (rain and snow) from a tool's precipitation_types; the
    description decides where the tool lists none."""
    kinds = {str(t) for t in types or []}
    if kinds & _SLEET:
        return "sleet"
    if "snow" in kinds:
        return "mixed" if kinds & _RAIN else "snow"
    if kinds & _RAIN:
        return "rain"
    return precipitation_kind(description)
