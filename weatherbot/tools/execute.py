"""Run one step's tool calls concurrently; every call gets exactly one output."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, cast

from weatherbot.errors import ProviderError
from weatherbot.events import Event, ToolCallFinished, ToolCallStarted
from weatherbot.redaction import redact_value
from weatherbot.tools.outputs import ErrorOutput, ToolOutput
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
    """The outcome of one call: the string sent back, its value, and an error code if it failed."""

    call_id: str
    name: str
    arguments: dict[str, Any]
    output: str
    error: str | None
    duration_ms: int
    value: ToolOutput | None = None


def error_value(code: str, message: str, candidates: list[str] | None = None) -> ErrorOutput:
    """The value of a failed tool call."""
    value: ErrorOutput = {"error": code, "message": message}
    if candidates:
        value["candidates"] = candidates
    return value


def error_output(code: str, message: str) -> str:
    """The JSON string a failed tool call returns to the model."""
    return json.dumps(error_value(code, message), ensure_ascii=False)


def _run_one(call: ToolCall, registry: ToolRegistry, ctx: ToolContext) -> ToolOutput:
    try:
        # A model that repeats a key in an argument ("London sk-…") must not make weatherbot
        # send it to a geocoder or keep it in a cache file: keys go only to their own hosts.
        kwargs = redact_value(registry.validate(call.name, call.arguments))
        spec = registry.get(call.name)
        # Registered tools return one of the ToolOutput TypedDicts (tools/outputs.py).
        return cast(ToolOutput, dict(spec.func(ctx, **kwargs)))
    except ToolArgumentError as exc:
        return error_value(exc.code, exc.message)
    except ProviderError as exc:
        return error_value(exc.code, exc.message, exc.candidates)
    except Exception as exc:  # a tool bug must not end the run; the model reads the error
        return error_value("internal_error", f"{type(exc).__name__}: {exc}")


def _timed(
    call: ToolCall, registry: ToolRegistry, ctx: ToolContext, clock: Callable[[], float]
) -> tuple[ToolOutput, int]:
    started = clock()
    # A provider's error body may repeat its key (a 401 page quoting `appid`); the output goes
    # to the model's server, the screen and the state file, none of which may see it.
    value = cast(ToolOutput, redact_value(_run_one(call, registry, ctx)))
    return value, int((clock() - started) * 1000)


def output_text(value: ToolOutput) -> str:
    """The JSON string sent to the model for `value` (strict JSON: no NaN reaches a server)."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:
        message = "the weather provider sent a value that is not a number; try again later"
        return json.dumps(error_value("bad_data", message), ensure_ascii=False)


def error_code(value: ToolOutput) -> str | None:
    """The `error` code of an output, if it has one."""
    code = value.get("error")
    return code if isinstance(code, str) else None


def _display_arguments(raw: Any) -> dict[str, Any]:
    try:
        return cast(dict[str, Any], redact_value(parse_arguments(raw)))
    except ToolArgumentError:
        return {}


def _result(call: ToolCall, value: ToolOutput, duration_ms: int) -> ToolResult:
    return ToolResult(
        call.call_id,
        call.name,
        _display_arguments(call.arguments),
        output_text(value),
        error_code(value),
        duration_ms,
        value,
    )


def run_tool_call(
    call: ToolCall,
    registry: ToolRegistry,
    ctx: ToolContext,
    clock: Callable[[], float] = time.perf_counter,
) -> ToolResult:
    """Run one call in this thread (the MCP server's calls come one per request)."""
    value, duration_ms = _timed(call, registry, ctx, clock)
    return _result(call, value, duration_ms)


# How often the main thread wakes while lookups run. The kernel may hand a Ctrl-C's SIGINT to
# a worker thread; Python then only notices it when the main thread next runs bytecode, so an
# untimed wait would sit out a hanging lookup (seen in CI: 60 s).
WAKE_S = 0.1


def _settled(futures: list[Future[tuple[ToolOutput, int]]]) -> list[Future[tuple[ToolOutput, int]]]:
    """Wait for every future, waking often enough for a pending KeyboardInterrupt to surface."""
    pending = set(futures)
    while pending:
        _done, pending = wait(pending, timeout=WAKE_S)
    return futures


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
    pool = ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(accepted))))
    try:
        futures = [pool.submit(_timed, call, registry, ctx, clock) for call in accepted]
        timed = [future.result() for future in _settled(futures)]
    finally:
        # Never wait for lookups still in flight: on Ctrl-C the turn is cancelled now, not
        # after a slow provider's timeout (`with` would join the workers first).
        pool.shutdown(wait=False, cancel_futures=True)
    message = f"too many tool calls in one step (at most {MAX_CALLS_PER_STEP}); ask again"
    timed += [(error_value("too_many_calls", message), 0)] * (len(calls) - len(accepted))
    for call, (value, duration_ms) in zip(calls, timed, strict=True):
        results.append(_result(call, value, duration_ms))
    for result in results:
        yield ToolCallFinished(
            result.call_id,
            result.name,
            result.output,
            result.error,
            result.duration_ms,
            result.value,
        )
    return results
