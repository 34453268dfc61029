"""Providers by name (plus the `weatherbot.providers` entry points) and the per-question service."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from weatherbot.errors import ConfigError
from weatherbot.providers.base import Provider
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.http import HttpClient, Sleep
from weatherbot.providers.saved_places import Saved, SavedPlacesFile
from weatherbot.providers.service import PlaceChoices, WeatherService
from weatherbot.settings import FLAG, Settings

ENTRY_POINT_GROUP = "weatherbot.providers"
# How long one request of a quick service (`now`) may take: a prompt waits for it, but a slow
# network (4 s answers) must still get one through.
QUICK_S = 5.0
SAMPLE = "sample"


@dataclass(frozen=True)
class HttpFactory:
    """Makes a provider's HttpClient (`http_factory("Title")`) and carries the shared cache.

    Third-party providers get one of these, so they send the same User-Agent, retry the same
    way and can cache under the user's cache directory.
    """

    cache: DiskCache
    contact: str | None = None
    sleep: Sleep = time.sleep
    # One short try per request (`now`); None/default: the usual retries and timeouts.
    quick: bool = False

    def __call__(self, title: str) -> HttpClient:
        """An HttpClient that names the provider `title` in its messages."""
        if self.quick:
            return HttpClient(
                title, contact=self.contact, sleep=self.sleep, attempts=1, timeout_s=QUICK_S
            )
        return HttpClient(title, contact=self.contact, sleep=self.sleep)


ProviderFactory = Callable[[Settings, HttpFactory], Provider]


def _open_meteo(settings: Settings, http_factory: HttpFactory) -> Provider:
    from weatherbot.providers.open_meteo import OpenMeteoProvider

    return OpenMeteoProvider(
        http_factory("Open-Meteo"), http_factory.cache, settings.open_meteo_url
    )


def _sample(settings: Settings, http_factory: HttpFactory) -> Provider:
    from weatherbot.providers.sample import SampleProvider

    return SampleProvider()


def _met_norway(settings: Settings, http_factory: HttpFactory) -> Provider:
    from weatherbot.providers.met_norway import DEFAULT_URL, TITLE, MetNorwayProvider

    url = settings.provider_urls.get("met_norway", DEFAULT_URL)
    return MetNorwayProvider(http_factory(TITLE), http_factory.cache, url)


def _nws(settings: Settings, http_factory: HttpFactory) -> Provider:
    from weatherbot.providers.nws import DEFAULT_URL, TITLE, NwsProvider

    url = settings.provider_urls.get("nws", DEFAULT_URL)
    return NwsProvider(http_factory(TITLE), http_factory.cache, url)


def _openweathermap(settings: Settings, http_factory: HttpFactory) -> Provider:
    from weatherbot.providers import openweathermap as owm

    key = owm.require_key(settings.provider_keys.get("openweathermap"))
    url = settings.provider_urls.get("openweathermap", owm.DEFAULT_URL)
    return owm.OpenWeatherMapProvider(http_factory(owm.TITLE), http_factory.cache, key, url)


def _weatherapi(settings: Settings, http_factory: HttpFactory) -> Provider:
    from weatherbot.providers import weatherapi as wa

    key = wa.require_key(settings.provider_keys.get("weatherapi"))
    url = settings.provider_urls.get("weatherapi", wa.DEFAULT_URL)
    return wa.WeatherApiProvider(http_factory(wa.TITLE), http_factory.cache, key, url)


PROVIDERS: dict[str, ProviderFactory] = {
    "open-meteo": _open_meteo,
    "met-norway": _met_norway,
    "nws": _nws,
    "openweathermap": _openweathermap,
    "weatherapi": _weatherapi,
    SAMPLE: _sample,
}


def _plugins() -> dict[str, EntryPoint]:
    # Listed without loading: a broken plugin only matters when someone picks it.
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def provider_names() -> list[str]:
    """Every provider name weatherbot knows, built-in and installed."""
    return sorted(set(PROVIDERS) | set(_plugins()))


def _named_in(settings: Settings, name: str) -> str:
    """Where a provider name came from, for its error: ' in FILE', ' from VARIABLE', the flag."""
    if name != settings.provider:
        return settings.where("WEATHERBOT_FALLBACK_PROVIDERS")
    if settings.sources.get("WEATHERBOT_PROVIDER") == FLAG:
        return " given to --provider"
    return settings.where("WEATHERBOT_PROVIDER")


def _unknown(name: str, where: str) -> ConfigError:
    import difflib

    known = provider_names()
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    nearest = f"did you mean {close[0]!r}? " if close else ""
    return ConfigError(
        f"unknown weather provider {name!r}{where}",
        hint=f"{nearest}choose one of: " + ", ".join(known),
    )


def _factory(name: str, plugins: dict[str, EntryPoint], where: str = "") -> ProviderFactory:
    if name in PROVIDERS:
        return PROVIDERS[name]
    entry = plugins.get(name)
    if entry is None:
        raise _unknown(name, where)
    try:
        loaded = entry.load()
    except Exception as exc:  # any import error in someone else's package
        raise ConfigError(
            f"the weather provider plugin {name!r} failed to load: {exc}",
            hint="reinstall the package that provides it, or choose another provider",
        ) from exc
    if not callable(loaded):
        raise ConfigError(f"the weather provider plugin {name!r} is not a provider factory")
    factory: ProviderFactory = loaded
    return factory


def build_service(
    settings: Settings,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.time,
    choices: PlaceChoices | None = None,
    on_warning: Callable[[str], None] | None = None,
    quick: bool = False,
    cache: DiskCache | None = None,
    saved: Saved | None = None,
) -> WeatherService:
    """The weather service for one question: geocoder + configured provider + fallbacks.

    Cheap to call per question: HTTP connection pools are shared per process. `quick`: one
    short try per request (`now`). `cache`: this one instead of the settings' (`now` passes
    one that lets old answers stand in, and reads whether they did). `saved`: the saved
    places when the caller has read them already (else places.json is read here).
    """
    if saved is None:
        saved = saved_places(settings, on_warning)
    if settings.provider == SAMPLE:
        # Recorded data only: no HTTP client, no cache, no socket.
        from weatherbot.providers.sample import SampleGeocoder, SampleProvider

        return WeatherService(
            SampleGeocoder(),
            [SampleProvider()],
            choices=choices,
            saved=saved,
            wind_unit=settings.wind_unit,
            precipitation_unit=settings.precipitation_unit,
        )
    names = list(dict.fromkeys([settings.provider, *settings.fallback_providers]))
    plugins = {} if all(n in PROVIDERS for n in names) else _plugins()
    factories = [_factory(name, plugins, _named_in(settings, name)) for name in names]
    cache = cache or DiskCache(settings.cache_dir, clock, refresh=settings.refresh)
    http_factory = HttpFactory(cache, settings.contact, sleep, quick=quick)

    from weatherbot.providers.air_quality import TITLE, OpenMeteoAirQuality
    from weatherbot.providers.geocoding import OpenMeteoGeocoder

    geocoder = OpenMeteoGeocoder(
        http_factory("Open-Meteo geocoding"), cache, settings.open_meteo_geocoding_url
    )
    air = OpenMeteoAirQuality(http_factory(TITLE), cache, settings.open_meteo_air_quality_url)
    return WeatherService(
        geocoder,
        [factory(settings, http_factory) for factory in factories],
        choices=choices,
        air=air,
        saved=saved,
        wind_unit=settings.wind_unit,
        precipitation_unit=settings.precipitation_unit,
    )


def saved_places(settings: Settings, on_warning: Callable[[str], None] | None = None) -> Saved:
    """The user's saved places (none when WEATHERBOT_HOME has no places.json)."""
    return SavedPlacesFile(settings.home, on_warning=on_warning).load()
