"""Follow-up questions: "and in Lyon?" continues the conversation's earlier questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from weatherbot.offline.intent import AIR_TOPICS, Plan
from weatherbot.offline.planner import plan
from weatherbot.offline.saved import NO_SAVED, SavedNames, with_default

HISTORY_QUESTIONS = 20  # how far back a follow-up looks for its places
# Topics answered for now, not for a day: a follow-up naming a day asks for the forecast.
DAYLESS_TOPICS = AIR_TOPICS | {"alerts", "compare"}


def follow_up(current: Plan, previous: Plan | None) -> Plan:
    """A question that leaves out the place, or says only the place, continues the previous one."""
    if previous is None or not previous.places or current.kind == "social":
        return current
    if current.places and (current.asks_what or current.days.said):
        return current
    merged = replace(current, places=current.places or previous.places, kind="weather")
    merged = replace(merged, unit=current.unit or previous.unit)
    if not current.asks_what and current.days.said and previous.topics <= DAYLESS_TOPICS:
        # "in 12 days?" after the air quality or the alerts: those have no such day, the
        # forecast does.
        merged = replace(merged, topics=frozenset(), asks_what=False, compare=previous.compare)
    elif not current.asks_what:
        merged = replace(
            merged, topics=previous.topics, asks_what=previous.asks_what, compare=previous.compare
        )
    if not current.days.said:
        merged = replace(merged, days=previous.days, hours=previous.hours)
    return merged


def plan_turn(question: str, earlier: Sequence[str] = (), saved: SavedNames = NO_SAVED) -> Plan:
    """The plan for `question`, continuing the `earlier` questions (oldest first) where needed;
    a question with no place to continue asks about the default saved place, if any."""
    previous: Plan | None = None
    for asked in earlier[-HISTORY_QUESTIONS:]:
        step = with_default(follow_up(plan(asked, saved), previous), saved)
        previous = step if step.kind == "weather" else previous
    return with_default(follow_up(plan(question, saved), previous), saved)
