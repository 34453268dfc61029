"""JSON schemas of the tools' outputs, generated from the TypedDicts they return.

MCP clients read them as each tool's `outputSchema` and check the structured content against
them, so the schema is derived from the same type the tool is checked against by mypy, never
written twice.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin

_SCALARS: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def _unwrap(hint: Any) -> tuple[Any, bool | None]:
    """The hint without NotRequired/Required, and which of the two it was (None: neither)."""
    origin = get_origin(hint)
    if origin is NotRequired:
        return get_args(hint)[0], False
    if origin is Required:
        return get_args(hint)[0], True
    return hint, None


def hint_schema(hint: Any) -> dict[str, Any]:
    """The JSON schema of one type hint: scalars, Literal, unions, lists, dicts, TypedDicts."""
    hint, _ = _unwrap(hint)
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    if typing.is_typeddict(hint):
        return typed_dict_schema(hint)
    origin = get_origin(hint)
    if origin is Literal:
        values = list(get_args(hint))
        return {"type": _SCALARS[type(values[0])], "enum": values}
    if origin in (Union, types.UnionType):
        members = [hint_schema(a) for a in get_args(hint)]
        if all(set(m) == {"type"} and isinstance(m["type"], str) for m in members):
            return {"type": [m["type"] for m in members]}
        return {"anyOf": members}
    if origin is list:
        return {"type": "array", "items": hint_schema(get_args(hint)[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": hint_schema(get_args(hint)[1])}
    raise TypeError(f"no JSON schema for {hint!r}")


def typed_dict_schema(cls: Any) -> dict[str, Any]:
    """The JSON schema of a TypedDict: its keys, and which ones every value has."""
    hints = typing.get_type_hints(cls, include_extras=True)
    required = []
    for name, hint in hints.items():
        # Python 3.11 counts a stringified `NotRequired[...]` as required in
        # `__required_keys__` (fixed in 3.12), so the marker is read from the hint itself.
        _, marker = _unwrap(hint)
        if marker is True or (marker is None and name in cls.__required_keys__):
            required.append(name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: hint_schema(hint) for name, hint in hints.items()},
    }
    if cls.__doc__:
        schema["description"] = " ".join(cls.__doc__.split())
    if required:
        schema["required"] = required
    return schema
