"""What `ask` needs besides its command: its help examples, and how a turn's failure reads.

`check_outage` makes a turn whose every tool call failed (an outage, a rejected request or key)
exit 1 after the answer, as `weather` does; `failure_json` is the one object `ask --json` prints
for any failure.
"""

from __future__ import annotations

import sys
from typing import Any

from weatherbot.cli_options import error_message, examples
from weatherbot.errors import OUTAGE_CODES, Interrupted, UsageError

ROOT_EXAMPLES = examples(
    'weatherbot ask "Will it rain in Paris tomorrow?"',
    "weatherbot chat",
    "weatherbot weather Tokyo",
    "weatherbot COMMAND --help        # each command's options and examples",
)
ASK_EXAMPLES = examples(
    'weatherbot ask "Will it rain in Paris tomorrow?"',
    'weatherbot ask -c "and in Lyon?"            # the last conversation',
    'weatherbot ask --stream "Weather in Tokyo?"',
    'weatherbot ask --json "Rain in Oslo?" | jq .answer',
    'echo "Rain in Oslo?" | weatherbot ask -',
    'weatherbot ask --offline "Weather in London?"  # no key, no network',
)
CHAT_EXAMPLES = examples(
    "weatherbot chat                  # a new conversation",
    "weatherbot chat -c               # go on with the last one",
    "weatherbot chat --stream -m qwen2.5",
)


# Open-Meteo's, whatever the weather provider: --provider cannot route round their outages.
AIR_QUALITY_TOOLS = frozenset({"get_air_quality"})
GEOCODING = "geocoding"
# A provider that rejected weatherbot's request or its key failed as surely as one that is down:
# the answer can only say there is no data. A place not found stays exit 0 (the answer says so).
FAILED_CODES = OUTAGE_CODES | {"bad_request", "unauthorized", "internal_error"}


def check_outage(events: list[Any], provider: str | None = None) -> None:
    """Exit 1 (after the answer) when every tool call of the turn failed: the provider was down,
    rejected the request or the key."""
    from weatherbot.errors import ProviderError
    from weatherbot.events import ToolCallFinished

    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    if not finished or any(e.error not in FAILED_CODES for e in finished):
        return
    details = [_detail(e) for e in finished]
    raise ProviderError(
        str(finished[0].error),
        f"every weather lookup failed: {details[0] or finished[0].error}",
        hint=_outage_hint(
            [e.name for e in finished], details, {str(e.error) for e in finished}, provider
        ),
    )


def _detail(event: Any) -> str:
    message = event.value.get("message") if isinstance(event.value, dict) else None
    return str(message or "")


def _outage_hint(
    tools: list[str], details: list[str], codes: set[str], provider: str | None
) -> str:
    """What may help: another weather provider only when the weather provider is what failed."""
    if all(tool in AIR_QUALITY_TOOLS for tool in tools):
        return (
            "Open-Meteo's air-quality service is down (it is used whatever the weather "
            "provider); try again later"
        )
    if all(GEOCODING in detail for detail in details):
        return (
            "Open-Meteo's place search is down (it is used whatever the weather provider); "
            "try again later"
        )
    other = "met-norway" if provider in (None, "open-meteo") else "open-meteo"
    if "unauthorized" in codes:
        return f"check the weather provider's API key, or use another: --provider {other}"
    if codes == {"bad_request"}:
        return f"another weather provider may answer it: --provider {other}"
    return f"try again in a moment, or another weather provider: --provider {other}"


def failure_json(turn: dict[str, Any], exc: BaseException) -> str:
    from weatherbot.render.json_output import build_json, dumps

    # The answer stays when there is one (every tool lookup failed, and the model said so).
    doc = build_json(turn["events"], turn["backend"], turn["model"])
    doc["status"] = "interrupted" if isinstance(exc, KeyboardInterrupt | Interrupted) else "error"
    doc["thread_id"] = doc["thread_id"] or turn["thread_id"]
    doc["error"] = "interrupted" if isinstance(exc, KeyboardInterrupt) else error_message(exc)
    return str(dumps(doc))


def read_question(words: list[str]) -> str:
    """The question from the words given, or from stdin for '-' or none (not a terminal)."""
    if words and words != ["-"]:
        return " ".join(words)
    if not words and sys.stdin.isatty():
        raise UsageError(
            "the question is empty", hint='ask something, e.g. weatherbot ask "Rain in Paris?"'
        )
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            "the question on stdin is not valid UTF-8", hint="convert it to UTF-8 first"
        ) from exc
