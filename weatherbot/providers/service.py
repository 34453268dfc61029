"""WeatherService: geocoding + forecasts for one question, each distinct request made once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TypeVar

from weatherbot.errors import OUTAGE_CODES, ProviderError
from weatherbot.providers.base import AirQualitySource, Geocoder, Provider
from weatherbot.providers.checks import validated
from weatherbot.providers.models import AirQuality, Forecast, Place
from weatherbot.providers.saved_places import Saved

T = TypeVar("T")

# Failures worth trying the next provider for; "not_found"/"ambiguous" are answers, not outages.
FAILOVER_CODES = OUTAGE_CODES


class _SingleFlight:
    """Concurrent callers asking for the same key share one computation (and its error)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[str, Future[object]] = {}

    def do(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._futures[key] = future
        if owner:
            try:
                future.set_result(compute())
            except BaseException as exc:
                future.set_exception(exc)
        return future.result()  # type: ignore[return-value]

    def put(self, key: str, value: object) -> None:
        """Settle `key` with a value known already (no computation will run for it)."""
        future: Future[object] = Future()
        future.set_result(value)
        with self._lock:
            self._futures.setdefault(key, future)


def _name_key(query: str) -> str:
    return " ".join(query.split()).casefold()


class PlaceChoices:
    """Which place an ambiguous bare name meant, remembered for the rest of a session.

    When "Springfield" was ambiguous and the next question says "Springfield, IL", a later
    plain "Springfield" means Springfield, Illinois again instead of asking once more.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ambiguous: set[str] = set()
        self._chosen: dict[str, str] = {}

    def lookup(self, query: str) -> str | None:
        """The qualified name chosen earlier for a bare name, if any."""
        with self._lock:
            return self._chosen.get(_name_key(query))

    def saw_ambiguous(self, query: str) -> None:
        """Remember that a bare name needed a choice."""
        if "," not in query:
            with self._lock:
                self._ambiguous.add(_name_key(query))

    def resolved(self, query: str) -> None:
        """A qualified name resolved: if its bare part was ambiguous, that is the choice."""
        bare = _name_key(query.split(",", 1)[0])
        if "," in query:
            with self._lock:
                if bare in self._ambiguous:
                    self._chosen[bare] = query


class WeatherService:
    """The weather side of one question: resolve places, fetch forecasts, fail over."""

    def __init__(
        self,
        geocoder: Geocoder,
        providers: Sequence[Provider],
        *,
        wind_unit: str = "auto",
        precipitation_unit: str = "auto",
        choices: PlaceChoices | None = None,
        air: AirQualitySource | None = None,
        saved: Saved | None = None,
    ) -> None:
        if not providers:
            raise ValueError("at least one provider is needed")
        self.geocoder = geocoder
        self.providers = list(providers)
        # Display preferences the tools convert to (values here stay metric).
        self.wind_unit = wind_unit
        self.precipitation_unit = precipitation_unit
        self.choices = choices or PlaceChoices()
        self._places = _SingleFlight()
        self._forecasts = _SingleFlight()
        # None: no air-quality data at all (the offline sample); the tool says so.
        self.air = air
        # The user's saved places ("home"): a name among them needs no geocoding.
        self.saved = saved or Saved()
        self._air = _SingleFlight()
        self.notes: list[str] = []

    @property
    def primary(self) -> Provider:
        """The configured provider (the first one tried)."""
        return self.providers[0]

    def resolve(self, query: str) -> Place:
        """The place a name stands for: a saved place, or the geocoder's (cached per question;
        earlier choices apply)."""
        saved = self.saved.get(query)
        if saved is not None:
            return saved.place
        target = self.choices.lookup(query) or query
        try:
            place = self._places.do(_name_key(target), lambda: self.geocoder.resolve(target))
        except ProviderError as exc:
            if exc.code == "ambiguous":
                self.choices.saw_ambiguous(target)
            raise
        self.choices.resolved(target)
        return place

    def remember(self, query: str, place: Place) -> None:
        """Resolve `query` to `place` without asking the geocoder (the offline planner's
        gazetteer knew it: Open-Meteo's geocoder is GeoNames too, so it is the same place)."""
        self._places.put(_name_key(query), place)

    def forecast(self, place: Place) -> Forecast:
        """The forecast for a place from the first provider that answers."""
        return self._forecasts.do(place.key, lambda: self._forecast_with_failover(place))

    def air_quality(self, place: Place) -> AirQuality:
        """The air quality at a place; ProviderError("unavailable") without a source."""
        source = self.air
        if source is None:
            # Its own code: no such data here (not an outage worth retrying or failing over).
            raise ProviderError(
                "not_available",
                # The hint never reaches an answer (the model or planner quotes the message).
                f"the {self.primary.title} has no air-quality data; without --offline it "
                "comes from Open-Meteo",
                hint="drop --offline to use Open-Meteo's air-quality data",
            )
        return self._air.do(place.key, lambda: source.air_quality(place))

    def _forecast_with_failover(self, place: Place) -> Forecast:
        failures: list[str] = []
        last: ProviderError | None = None
        for provider in self.providers:
            try:
                result = provider.forecast(place)
            except ProviderError as exc:
                if exc.code not in FAILOVER_CODES:
                    raise
                failures.append(f"{provider.title}: {exc.message}")
                last = exc
                continue
            if failures:
                result = _with_note(
                    result, "used " + provider.title + " after " + "; ".join(failures)
                )
            # Built-in providers are checked as they assemble; this covers plug-ins too.
            return validated(result)
        assert last is not None
        if len(failures) == 1:
            raise last
        raise ProviderError(
            "unavailable",
            "no weather data: every provider failed (" + "; ".join(failures) + ")",
            hint="try again later or choose another provider with --provider",
        )


def _with_note(forecast: Forecast, note: str) -> Forecast:
    from dataclasses import replace

    return replace(forecast, notes=(*forecast.notes, note))
