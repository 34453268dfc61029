"""Run one step's tool calls concurrently; every call gets exactly one output."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.events import Event, ToolCallFinished, ToolCallStarted
from weatherbot.tools.registry import ToolArgumentError, ToolRegistry, parse_arguments
from weatherbot.tools.weather import ToolContext

MAX_CALLS_PER_STEP = 16
MAX_WORKERS = 8


@dataclass(frozen=True)
class ToolCall:
    """A call the model asked for, with its arguments exactly as sent."""

    call_id: str
    name: str
    arguments: Any


@dataclass(frozen=True)
class ToolResult:
    """The outcome of one call: the string sent back, and an error code if it failed."""

    call_id: str
    name: str
    arguments: dict[str, Any]
    output: str
    error: str | None
    duration_ms: int


def error_output(code: str, message: str, **extra: Any) -> str:
    """The JSON string a failed tool call returns to the model."""
    return json.dumps({"error": code, "message": message, **extra}, ensure_ascii=False)


def _run_one(call: ToolCall, registry: ToolRegistry, ctx: ToolContext) -> tuple[str, str | None]:
    try:
        kwargs = registry.validate(call.name, call.arguments)
        spec = registry.get(call.name)
        result = dict(spec.func(ctx, **kwargs))
    except ToolArgumentError as exc:
        return error_output(exc.code, exc.message), exc.code
    except ProviderError as exc:
        extra = {"candidates": exc.candidates} if exc.candidates else {}
        return error_output(exc.code, exc.message, **extra), exc.code
    except Exception as exc:  # a tool bug must not end the run; the model reads the error
        return error_output("internal_error", f"{type(exc).__name__}: {exc}"), "internal_error"
    code = result.get("error")
    return json.dumps(result, ensure_ascii=False), code if isinstance(code, str) else None


def _timed(
    call: ToolCall, registry: ToolRegistry, ctx: ToolContext, clock: Callable[[], float]
) -> tuple[str, str | None, int]:
    started = clock()
    output, error = _run_one(call, registry, ctx)
    return output, error, int((clock() - started) * 1000)


def _display_arguments(raw: Any) -> dict[str, Any]:
    try:
        return parse_arguments(raw)
    except ToolArgumentError:
        return {}


def run_tool_calls(
    calls: Sequence[ToolCall],
    registry: ToolRegistry,
    ctx: ToolContext,
    clock: Callable[[], float] = time.perf_counter,
) -> Generator[Event, None, list[ToolResult]]:
    """Yield started/finished events for every call and return the results in call order."""
    for call in calls:
        yield ToolCallStarted(call.call_id, call.name, _display_arguments(call.arguments))
    accepted = list(calls[:MAX_CALLS_PER_STEP])
    results: list[ToolResult] = []
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(accepted)))) as pool:
        futures = [pool.submit(_timed, call, registry, ctx, clock) for call in accepted]
        for call, future in zip(accepted, futures, strict=True):
            output, error, duration_ms = future.result()
            results.append(
                ToolResult(
                    call.call_id,
                    call.name,
                    _display_arguments(call.arguments),
                    output,
                    error,
                    duration_ms,
                )
            )
    for call in calls[MAX_CALLS_PER_STEP:]:
        message = f"too many tool calls in one step (at most {MAX_CALLS_PER_STEP}); ask again"
        results.append(
            ToolResult(
                call.call_id,
                call.name,
                _display_arguments(call.arguments),
                error_output("too_many_calls", message),
                "too_many_calls",
                0,
            )
        )
    for result in results:
        yield ToolCallFinished(
            result.call_id, result.name, result.output, result.error, result.duration_ms
        )
    return results
