"""What `ask` needs besides its command: its help examples, and how a turn's failure reads.

`check_outage` makes a turn whose every tool call failed with an outage exit 1 (after the
answer), as `weather` does for the same outage; `failure_json` is the one object `ask --json`
prints for any failure.
"""

from __future__ import annotations

from typing import Any

from weatherbot.cli_options import error_message, examples
from weatherbot.errors import Interrupted

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


def check_outage(events: list[Any]) -> None:
    """Exit 1 (after the answer) when every tool call of the turn failed with an outage."""
    from weatherbot.errors import OUTAGE_CODES, ProviderError
    from weatherbot.events import ToolCallFinished

    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    if not finished or any(e.error not in OUTAGE_CODES for e in finished):
        return
    first = finished[0]
    detail = first.value.get("message") if isinstance(first.value, dict) else None
    raise ProviderError(
        str(first.error),
        f"every weather lookup failed: {detail or first.error}",
        hint="try again in a moment, or choose another provider with --provider",
    )


def failure_json(turn: dict[str, Any], exc: BaseException) -> str:
    from weatherbot.render.json_output import build_json, dumps

    # The answer stays when there is one (every tool lookup failed, and the model said so).
    doc = build_json(turn["events"], turn["backend"], turn["model"])
    doc["status"] = "interrupted" if isinstance(exc, KeyboardInterrupt | Interrupted) else "error"
    doc["thread_id"] = doc["thread_id"] or turn["thread_id"]
    doc["error"] = "interrupted" if isinstance(exc, KeyboardInterrupt) else error_message(exc)
    return str(dumps(doc))
