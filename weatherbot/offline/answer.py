"""The whole offline answer: the places' blocks, notes, comparisons, advice and sources; and
the short replies that need no tool (no place, thanks, hello)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from weatherbot.errors import OUTAGE_CODES
from weatherbot.offline import advice
from weatherbot.offline.catalogue import N_
from weatherbot.offline.hours_answer import hours_block
from weatherbot.offline.intent import Plan
from weatherbot.offline.matching import fold
from weatherbot.offline.outputs import Output, parse
from weatherbot.offline.provenance import provenance as provenance_lines
from weatherbot.offline.writer import Writer
from weatherbot.text_safety import markdown_literal
from weatherbot.tools.execute import ToolResult

EXAMPLE = N_('e.g. "Will it rain in London tomorrow?"')
NO_PLACE = N_("Which place do you mean? Ask again with a city, {example}")
TOO_MANY_PLACES = N_("I looked up the first {n} places only; ask again for the others.")
SOCIAL = {
    "greeting": N_("Hello! Ask me about the weather anywhere, {example}"),
    "thanks": N_("You're welcome! Ask me about the weather any time."),
    "other": N_("I can only help with the weather. Ask me, {example}"),
}


def social_answer(plan: Plan) -> str:
    """A short reply to a greeting, thanks or a question that is not about the weather."""
    writer = Writer(plan)
    return writer._(SOCIAL[plan.social or "other"], example=writer._(EXAMPLE))


def no_place_answer(plan: Plan) -> str:
    """The question back when a weather question names no place."""
    writer = Writer(plan)
    return writer._(NO_PLACE, example=writer._(EXAMPLE))


def too_many_places(plan: Plan, n: int) -> str:
    """The note when a question names more places than one turn looks up."""
    return Writer(plan)._(TOO_MANY_PLACES, n=n)


def write_answer(
    turn: Plan,
    places: Sequence[str],
    results: Sequence[ToolResult],
    owners: Mapping[str, int],
    guesses: Sequence[tuple[str, str]] = (),
    typed: Sequence[str] = (),
) -> str:
    """The answer from the tool results: one block per place, comparisons, advice, sources.

    `guesses` are (what was typed, the place it was read as) for misspelled names; `typed`
    the places as the question wrote them ("Lisboa", "伦敦"), which comparisons use.
    """
    writer = Writer(turn)
    grouped: list[list[Output]] = [[] for _ in places]
    for result in results:
        grouped[owners[result.call_id]].append(parse(result))
    blocks: list[str] = []
    per_place: list[tuple[str, Sequence[Output]]] = []
    several = len(places) > 1
    queries = [markdown_literal(place) for place in places]  # the user's words, shown as typed
    for query, outputs in zip(queries, grouped, strict=True):
        # The air tool's outages are answered in its line (the service named), not as a failed
        # lookup of the place; so is an hour out of the forecast's range.
        lookups = [
            o
            for o in outputs
            if (o.name, o.error) != ("get_hourly_forecast", "out_of_range")
            and not (o.name == "get_air_quality" and o.error in OUTAGE_CODES)
        ]
        failure = writer.failure(query, lookups, several) if lookups else None
        if failure is not None:
            blocks.append(failure)
            continue
        location = next((str(o.data["location"]) for o in outputs if o.data.get("location")), query)
        per_place.append((location, outputs))
        # The name as typed only where it is another name ("Lisboa"), not another case ("oslo").
        as_typed = typed[len(per_place) - 1] if len(typed) == len(places) else ""
        if as_typed and fold(as_typed) != fold(location.split(",")[0]):
            writer.short_names[location] = markdown_literal(as_typed)
        own_blocks = ("get_forecast", "get_hourly_forecast")
        others = [o for o in outputs if o.name not in own_blocks]
        if others:
            blocks.append(writer.today(location, others))
        for out in outputs:
            if out.name == "get_forecast":
                blocks.append(writer.forecast(location, out))
            elif out.name == "get_hourly_forecast":
                blocks.append(hours_block(writer, location, out))
    for typed, place in guesses:
        blocks.append(
            writer._(
                N_("I read '{typed}' as {place}; name it another way if you meant another place."),
                typed=markdown_literal(typed),
                place=markdown_literal(place),
            )
        )
    beyond = writer.beyond([o for _, outs in per_place for o in outs])
    if beyond:
        blocks.insert(0, beyond)  # before the days shown, so they read as the furthest ones
    blocks += advice.lines(writer, per_place)
    provenance = provenance_lines(writer, per_place)
    if provenance:
        blocks.append("\n".join(provenance))
    return "\n\n".join(blocks)
