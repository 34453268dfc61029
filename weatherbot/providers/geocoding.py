"""Open-Meteo geocoding: qualifiers parsed locally, settlements ranked, ambiguity reported."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers.assembly import number, whole
from weatherbot.providers.cache import GEOCODING_TTL_S, DiskCache, request_key
from weatherbot.providers.checks import usable_place
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Place
from weatherbot.providers.places import (
    CITY_ALIASES,
    Qualifier,
    parse_coordinates,
    qualifier_readings,
    split_query,
)

SEARCH_PATH = "/v1/search"
# Placeholder zone for "lat,lon" queries: the forecast response's own zone (timezone=auto) wins.
COORDINATES_TIMEZONE = "UTC"

# A runner-up with at least this share of the leader's population makes a bare name ambiguous.
AMBIGUITY_RATIO = 1 / 3
MAX_CANDIDATES = 5


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def place_from_result(result: Mapping[str, Any]) -> Place:
    """A Place from one geocoding result; every field but name/lat/lon may be missing.

    Its names are plain text, capped (checks.py): a geocoder entry anyone can edit must not
    bring escape sequences or a page of instructions along. ValueError when the result is no
    usable place: no name, or coordinates that are NaN, infinite or off the globe.
    """
    latitude, longitude = number(result["latitude"]), number(result["longitude"])
    if latitude is None or longitude is None:
        raise ValueError("a geocoding result without coordinates")
    return usable_place(
        Place(
            name=str(result["name"]),
            latitude=latitude,
            longitude=longitude,
            timezone=_text(result.get("timezone")) or "UTC",
            admin1=_text(result.get("admin1")),
            country=_text(result.get("country")),
            country_code=_text(result.get("country_code")),
            population=whole(result.get("population")),
            feature_code=_text(result.get("feature_code")),
        )
    )


def _matches(place: Place, qualifier: Qualifier) -> bool:
    if qualifier.country_code and place.country_code != qualifier.country_code:
        return False
    if qualifier.admin1 and (place.admin1 or "").casefold() != qualifier.admin1.casefold():
        return False
    if qualifier.text:
        wanted = _fold(qualifier.text)
        if len(wanted) < 3:
            return wanted in (_fold(place.admin1 or ""), _fold(place.country or ""))
        # A word prefix: "Calif" finds California, "Morazan" "Departamento de Morazán".
        pattern = re.compile(r"\b" + re.escape(wanted))
        return any(pattern.search(_fold(n or "")) for n in (place.admin1, place.country))
    return True


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, as the geocoder itself matches."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def rank(places: list[Place], qualifier: Qualifier | None) -> list[Place]:
    """Qualifier-matching settlements, most populous first (non-settlements only as a fallback)."""
    if qualifier is not None:
        places = [p for p in places if _matches(p, qualifier)]
    settlements = [p for p in places if (p.feature_code or "").startswith("PPL")]
    chosen = settlements or places
    return sorted(chosen, key=lambda p: p.population or 0, reverse=True)


def not_found(query: str) -> ProviderError:
    """The error for a name the geocoder does not know."""
    return ProviderError(
        "not_found",
        f"no place called {query!r} was found",
        hint="check the spelling or add a country, e.g. 'Paris, France'",
    )


def choose(query: str, ranked: list[Place], qualifier: Qualifier | None) -> Place:
    """The best place, or ProviderError("ambiguous") when a bare name has no clear winner."""
    if not ranked:
        raise not_found(query)
    best = ranked[0]
    if qualifier is None and len(ranked) > 1 and best.population:
        # Without populations there is nothing to compare: trust the geocoder's own order.
        second = ranked[1]
        distinct = (second.admin1, second.country_code) != (best.admin1, best.country_code)
        if distinct and (second.population or 0) >= best.population * AMBIGUITY_RATIO:
            candidates = list(dict.fromkeys(p.display_name for p in ranked))[:MAX_CANDIDATES]
            raise ProviderError(
                "ambiguous",
                f"{query!r} could mean several places: " + "; ".join(candidates),
                hint="add a state or country, e.g. 'Springfield, IL'",
                candidates=candidates,
            )
    return best


class OpenMeteoGeocoder:
    """Resolves names with the Open-Meteo geocoding API (`/v1/search`).

    "City, ST" / "City, Country" qualifiers are parsed here and sent as `countryCode` plus a
    local filter: servers before mid-2026 returned nothing for "London, UK".
    """

    def __init__(self, http: HttpClient, cache: DiskCache | None, base_url: str) -> None:
        self.http = http
        self.cache = cache
        self.url = base_url.rstrip("/") + SEARCH_PATH

    def _search(self, name: str, country_code: str | None) -> list[Place]:
        params: dict[str, Any] = {"name": name, "count": 10, "language": "en", "format": "json"}
        if country_code:
            params["countryCode"] = country_code
        if self.cache is None:
            data = self.http.get_json(self.url, params)
        else:
            key = request_key(self.url, params)
            data, _age = self.cache.fetch(
                key, GEOCODING_TTL_S, lambda: self.http.get_json(self.url, params)
            )
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", "Open-Meteo geocoding sent a malformed response")
        # No match is HTTP 200 with no "results" key at all (not an empty list).
        results = data.get("results") or []
        places = []
        for item in results if isinstance(results, list) else []:
            try:
                places.append(place_from_result(item))
            except (KeyError, TypeError, ValueError):
                continue  # one broken or impossible entry must not hide the others
        return places

    def resolve(self, query: str) -> Place:
        """The place `query` stands for."""
        query = " ".join(query.split())
        coords = parse_coordinates(query)
        if coords is not None:
            lat, lon = coords
            return Place(f"{lat:.4f},{lon:.4f}", lat, lon, COORDINATES_TIMEZONE)
        name, raw = split_query(CITY_ALIASES.get(query, query))
        name = CITY_ALIASES.get(name, name)
        if not name:
            raise ProviderError("not_found", "no place name given", hint="name a city")
        readings: list[Qualifier | None] = [None]
        if raw is not None:
            readings = [*qualifier_readings(raw)] or [Qualifier(None, None, text=raw)]
        # "GA" is Georgia the state first; only if that finds nothing is it Gabon.
        for qualifier in readings:
            ranked = rank(
                self._search(name, qualifier.country_code if qualifier else None), qualifier
            )
            if ranked:
                return choose(query, ranked, qualifier)
        raise not_found(query)
