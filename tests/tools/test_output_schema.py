"""Output schemas generated from the tools' TypedDicts (MCP's outputSchema)."""

from __future__ import annotations

import pytest

from weatherbot.tools.output_schema import hint_schema, typed_dict_schema
from weatherbot.tools.outputs import ForecastOutput, PlaceOutput, RainOutput
from weatherbot.tools.weather import default_registry

PLACE_KEYS = ["location", "latitude", "longitude", "timezone", "source"]


def test_only_keys_every_output_has_are_required() -> None:
    # Python 3.11 lists a stringified NotRequired[...] key as required; the schema must not.
    assert typed_dict_schema(PlaceOutput)["required"] == PLACE_KEYS
    rain = typed_dict_schema(RainOutput)
    assert rain["required"] == PLACE_KEYS
    assert rain["properties"]["probability_percent"] == {"type": ["integer", "null"]}
    assert rain["properties"]["notes"] == {"type": "array", "items": {"type": "string"}}


def test_nested_rows_and_literals() -> None:
    forecast = typed_dict_schema(ForecastOutput)
    assert forecast["properties"]["unit"] == {"type": "string", "enum": ["Celsius", "Fahrenheit"]}
    day = forecast["properties"]["days"]["items"]
    assert day["type"] == "object"
    assert "moon_phase" in day["required"] and "high" in day["required"]
    assert day["properties"]["high"] == {"type": ["number", "null"]}


def test_every_tool_declares_one() -> None:
    for name in default_registry().names():
        schema = default_registry().get(name).output_schema()
        assert schema is not None and schema["type"] == "object", name
        assert schema["required"][:5] == PLACE_KEYS, name


def test_a_type_it_cannot_describe_is_refused() -> None:
    with pytest.raises(TypeError, match="no JSON schema"):
        hint_schema(set[str])
