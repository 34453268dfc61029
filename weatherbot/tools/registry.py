"""The tool registry: JSON schemas generated from type-hinted functions, and argument checks."""

from __future__ import annotations

import inspect
import json
import math
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

_SCALARS: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


class ToolArgumentError(Exception):
    """The model sent arguments a tool cannot accept; becomes an error output."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Param:
    """One parameter of a tool, as derived from its type hint."""

    name: str
    schema: dict[str, Any]
    required: bool
    default: Any
    kind: str  # string | integer | number | boolean
    enum: tuple[Any, ...] | None


@dataclass(frozen=True)
class ToolSpec:
    """A tool the model may call: name, description, parameters and the function behind it."""

    name: str
    description: str
    params: tuple[Param, ...]
    func: Callable[..., Mapping[str, Any]]

    @property
    def parameters(self) -> dict[str, Any]:
        """The JSON schema of the arguments object."""
        return {
            "type": "object",
            "properties": {p.name: p.schema for p in self.params},
            "required": [p.name for p in self.params if p.required],
            "additionalProperties": False,
        }

    def schema(self) -> dict[str, Any]:
        """The neutral schema: name, description, parameters (backends convert it)."""
        return {"name": self.name, "description": self.description, "parameters": self.parameters}

    def output_schema(self) -> dict[str, Any] | None:
        """The JSON schema of the output, from the TypedDict the function returns (if it does)."""
        from weatherbot.tools.output_schema import typed_dict_schema

        returned = get_type_hints(self.func).get("return")
        return typed_dict_schema(returned) if typing.is_typeddict(returned) else None


def _param_schema(name: str, hint: Any) -> tuple[dict[str, Any], str, tuple[Any, ...] | None, bool]:
    description = None
    if get_origin(hint) is typing.Annotated:
        hint, *extras = get_args(hint)
        description = next((e for e in extras if isinstance(e, str)), None)
    optional = False
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(hint) if a is not type(None)]
        optional = len(members) < len(get_args(hint))
        if len(members) != 1:
            raise TypeError(f"parameter {name}: unions other than Optional are not supported")
        hint = members[0]
        origin = get_origin(hint)
    enum: tuple[Any, ...] | None = None
    if origin is Literal:
        enum = get_args(hint)
        kind = _SCALARS[type(enum[0])]
        schema: dict[str, Any] = {"type": kind, "enum": list(enum)}
    elif hint in _SCALARS:
        kind = _SCALARS[hint]
        schema = {"type": kind}
    else:
        raise TypeError(f"parameter {name}: unsupported type {hint!r}")
    if description:
        schema["description"] = description
    return schema, kind, enum, optional


def tool(func: Callable[..., Mapping[str, Any]]) -> ToolSpec:
    """Build a ToolSpec from a function whose first parameter is the ToolContext."""
    hints = get_type_hints(func, include_extras=True)
    signature = inspect.signature(func)
    params: list[Param] = []
    for index, (name, parameter) in enumerate(signature.parameters.items()):
        if index == 0:
            continue  # the context
        schema, kind, enum, optional = _param_schema(name, hints[name])
        has_default = parameter.default is not inspect.Parameter.empty
        params.append(
            Param(
                name=name,
                schema=schema,
                required=not has_default and not optional,
                default=parameter.default if has_default else None,
                kind=kind,
                enum=enum,
            )
        )
    description = inspect.cleandoc(func.__doc__ or "").strip()
    return ToolSpec(name=func.__name__, description=description, params=tuple(params), func=func)


# Tool arguments are flat objects of scalars; anything deeper than this is not an answer to
# any schema, and refusing it early keeps later json.dumps (renderers, --json) from recursing.
MAX_ARGUMENT_DEPTH = 16
# A place name or a unit is short: a longer string is refused before it reaches a provider (a
# 1 MB location would be sent in a URL and echoed back to the model in the error).
MAX_STRING_ARGUMENT = 1_000


def _depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (iteratively: no recursion to exhaust)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_ARGUMENT_DEPTH:
            break
        if isinstance(item, Mapping):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _loads(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ToolArgumentError(
            "invalid_arguments", f"arguments are not valid JSON ({exc.msg} at {exc.pos})"
        ) from exc
    except RecursionError:
        # json.loads recurses once per level: ~1,000 levels exhaust the stack.
        raise ToolArgumentError("invalid_arguments", "arguments are nested too deeply") from None
    except ValueError:
        # The only other ValueError: an integer of more than 4,300 digits (Python's limit on
        # converting a string to an int, against denial of service).
        raise ToolArgumentError(
            "invalid_arguments", "arguments hold a number with too many digits"
        ) from None


def parse_arguments(raw: Any) -> dict[str, Any]:
    """Arguments as the model sent them (JSON string, object, empty) to a dict."""
    # Local servers send objects instead of strings, or "" for no arguments.
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    value = _loads(raw) if isinstance(raw, str) else raw
    if not isinstance(value, Mapping):
        raise ToolArgumentError("invalid_arguments", "arguments must be a JSON object")
    if _depth(value) > MAX_ARGUMENT_DEPTH:
        raise ToolArgumentError("invalid_arguments", "arguments are nested too deeply")
    return dict(value)


def _number(param: Param, value: Any) -> int | float:
    """A number argument that is a number: not a bool, not NaN or Infinity, within a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        article = "an" if param.kind == "integer" else "a"
        raise ToolArgumentError("invalid_arguments", f"{param.name} must be {article} {param.kind}")
    # Python's json reads NaN, Infinity and 1e999 (as inf), though JSON has no such numbers:
    # int() of them raises OverflowError or ValueError, and --json could not write them.
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolArgumentError(
            "invalid_arguments",
            f"{param.name} must be a finite {param.kind}, got {json.dumps(value)}",
        )
    if param.kind == "number" and abs(value) > sys.float_info.max:  # float() would overflow
        digits = len(str(abs(value)))
        raise ToolArgumentError("invalid_arguments", f"{param.name} is too large ({digits} digits)")
    return value


