"""In-test weather for backend tests: fixed places and a provider with fixed numbers.

The real providers are tested on recorded responses in tests/providers; backend tests only
need tool outputs with known numbers to find again in the answer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from weatherbot.errors import ProviderError
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.providers.service import WeatherService
from weatherbot.tools.weather import ToolContext

SAN_FRANCISCO = Place(
    "San Francisco", 37.77493, -122.41942, "America/Los_Angeles", "California", "United States"
)
LONDON = Place("London", 51.50853, -0.12574, "Europe/London", "England", "United Kingdom")


class StubGeocoder:
    """Knows the given places by (lower-case) name; anything else is not found."""

    def __init__(self, *places: Place) -> None:
        self.places = {p.name.lower(): p for p in places}

    def resolve(self, query: str) -> Place:
        for name, place in self.places.items():
            if name in query.lower():
                return place
        raise ProviderError("not_found", f"no place called {query!r}")


class StubProvider:
    """The same numbers wherever: temperature now and today's rain chance, high, low, amount."""

    name = "stub"
    title = "Stub Weather"

    def __init__(self, temperature_c: float, day: tuple[float, float, float, float]) -> None:
        self.temperature_c = temperature_c
        self.high, self.low, self.rain_pct, self.amount_mm = day

    def forecast(self, place: Place) -> Forecast:
        today = date(2026, 11, 23)
        now = datetime(2026, 11, 23, 12, tzinfo=UTC)
        return Forecast(
            place=place,
            source=self.name,
            timezone=place.timezone,
            today=today,
            fetched_at=now,
            current=Current(now, self.temperature_c),
            daily=(Day(today, self.high, self.low, self.rain_pct, self.amount_mm),),
        )


def stub_context(
    temperature_c: float = 14.0,
    day: tuple[float, float, float, float] = (16.0, 9.0, 20.0, 0.1),
    places: tuple[Place, ...] = (SAN_FRANCISCO,),
) -> ToolContext:
    """A tool context on the stubs: by default San Francisco, 14.0 °C and 20 % rain."""
    return ToolContext(WeatherService(StubGeocoder(*places), [StubProvider(temperature_c, day)]))
