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
