"""map_openai_error on exceptions the real SDK raised over real HTTP, for the cases the CLI
table (tests/test_api_error_messages.py) does not reach: one object gone, odd JSON bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.fakes.server import FakeServer, Response
from weatherbot.backends.api_errors import map_openai_error, path_missing
from weatherbot.backends.error_bodies import server_message, server_words
from weatherbot.errors import APIError


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()


def _raised(fake: FakeServer, response: Response) -> Any:
    """The exception the SDK raises for `response` to GET /v1/conversations/conv_abc."""
    fake.inject("GET", "/v1/conversations/conv_abc", response)
    client = openai.OpenAI(api_key="sk-test", base_url=fake.base_url + "/v1", max_retries=0)
    try:
        with pytest.raises(openai.APIStatusError) as caught:
            client.conversations.retrieve("conv_abc")
    finally:
        client.close()
    return caught.value


def test_one_object_gone_is_not_a_missing_endpoint(fake: FakeServer) -> None:
    body = {"error": {"message": "Conversation with id 'conv_abc' not found.", "code": None}}
    exc = _raised(fake, Response(404, body))
    error = map_openai_error(exc)
    assert not path_missing(exc)
    assert isinstance(error, APIError)
    assert error.message == (
        "the model API answered 404 for GET /v1/conversations/conv_abc: "
        "Conversation with id 'conv_abc' not found."
    )
    assert error.hint is None  # neither the base URL nor another backend would help


def test_a_missing_path_below_an_endpoint_names_the_endpoint_in_its_hint(
    fake: FakeServer,
) -> None:
    error = map_openai_error(_raised(fake, Response(404, raw=b"404 page not found")))
    assert "has no GET /v1/conversations/conv_abc (HTTP 404): 404 page not found" in error.message
    assert error.hint == "this server has no /v1/conversations (the Conversations API): " + (
        "try --backend chat"
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"detail": {"error": "deep inside"}}, "deep inside"),
        ({"error": {"message": "", "detail": "only the detail"}}, "only the detail"),
        ({"detail": ["first", "second"]}, "first; second"),
        (
            {"detail": [{"loc": ["body", f"f{n}"], "msg": "bad"} for n in range(5)]},
            "body.f0: bad; body.f1: bad; body.f2: bad (and 2 more)",
        ),
        ("a JSON string", "a JSON string"),
    ],
)
def test_words_are_found_in_odd_shapes(fake: FakeServer, body: Any, said: str) -> None:
    assert server_message(_raised(fake, Response(400, body))) == said


def test_a_json_body_without_words_is_shown_as_it_is(fake: FakeServer) -> None:
    exc = _raised(fake, Response(400, {"status": 400, "ok": False}))
    assert server_words(exc) is None
    assert server_message(exc) == '{"status": 400, "ok": false}'


def test_an_html_page_without_a_title_is_just_an_html_page(fake: FakeServer) -> None:
    page = Response(503, raw=b"<!DOCTYPE html><html><body><p>down</p></body></html>")
    assert server_message(_raised(fake, page)) == "an HTML page"


def test_an_error_event_in_a_stream_keeps_the_sdk_message() -> None:
    import httpx2

    request = httpx2.Request("POST", "http://127.0.0.1:9/v1/responses")
    exc = openai.APIError("The server had an error while processing", request, body=None)
    error = map_openai_error(exc)
    assert error.message == "the model API failed: The server had an error while processing"
