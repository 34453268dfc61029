"""HttpClient: retries with recorded (not slept) backoff, and failures mapped to error codes."""

from __future__ import annotations

import httpx2
import pytest

from tests.fakes.weather_server import FakeWeather
from weatherbot import __version__
from weatherbot.errors import ProviderError
from weatherbot.providers.http import HttpClient, user_agent


def get(http: HttpClient, fake: FakeWeather) -> object:
    return http.get_json(fake.base_url + "/v1/search", {"name": "London"})


def test_user_agent_names_the_project_and_contact() -> None:
    assert user_agent() == f"weatherbot/{__version__} (+https://github.com/weatherbot/weatherbot)"
    assert user_agent("ops@example.org").endswith("weatherbot; ops@example.org)")


def test_sends_the_user_agent(fake_weather: FakeWeather, sleeps: list[float]) -> None:
    get(HttpClient("Open-Meteo", contact="me@example.org", sleep=sleeps.append), fake_weather)
    assert fake_weather.server.requests[0].headers["user-agent"] == user_agent("me@example.org")


def test_500_then_200_retries_with_backoff(
    fake_weather: FakeWeather, http: HttpClient, sleeps: list[float]
) -> None:
    fake_weather.fail("/v1/search", 500)
    body = get(http, fake_weather)
    assert isinstance(body, dict) and "results" in body
    assert sleeps == [0.5]
    assert fake_weather.searches() == 2


def test_gives_up_after_three_attempts(
    fake_weather: FakeWeather, http: HttpClient, sleeps: list[float]
) -> None:
    fake_weather.fail("/v1/search", 503, times=3, reason="busy")
    with pytest.raises(ProviderError) as info:
        get(http, fake_weather)
    assert info.value.code == "upstream_error"
    assert info.value.message == "Open-Meteo failed (HTTP 503): busy"
    assert sleeps == [0.5, 1.0]
    assert fake_weather.searches() == 3


def test_429_honours_retry_after_up_to_ten_seconds(
    fake_weather: FakeWeather, http: HttpClient, sleeps: list[float]
) -> None:
    fake_weather.fail(
        "/v1/search", 429, reason="Minutely API request limit exceeded", retry_after=2
    )
    fake_weather.fail("/v1/search", 429, times=2, retry_after=3600)
    with pytest.raises(ProviderError) as info:
        get(http, fake_weather)
    assert info.value.code == "rate_limited"
    assert sleeps == [2.0, 10.0]


@pytest.mark.parametrize("status", [400, 401, 404])
def test_other_4xx_are_never_retried(
    fake_weather: FakeWeather, http: HttpClient, sleeps: list[float], status: int
) -> None:
    fake_weather.fail("/v1/search", status, reason="Parameter count must be between 1 and 100.")
    with pytest.raises(ProviderError) as info:
        get(http, fake_weather)
    assert info.value.code == ("unauthorized" if status == 401 else "bad_request")
    assert "Parameter count must be between 1 and 100." in info.value.message
    assert sleeps == [] and fake_weather.searches() == 1


def test_malformed_json_is_bad_data(
    fake_weather: FakeWeather, http: HttpClient, sleeps: list[float]
) -> None:
    fake_weather.malformed("/v1/search")
    with pytest.raises(ProviderError) as info:
        get(http, fake_weather)
    assert info.value.code == "bad_data"
    assert info.value.message == "Open-Meteo sent a malformed response"


def _mock(error: Exception, calls: list[str]) -> httpx2.Client:
    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(str(request.url))
        raise error

    return httpx2.Client(transport=httpx2.MockTransport(handler))


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (httpx2.ReadTimeout("slow"), "timeout", "Open-Meteo did not answer in time"),
        (httpx2.ConnectError("refused"), "unavailable", "cannot reach Open-Meteo"),
    ],
)
def test_timeouts_and_connection_errors_are_retried_then_mapped(
    sleeps: list[float], error: Exception, code: str, message: str
) -> None:
    calls: list[str] = []
    http = HttpClient("Open-Meteo", sleep=sleeps.append, client=_mock(error, calls))
    with pytest.raises(ProviderError) as info:
        http.get_json("http://open-meteo.invalid/v1/forecast", {"latitude": 1})
    assert (info.value.code, info.value.message) == (code, message)
    assert "\n" not in info.value.message
    assert len(calls) == 3 and sleeps == [0.5, 1.0]


def test_shared_client_is_one_pool_per_provider() -> None:
    first, second = HttpClient("Open-Meteo"), HttpClient("Open-Meteo")
    assert first.client is second.client
    assert HttpClient("MET Norway").client is not first.client
