"""What the keyed JSON providers (OpenWeatherMap, WeatherAPI.com) share.

The key is sent in one query parameter and nowhere else: not in cache keys (cache files), not
in messages. Both APIs describe failures in an error object of their own, sometimes with HTTP
200, so every answer is read for one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from weatherbot.errors import ConfigError, ProviderError
from weatherbot.providers.assembly import checked_forecast
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, cached, request_key
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Forecast, Place
from weatherbot.settings import Secret

if TYPE_CHECKING:
    import httpx2


def require_key(key: Secret | None, provider: str, hint: str) -> Secret:
    """The configured key, or a ConfigError (exit 2) with `hint` naming the variable to set."""
    if not key:
        raise ConfigError(f"the {provider} provider needs an API key", hint=hint)
    return key


class KeyedProvider(ABC):
    """One cached GET per place with the key added only when sending; subclasses parse."""

    name: str
    title: str
    default_url: str
    path: str
    key_param: str
    # The provider module's own functions, as staticmethods: its error-object reader (for HTTP
    # errors and for 200s that carry one) and its body parser.
    read_error: Callable[[int, Any], ProviderError | None]
    parse: Callable[[Mapping[str, Any], Place, str], Forecast]

    def __init__(
        self, http: HttpClient, cache: DiskCache | None, key: Secret, base_url: str | None = None
    ) -> None:
        self.http = http
        self.cache = cache
        self._key = key
        self.url = (base_url or self.default_url).rstrip("/") + self.path

    @abstractmethod
    def params(self, place: Place) -> dict[str, str | int]:
        """The query without the key."""

    def _on_error(self, response: httpx2.Response) -> ProviderError | None:
        try:
            body = response.json()
        except (ValueError, RecursionError):
            return None
        return self.read_error(response.status_code, body)

    def _fetch(self, params: Mapping[str, str | int]) -> Any:
        query = {**params, self.key_param: self._key.reveal()}
        data = self.http.get_json(self.url, query, on_error=self._on_error)
        error = self.read_error(200, data)
        if error is not None:
            raise error
        return data

    def forecast(self, place: Place) -> Forecast:
        """The parsed forecast, from the cache when fresh (`cache_age_s` then set)."""
        params = self.params(place)
        data, age = cached(
            self.cache, request_key(self.url, params), FORECAST_TTL_S, lambda: self._fetch(params)
        )
        return checked_forecast(
            self.title, data, age, lambda body: self.parse(body, place, self.title)
        )
