"""Schemas generated from type hints, and argument validation that never crashes."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weatherbot.tools.registry import ToolArgumentError, parse_arguments
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


def test_empty_arguments_mean_empty_object() -> None:
    assert parse_arguments("") == {}
    assert parse_arguments(None) == {}


@given(st.one_of(st.text(), st.dictionaries(st.text(), st.text() | st.integers() | st.none())))
def test_validation_never_raises_anything_else(raw: Any) -> None:
    registry = default_registry()
    for name in [*registry.names(), "nope"]:
        with contextlib.suppress(ToolArgumentError):
            registry.validate(name, raw if not isinstance(raw, dict) else json.dumps(raw))
