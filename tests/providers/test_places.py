"""Qualifier and coordinate parsing, no I/O."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weatherbot.providers.places import (
    CITY_ALIASES,
    Qualifier,
    lookup_qualifier,
    parse_coordinates,
    qualifier_readings,
    split_qualifier,
    uses_fahrenheit,
)


@pytest.mark.parametrize(
    ("query", "name", "qualifier"),
    [
        ("New York, NY", "New York", Qualifier("US", "New York")),
        ("San Francisco, CA", "San Francisco", Qualifier("US", "California")),
        ("Paris, TX", "Paris", Qualifier("US", "Texas")),
        ("Paris, France", "Paris", Qualifier("FR", None)),
        ("Paris, FR", "Paris", Qualifier("FR", None)),
        ("London, UK", "London", Qualifier("GB", None)),
        ("London, Ontario", "London", Qualifier("CA", "Ontario")),
        ("Portland, Oregon", "Portland", Qualifier("US", "Oregon")),
        ("Athens, GA", "Athens", Qualifier("US", "Georgia")),  # a state, not Gabon
        ("Springfield", "Springfield", None),
        ("Springfield, Narnia", "Springfield", Qualifier(None, None, text="Narnia")),
        ("Los Angeles, CA, USA", "Los Angeles", Qualifier("US", "California")),
        ("Sydney, NSW", "Sydney", Qualifier("AU", "New South Wales")),
        ("Berlin, Germany", "Berlin", Qualifier("DE", None)),
        ("Manchester, England", "Manchester", Qualifier("GB", None)),
        ("伦敦，英国", "伦敦", Qualifier(None, None, text="英国")),  # full-width comma
        ("Paris,", "Paris", None),
    ],
)
def test_split_qualifier(query: str, name: str, qualifier: Qualifier | None) -> None:
    assert split_qualifier(query) == (name, qualifier)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TX", Qualifier("US", "Texas")),
        ("tx", Qualifier("US", "Texas")),
        ("Texas", Qualifier("US", "Texas")),
        # Clashes: the US state wins, as Open-Meteo documents for admin1 abbreviations.
        ("CA", Qualifier("US", "California")),
        ("DE", Qualifier("US", "Delaware")),
        ("IN", Qualifier("US", "Indiana")),
        ("ME", Qualifier("US", "Maine")),
        ("AL", Qualifier("US", "Alabama")),
        ("QC", Qualifier("CA", "Quebec")),
        ("British Columbia", Qualifier("CA", "British Columbia")),
        ("Victoria", Qualifier("AU", "Victoria")),
        ("USA", Qualifier("US", None)),
        ("UK", Qualifier("GB", None)),
        ("uk", Qualifier("GB", None)),
        ("England", Qualifier("GB", None)),
        ("JP", Qualifier("JP", None)),
        ("Japan", Qualifier("JP", None)),
        ("Narnia", None),
        ("", None),
    ],
)
def test_lookup_qualifier(text: str, expected: Qualifier | None) -> None:
    assert lookup_qualifier(text) == expected


def test_clashing_abbreviations_keep_the_country_as_second_reading() -> None:
    assert qualifier_readings("GA") == [Qualifier("US", "Georgia"), Qualifier("GA", None)]
    assert qualifier_readings("Georgia") == [Qualifier("US", "Georgia"), Qualifier("GE", None)]
    assert qualifier_readings("WA") == [
        Qualifier("US", "Washington"),
        Qualifier("AU", "Western Australia"),
    ]


def test_city_aliases() -> None:
    assert CITY_ALIASES["旧金山"] == CITY_ALIASES["三藩市"] == "San Francisco"
    assert CITY_ALIASES["倫敦"] == CITY_ALIASES["伦敦"] == "London"
    assert CITY_ALIASES["奥斯陆"] == "Oslo"
    assert len(CITY_ALIASES) >= 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48.85,2.35", (48.85, 2.35)),
        ("48.85, 2.35", (48.85, 2.35)),
        ("-33.9,151.2", (-33.9, 151.2)),
        ("200,1", None),
        ("Paris", None),
        ("48.85", None),
        ("90,180", (90.0, 180.0)),
        ("10,181", None),
    ],
)
def test_parse_coordinates(text: str, expected: tuple[float, float] | None) -> None:
    assert parse_coordinates(text) == expected


def test_fahrenheit_countries() -> None:
    assert uses_fahrenheit("US") and uses_fahrenheit("LR")
    assert not uses_fahrenheit("GB") and not uses_fahrenheit(None)


@given(st.text())
def test_place_parsing_never_raises(text: str) -> None:
    split_qualifier(text)
    parse_coordinates(text)
