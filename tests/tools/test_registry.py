"""Schemas generated from type hints, and argument validation that never crashes."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weatherbot.tools.registry import ToolArgumentError, ToolRegistry, parse_arguments, tool
from weatherbot.tools.weather import default_registry


def test_required_tool_schemas_match_the_original_design() -> None:
    schemas = {s["name"]: s for s in default_registry().schemas()}
    temp = schemas["get_current_temperature"]["parameters"]
    assert temp["required"] == ["location", "unit"]
    assert temp["properties"]["unit"]["enum"] == ["Celsius", "Fahrenheit"]
    assert temp["properties"]["location"]["type"] == "string"
    assert "infer" in schemas["get_current_temperature"]["description"].lower()
    rain = schemas["get_rain_probability"]["parameters"]
    assert rain["required"] == ["location"]
    assert rain["additionalProperties"] is False
    assert list(schemas)[:2] == ["get_current_temperature", "get_rain_probability"]


def test_optional_parameters_have_defaults() -> None:
    forecast = {s["name"]: s for s in default_registry().schemas()}["get_forecast"]
    assert forecast["parameters"]["required"] == ["location"]
    assert forecast["parameters"]["properties"]["days"]["type"] == "integer"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"location": "Paris", "unit": "celsius"}', {"location": "Paris", "unit": "Celsius"}),
        (
            {"location": " Paris ", "unit": "FAHRENHEIT"},
            {"location": "Paris", "unit": "Fahrenheit"},
        ),
        (
            '{"location": "Paris", "unit": "Celsius", "extra": 1}',
            {"location": "Paris", "unit": "Celsius"},
        ),
    ],
)
def test_validate_accepts_and_normalises(raw: Any, expected: dict[str, Any]) -> None:
    assert default_registry().validate("get_current_temperature", raw) == expected


@pytest.mark.parametrize(
    ("name", "raw", "code", "fragment"),
    [
        ("get_current_temperature", "{not json", "invalid_arguments", "not valid JSON"),
        ("get_current_temperature", "[1, 2]", "invalid_arguments", "JSON object"),
        (
            "get_current_temperature",
            '{"location": "Paris"}',
            "invalid_arguments",
            "missing argument unit",
        ),
        (
            "get_current_temperature",
            '{"location": "", "unit": "Celsius"}',
            "invalid_arguments",
            "must not be empty",
        ),
        (
            "get_current_temperature",
            '{"location": 42, "unit": "Celsius"}',
            "invalid_arguments",
            "must be a string",
        ),
        (
            "get_current_temperature",
            '{"location": "X", "unit": "Kelvin"}',
            "invalid_arguments",
            "must be one of",
        ),
        ("get_forecast", '{"location": "X", "days": "three"}', "invalid_arguments", "integer"),
        (
            "get_forecast",
            '{"location": "X", "days": 1e999}',
            "invalid_arguments",
            "days must be a finite integer, got Infinity",
        ),
        (
            "get_forecast",
            '{"location": "X", "days": -Infinity}',
            "invalid_arguments",
            "days must be a finite integer, got -Infinity",
        ),
        (
            "get_forecast",
            '{"location": "X", "days": NaN}',
            "invalid_arguments",
            "days must be a finite integer, got NaN",
        ),
        (
            "get_forecast",
            '{"location": "X", "days": 2, "unit": NaN}',
            "invalid_arguments",
            "unit must be a string, got float",
        ),
        ("launch_rockets", "{}", "unknown_tool", "no tool named"),
    ],
)
def test_validate_rejects_with_readable_errors(
    name: str, raw: str, code: str, fragment: str
) -> None:
    with pytest.raises(ToolArgumentError) as info:
        default_registry().validate(name, raw)
    assert info.value.code == code
    assert fragment in info.value.message


def _gust(ctx: Any, speed: float, limit: int = 3) -> dict[str, Any]:
    """A tool with a number parameter."""
    return {"speed": speed, "limit": limit}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ('{"speed": NaN}', "speed must be a finite number, got NaN"),
        ('{"speed": 1e999}', "speed must be a finite number, got Infinity"),
        ('{"speed": 1' + "0" * 400 + "}", "speed is too large (401 digits)"),
        ('{"speed": true}', "speed must be a number"),
        ('{"speed": 1, "limit": 1.5}', "limit must be an integer"),
        ('{"speed": 1, "limit": "x"}', "limit must be an integer"),
    ],
)
def test_numbers_must_be_finite(raw: str, fragment: str) -> None:
    registry = ToolRegistry([tool(_gust)])
    with pytest.raises(ToolArgumentError, match=re.escape(fragment)):
        registry.validate("_gust", raw)
    assert registry.validate("_gust", '{"speed": 1' + "0" * 300 + "}")["speed"] == 1e300
    assert registry.validate("_gust", '{"speed": 2, "limit": 4.0}') == {"speed": 2.0, "limit": 4}


def test_empty_arguments_mean_empty_object() -> None:
    assert parse_arguments("") == {}
    assert parse_arguments(None) == {}


@given(
    st.one_of(
        st.text(),
        st.dictionaries(
            st.sampled_from(["location", "days", "unit", "x"]) | st.text(),
            st.text() | st.integers() | st.floats() | st.booleans() | st.none(),
        ),
    )
)
def test_validation_never_raises_anything_else(raw: Any) -> None:
    registry = default_registry()
    for name in [*registry.names(), "nope"]:
        with contextlib.suppress(ToolArgumentError):
            registry.validate(name, raw)
            registry.validate(name, raw if not isinstance(raw, dict) else json.dumps(raw))
