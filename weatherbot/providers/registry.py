"""Providers by name (plus the `weatherbot.providers` entry points) and the per-question service."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib.metadata import entry_points

from weatherbot.errors import ConfigError
from weatherbot.providers.base import Provider
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.http import HttpClient
from weatherbot.providers.service import WeatherService
from weatherbot.settings import Settings

ProviderFactory = Callable[[Settings, HttpClient], Provider]
ENTRY_POINT_GROUP = "weatherbot.providers"


def _open_meteo(settings: Settings, http: HttpClient) -> Provider:
    from weatherbot.providers.open_meteo import OpenMeteoProvider

    return OpenMeteoProvider(http, settings.open_meteo_url)


def _sample(settings: Settings, http: HttpClient) -> Provider:
    from weatherbot.providers.sample import SampleProvider

    return SampleProvider()


PROVIDERS: dict[str, ProviderFactory] = {"open-meteo": _open_meteo, "sample": _sample}


def _all_providers() -> dict[str, ProviderFactory]:
    found = dict(PROVIDERS)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.load())
    return found


def provider_names() -> list[str]:
    """Every provider name weatherbot knows, built-in and installed."""
    return sorted(_all_providers())


def build_service(
    settings: Settings,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> WeatherService:
    """The weather service for one question: geocoder + configured provider + fallbacks."""
    names = [settings.provider, *[p for p in settings.fallback_providers if p != settings.provider]]
    if settings.provider == "sample":
        from weatherbot.providers.sample import SampleGeocoder, SampleProvider

        return WeatherService(SampleGeocoder(), [SampleProvider()])
    known = PROVIDERS if all(n in PROVIDERS for n in names) else _all_providers()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            f"unknown weather provider {unknown[0]!r}",
            hint="choose one of: " + ", ".join(sorted(known)),
        )
    cache = DiskCache(settings.cache_dir, clock=clock)

    def http(title: str) -> HttpClient:
        return HttpClient(
            title, cache, contact=settings.contact, refresh=settings.refresh, sleep=sleep
        )

    from weatherbot.providers.geocoding import OpenMeteoGeocoder

    geocoder = OpenMeteoGeocoder(http("Open-Meteo geocoding"), settings.open_meteo_geocoding_url)
    providers = [known[n](settings, http(n)) for n in names]
    return WeatherService(geocoder, providers)
