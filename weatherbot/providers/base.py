"""The provider and geocoder protocols, and the registry of providers by name."""

from __future__ import annotations

from typing import Protocol

from weatherbot.providers.models import AirQuality, Forecast, Place


class Geocoder(Protocol):
    """Turns a place name (or "lat,lon") into a Place, or raises ProviderError."""

    def resolve(self, query: str) -> Place:
        """The single best place; ProviderError(code="not_found"|"ambiguous"|...) otherwise."""
        ...


class Provider(Protocol):
    """A weather data source for resolved places."""

    name: str
    title: str

    def forecast(self, place: Place) -> Forecast:
        """Current conditions and daily forecast for a place; ProviderError on failure."""
        ...


class AirQualitySource(Protocol):
    """Air quality for resolved places (Open-Meteo's air-quality API)."""

    title: str

    def air_quality(self, place: Place) -> AirQuality:
        """Readings now and the hours ahead; ProviderError on failure."""
        ...
