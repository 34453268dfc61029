"""Open-Meteo geocoding: qualifiers parsed locally, settlements ranked, ambiguity reported."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers.cache import GEOCODING_TTL_S
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Place
from weatherbot.providers.places import CITY_ALIASES, Qualifier, parse_coordinates, split_qualifier

# A runner-up with at least this share of the leader's population makes a bare name ambiguous.
AMBIGUITY_RATIO = 1 / 3
MAX_CANDIDATES = 5


def _place(result: Mapping[str, Any]) -> Place:
    population = result.get("population")
    return Place(
        name=str(result.get("name", "")),
        latitude=float(result["latitude"]),
        longitude=float(result["longitude"]),
        timezone=str(result.get("timezone") or "UTC"),
        admin1=result.get("admin1"),
        country=result.get("country"),
        country_code=result.get("country_code"),
        population=int(population) if isinstance(population, int | float) else None,
        feature_code=result.get("feature_code"),
    )


def _matches(place: Place, qualifier: Qualifier) -> bool:
    if qualifier.country_code and place.country_code != qualifier.country_code:
        return False
    if qualifier.admin1 and (place.admin1 or "").casefold() != qualifier.admin1.casefold():
        return False
    if qualifier.text:
        wanted = qualifier.text.casefold()
        names = [(place.admin1 or "").casefold(), (place.country or "").casefold()]
        return any(wanted == n or (len(wanted) > 2 and n.startswith(wanted)) for n in names)
    return True


def rank(places: list[Place], qualifier: Qualifier | None) -> list[Place]:
    """Qualifier-matching settlements, most populous first (non-settlements only as a fallback)."""
    if qualifier is not None:
        places = [p for p in places if _matches(p, qualifier)]
    settlements = [p for p in places if (p.feature_code or "").startswith("PPL")]
    chosen = settlements or places
    return sorted(chosen, key=lambda p: p.population or 0, reverse=True)


def choose(query: str, ranked: list[Place], qualifier: Qualifier | None) -> Place:
    """The best place, or ProviderError("ambiguous") when a bare name has no clear winner."""
    if not ranked:
        raise ProviderError(
            "not_found",
            f"no place called {query!r} was found",
            hint="check the spelling or add a country, e.g. 'Paris, France'",
        )
    best = ranked[0]
    if qualifier is None and len(ranked) > 1:
        second = ranked[1]
        distinct = (second.admin1, second.country_code) != (best.admin1, best.country_code)
        if distinct and (second.population or 0) >= (best.population or 0) * AMBIGUITY_RATIO:
            candidates = [p.display_name for p in ranked[:MAX_CANDIDATES]]
            raise ProviderError(
                "ambiguous",
                f"{query!r} could mean several places: " + "; ".join(candidates),
                hint="add a state or country, e.g. 'Springfield, IL'",
                candidates=candidates,
            )
    return best


class OpenMeteoGeocoder:
    """Resolves names with the Open-Meteo geocoding API (`/v1/search`)."""

    def __init__(self, http: HttpClient, base_url: str) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/v1/search"

    def _search(self, name: str, country_code: str | None) -> list[Place]:
        params: dict[str, Any] = {"name": name, "count": 10, "language": "en", "format": "json"}
        if country_code:
            params["countryCode"] = country_code
        data, _age = self.http.get_json(self.url, params, GEOCODING_TTL_S)
        # No match is HTTP 200 with no "results" key at all.
        results = data.get("results") if isinstance(data, dict) else None
        places = []
        for item in results or []:
            try:
                places.append(_place(item))
            except (KeyError, TypeError, ValueError):
                continue
        return places

    def resolve(self, query: str) -> Place:
        """The place `query` stands for."""
        query = " ".join(query.split())
        coords = parse_coordinates(query)
        if coords is not None:
            # The forecast response's own timezone replaces this placeholder.
            return Place(f"{coords[0]:.4f},{coords[1]:.4f}", coords[0], coords[1], "UTC")
        name, qualifier = split_qualifier(CITY_ALIASES.get(query, query))
        name = CITY_ALIASES.get(name, name)
        if not name:
            raise ProviderError("not_found", "no place name given", hint="name a city")
        country = qualifier.country_code if qualifier else None
        places = self._search(name, country)
        if not places and country:
            places = self._search(name, None)
        return choose(query, rank(places, qualifier), qualifier)