def _check(param: Param, value: Any) -> Any:
    if param.kind == "string":
        if not isinstance(value, str):
            raise ToolArgumentError(
                "invalid_arguments", f"{param.name} must be a string, got {type(value).__name__}"
            )
        if len(value) > MAX_STRING_ARGUMENT:
            raise ToolArgumentError(
                "invalid_arguments",
                f"{param.name} is too long ({len(value):,} characters; at most "
                f"{MAX_STRING_ARGUMENT:,})",
            )
        value = value.strip()
        if param.enum is not None:
            for option in param.enum:
                # Models write "celsius" as often as "Celsius".
                if value.lower() == str(option).lower():
                    return option
            raise ToolArgumentError(
                "invalid_arguments",
                f"{param.name} must be one of {', '.join(map(str, param.enum))}, got {value!r}",
            )
        if param.required and not value:
            raise ToolArgumentError("invalid_arguments", f"{param.name} must not be empty")
        return value
    if param.kind == "integer":
        number = _number(param, value)
        if number != int(number):
            raise ToolArgumentError("invalid_arguments", f"{param.name} must be an integer")
        return int(number)
    if param.kind == "number":
        return float(_number(param, value))
    if not isinstance(value, bool):
        raise ToolArgumentError("invalid_arguments", f"{param.name} must be true or false")
    return value


class ToolRegistry:
    """The tools one conversation offers, by name."""

    def __init__(self, tools: Iterable[ToolSpec]) -> None:
        self._tools = {t.name: t for t in tools}

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def names(self) -> list[str]:
        """Tool names in registration order."""
        return list(self._tools)

    def get(self, name: str) -> ToolSpec:
        """The tool called `name`, or a ToolArgumentError the model can read."""
        try:
            return self._tools[name]
        except KeyError:
            raise ToolArgumentError(
                "unknown_tool",
                f"there is no tool named {name!r}; available: {', '.join(self._tools)}",
            ) from None

    def schemas(self) -> list[dict[str, Any]]:
        """Neutral schemas of every tool."""
        return [t.schema() for t in self._tools.values()]

    def validate(self, name: str, arguments: Any) -> dict[str, Any]:
        """Checked keyword arguments for `name`, from whatever the model sent."""
        spec = self.get(name)
        args = arguments if isinstance(arguments, dict) else parse_arguments(arguments)
        clean: dict[str, Any] = {}
        for param in spec.params:
            if param.name not in args or args[param.name] is None:
                if param.required:
                    raise ToolArgumentError("invalid_arguments", f"missing argument {param.name}")
                clean[param.name] = param.default
                continue
            clean[param.name] = _check(param, args[param.name])
        return clean
