"""Session: the profile the model gets follows every unit preference."""

from __future__ import annotations

from weatherbot.conversation import Session
from weatherbot.settings import load_settings


def test_unit_preferences_reach_the_instructions() -> None:
    plain = Session(load_settings(), "offline")
    tuned = Session(
        load_settings(units="imperial", wind_unit="km/h", precipitation_unit="mm"), "offline"
    )
    assert "km/h" not in plain.profile.instructions
    assert "wind speeds in km/h" in tuned.profile.instructions
    assert "precipitation amounts in mm" in tuned.profile.instructions
    assert "imperial" in tuned.profile.instructions
    # A changed preference changes the fingerprint, so a remembered assistant gets updated.
    assert plain.profile.fingerprint != tuned.profile.fingerprint


def test_apply_settings_rebuilds_the_profile() -> None:
    session = Session(load_settings(), "offline")
    session.apply_settings(session.settings.with_overrides(wind_unit="mph"))
    assert "wind speeds in mph" in session.profile.instructions


def test_a_place_chosen_after_an_ambiguity_is_remembered_for_the_session() -> None:
    import pytest

    from weatherbot.errors import ProviderError
    from weatherbot.providers.models import Place
    from weatherbot.providers.service import PlaceChoices, WeatherService

    illinois = Place(
        "Springfield", 39.8, -89.64, "America/Chicago", "Illinois", "United States", "US"
    )

    class Geocoder:
        def __init__(self) -> None:
            self.queries: list[str] = []

        def resolve(self, query: str) -> Place:
            self.queries.append(query)
            if query == "Springfield":
                raise ProviderError("ambiguous", "which one?", candidates=["a", "b"])
            return illinois

    class Provider:
        name = title = "stub"

        def forecast(self, place: Place) -> object:
            raise AssertionError("not needed")

    choices = PlaceChoices()
    geocoder = Geocoder()

    def question() -> WeatherService:  # each question gets a fresh service, like Session.ask
        return WeatherService(geocoder, [Provider()], choices=choices)  # type: ignore[list-item]

    with pytest.raises(ProviderError):
        question().resolve("Springfield")
    assert question().resolve("Springfield, IL") == illinois
    assert question().resolve("springfield") == illinois  # no second "which one?"
    assert geocoder.queries == ["Springfield", "Springfield, IL", "Springfield, IL"]
    # A fresh session asks again.
    with pytest.raises(ProviderError):
        WeatherService(geocoder, [Provider()]).resolve("Springfield")  # type: ignore[list-item]
