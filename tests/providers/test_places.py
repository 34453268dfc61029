"""Qualifier and coordinate parsing, no I/O."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weatherbot.providers.places import (
    Qualifier,
    parse_coordinates,
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
    ],
)
def test_split_qualifier(query: str, name: str, qualifier: Qualifier | None) -> None:
    assert split_qualifier(query) == (name, qualifier)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48.85,2.35", (48.85, 2.35)),
        ("48.85, 2.35", (48.85, 2.35)),
        ("-33.9,151.2", (-33.9, 151.2)),
        ("200,1", None),
        ("Paris", None),
        ("48.85", None),
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
