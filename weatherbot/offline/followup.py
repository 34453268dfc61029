"""Follow-up questions: "and in Lyon?" continues the conversation's earlier questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from weatherbot.offline.intent import Plan
from weatherbot.offline.planner import plan

HISTORY_QUESTIONS = 20  # how far back a follow-up looks for its places


def follow_up(current: Plan, previous: Plan | None) -> Plan:
    """A question that leaves out the place, or says only the place, continues the previous one."""
    if previous is None or not previous.places:
        return current
    if current.places and (current.asks_what or current.asks_when):
        return current
    merged = replace(current, places=current.places or previous.places)
    merged = replace(merged, unit=current.unit or previous.unit)
    if not current.asks_what:
        merged = replace(
            merged,
            wants_temperature=previous.wants_temperature,
            wants_rain=previous.wants_rain,
            asks_what=previous.asks_what,
        )
    if not current.asks_when:
        merged = replace(
            merged,
            when=previous.when,
            days=previous.days,
            first_day=previous.first_day,
            weekdays=previous.weekdays,
            asks_when=previous.asks_when,
        )
    return merged


def plan_turn(question: str, earlier: Sequence[str] = ()) -> Plan:
    """The plan for `question`, continuing the `earlier` questions (oldest first) where needed."""
    previous: Plan | None = None
    for asked in earlier[-HISTORY_QUESTIONS:]:
        previous = follow_up(plan(asked), previous)
    return follow_up(plan(question), previous)
