"""Geocoding against recorded Open-Meteo search responses served over loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.weather_server import FakeWeather
from tests.providers.conftest import recording
from weatherbot.errors import ProviderError
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.geocoding import OpenMeteoGeocoder, choose, place_from_result, rank
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Place


@pytest.fixture
def geocoder(fake_weather: FakeWeather, http: HttpClient) -> OpenMeteoGeocoder:
    return OpenMeteoGeocoder(http, None, fake_weather.base_url)


@pytest.mark.parametrize(
    ("query", "expected", "country_code"),
    [
        ("San Francisco", "San Francisco, California, United States", "US"),
        ("San Francisco, CA", "San Francisco, California, United States", "US"),
        ("san francisco,california", "San Francisco, California, United States", "US"),
        ("旧金山", "San Francisco, California, United States", "US"),
        ("London", "London, England, United Kingdom", "GB"),  # 8.9M vs 0.35M: not ambiguous
        ("London, UK", "London, England, United Kingdom", "GB"),
        ("伦敦", "London, England, United Kingdom", "GB"),
        ("London, Ontario", "London, Ontario, Canada", "CA"),
        ("London, ON", "London, Ontario, Canada", "CA"),
        ("London, KY", "London, Kentucky, United States", "US"),
        ("London, Ohio", "London, Ohio, United States", "US"),
        ("Enschede", "Enschede, Overijssel, The Netherlands", "NL"),  # the airport is skipped
        ("New York, NY", "New York, United States", "US"),
    ],
)
def test_resolves_as_a_person_expects(
    geocoder: OpenMeteoGeocoder, query: str, expected: str, country_code: str
) -> None:
    place = geocoder.resolve(query)
    assert (place.display_name, place.country_code) == (expected, country_code)


def test_qualifier_is_parsed_locally_not_sent(
    geocoder: OpenMeteoGeocoder, fake_weather: FakeWeather
) -> None:
    # Servers before mid-2026 answered "London, UK" with nothing (recorded 2026-05-24).
    geocoder.resolve("London, UK")
    (request,) = fake_weather.server.requests
    assert request.query["name"] == "London"
    assert request.query["countryCode"] == "GB"
    assert (request.query["count"], request.query["language"]) == ("10", "en")


def test_state_abbreviation_falls_back_to_the_country_reading(
    geocoder: OpenMeteoGeocoder, fake_weather: FakeWeather
) -> None:
    # "CA" is California first; no London there, so it is read as Canada.
    assert geocoder.resolve("London, CA").display_name == "London, Ontario, Canada"
    assert [r.query.get("countryCode") for r in fake_weather.server.requests] == ["US", "CA"]


def test_unknown_place_is_not_found(geocoder: OpenMeteoGeocoder) -> None:
    # The recorded no-match body has no "results" key at all.
    with pytest.raises(ProviderError) as info:
        geocoder.resolve("Atlantis")
    assert info.value.code == "not_found"
    assert info.value.message == "no place called 'Atlantis' was found"
    assert info.value.hint == "check the spelling or add a country, e.g. 'Paris, France'"


@pytest.mark.parametrize("query", ["San Francisco, TX", "London, Narnia"])
def test_qualifier_that_matches_nothing_is_not_found(
    geocoder: OpenMeteoGeocoder, query: str
) -> None:
    with pytest.raises(ProviderError) as info:
        geocoder.resolve(query)
    assert info.value.code == "not_found"


def test_unknown_qualifier_matches_admin1_or_country_text(geocoder: OpenMeteoGeocoder) -> None:
    assert geocoder.resolve("San Francisco, Argentina").country_code == "AR"
    assert geocoder.resolve("San Francisco, Morazan").country_code == "SV"
    assert geocoder.resolve("San Francisco, Calif").admin1 == "California"


def test_missing_optional_fields_do_not_crash(geocoder: OpenMeteoGeocoder) -> None:
    # Only non-settlements (continent, island, cape), some without country or population.
    place = geocoder.resolve("Atlantic")
    assert place.name == "Antarctica" and place.country is None
    places = [
        place_from_result(r)
        for r in recording("search_missing_optional_fields_python-open-meteo.json")["results"]
    ]
    assert places[1].name == "Île MacMurdo" and places[1].population is None
    assert places[2].display_name == "Atlantic Point, Maine, United States"


def test_coordinates_are_taken_as_they_are(
    geocoder: OpenMeteoGeocoder, fake_weather: FakeWeather
) -> None:
    place = geocoder.resolve("48.85, 2.35")
    assert (place.name, place.latitude, place.longitude) == ("48.8500,2.3500", 48.85, 2.35)
    assert fake_weather.searches() == 0


def _springfield(admin1: str, population: int | None) -> Place:
    return Place(
        "Springfield",
        0.0,
        0.0,
        "America/Chicago",
        admin1,
        "United States",
        "US",
        population,
        "PPLA2",
    )


def test_comparable_candidates_are_ambiguous() -> None:
    springfields = [
        _springfield("Illinois", 116250),
        _springfield("Missouri", 169176),
        _springfield("Massachusetts", 155929),
    ]
    with pytest.raises(ProviderError) as info:
        choose("Springfield", rank(springfields, None), None)
    assert info.value.code == "ambiguous"
    assert info.value.candidates == [
        "Springfield, Missouri, United States",
        "Springfield, Massachusetts, United States",
        "Springfield, Illinois, United States",
    ]


def test_a_clear_winner_or_unknown_populations_are_not_ambiguous() -> None:
    clear = [_springfield("Illinois", 116250), _springfield("Ohio", 20000)]
    assert choose("Springfield", rank(clear, None), None).admin1 == "Illinois"
    unknown = [_springfield("Illinois", None), _springfield("Ohio", None)]
    assert choose("Springfield", rank(unknown, None), None).admin1 == "Illinois"


def test_search_results_are_cached(
    fake_weather: FakeWeather, http: HttpClient, tmp_path: Path
) -> None:
    geocoder = OpenMeteoGeocoder(http, DiskCache(tmp_path), fake_weather.base_url)
    geocoder.resolve("San Francisco")
    geocoder.resolve("San Francisco")
    assert fake_weather.searches() == 1
