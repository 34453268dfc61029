"""Error lines that point at the real cause (issue 19): real servers' error bodies, real CLI.

Each row is an error body a real OpenAI-compatible server sends (LiteLLM, Ollama, vLLM,
FastAPI, nginx, OpenAI itself), served by the loopback fake to the real openai SDK under
`weatherbot ask`. The one `weatherbot:` line must carry the server's words (never the SDK's
"Error code: 404"), name the endpoint when a path is missing, and advise by cause: a rejected
request is never "try again", a missing endpoint says which backend to use instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.fakes.backends import KEY, serve_backend
from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
PATHS = {"chat": "/v1/chat/completions", "responses": "/v1/responses"}
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.27.4</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
BASE_URL_ADVICE = "check OPENAI_BASE_URL: it should be the API's address, usually ending in /v1"
LITELLM_BAD_MODEL = (
    "Invalid model name passed in model=nope. Call `/v1/models` to view available models "
    "for your key."
)


@dataclass
class Case:
    """One server answer and what the user must see for it."""

    backend: str
    response: Response
    exit_code: int
    says: list[str]
    never: list[str] = field(default_factory=list)


def _json(status: int, body: Any) -> Response:
    return Response(status, body)


CASES = {
    "litellm 404 detail, chat": Case(
        "chat",
        _json(404, {"detail": "Not Found"}),
        1,
        [
            "the model server has no POST /v1/chat/completions (HTTP 404): Not Found",
            BASE_URL_ADVICE,
        ],
        ["model name", "--model"],
    ),
    "litellm 404 detail, responses": Case(
        "responses",
        _json(404, {"detail": "Not Found"}),
        1,
        [
            "has no POST /v1/responses (HTTP 404): Not Found",
            "(this server has no /v1/responses: try --backend chat)",
        ],
        ["--model", "OPENAI_BASE_URL"],
    ),
    "openai invalid url, responses": Case(
        "responses",
        _json(
            404,
            {
                "error": {
                    "message": "Invalid URL (POST /v1/responses)",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
        1,
        ["(HTTP 404): Invalid URL (POST /v1/responses)", "try --backend chat"],
    ),
    "405 for the path, responses": Case(
        "responses",
        _json(405, {"detail": "Method Not Allowed"}),
        1,
        ["has no POST /v1/responses (HTTP 405): Method Not Allowed", "try --backend chat"],
    ),
    "litellm invalid model name": Case(
        "chat",
        _json(
            400,
            {
                "error": {
                    "message": LITELLM_BAD_MODEL,
                    "type": "invalid_request_error",
                    "param": "model",
                    "code": "400",
                }
            },
        ),
        2,
        ["has no such model (HTTP 400): Invalid model name passed in model=nope", "models"],
        ["try again", "OPENAI_API_KEY"],
    ),
    "litellm no connected db": Case(
        "chat",
        _json(
            400,
            {
                "error": {
                    "message": "No connected db.",
                    "type": "no_db_connection",
                    "param": None,
                    "code": "400",
                }
            },
        ),
        1,
        ["the model server rejected the request (HTTP 400): No connected db."],
        ["try again", "Error code", "db. ("],
    ),
    "ollama model not found": Case(
        "chat",
        _json(404, {"error": 'model "x" not found, try pulling it first'}),
        2,
        ['has no such model (HTTP 404): model "x" not found, try pulling it first', "models"],
        ["Error code"],
    ),
    "vllm model does not exist": Case(
        "chat",
        _json(
            404,
            {
                "object": "error",
                "message": "The model `x` does not exist.",
                "type": "NotFoundError",
                "param": None,
                "code": 404,
            },
        ),
        2,
        ["has no such model (HTTP 404): The model `x` does not exist.", "weatherbot models"],
    ),
    "fastapi 422 validation list": Case(
        "chat",
        _json(
            422,
            {
                "detail": [
                    {
                        "type": "missing",
                        "loc": ["body", "messages"],
                        "msg": "Field required",
                        "input": {"model": "m", "api_key": KEY},
                    },
                    {
                        "type": "float_parsing",
                        "loc": ["body", "temperature"],
                        "msg": "Input should be a valid number",
                        "input": "hot",
                    },
                ]
            },
        ),
        1,
        [
            "rejected the request (HTTP 422): body.messages: Field required; "
            "body.temperature: Input should be a valid number"
        ],
        ["try again", "Error code", "input"],
    ),
    "nested detail": Case(
        "responses",
        _json(400, {"error": {"message": "Bad request", "detail": "store must be false"}}),
        1,
        ["rejected the request (HTTP 400): Bad request: store must be false"],
        ["try again"],
    ),
    "top-level message": Case(
        "responses",
        _json(400, {"message": "Unsupported parameter: background"}),
        1,
        ["rejected the request (HTTP 400): Unsupported parameter: background"],
        ["try again"],
    ),
    "a 400 about the key": Case(
        "chat",
        _json(400, {"error": {"message": "Authentication Error, invalid proxy token passed"}}),
        2,
        ["rejected the request (HTTP 400): Authentication Error", "(check OPENAI_API_KEY)"],
        ["try again", "weatherbot models"],
    ),
    "a 400 about the model": Case(
        "responses",
        _json(400, {"error": {"message": "The model tiny cannot be used with this endpoint"}}),
        2,
        ["rejected the request (HTTP 400): The model tiny cannot", "weatherbot models"],
        ["try again", "OPENAI_API_KEY"],
    ),
    "nginx html 502": Case(
        "chat",
        Response(502, raw=NGINX_502, headers={"Content-Type": "text/html"}),
        1,
        ['failed (HTTP 502): an HTML page titled "502 Bad Gateway" (try again in a moment)'],
        ["<", "nginx", "Error code"],
    ),
    "plain text 502": Case(
        "responses",
        Response(502, raw=b"Bad Gateway", headers={"Content-Type": "text/plain"}),
        1,
        ["failed (HTTP 502): Bad Gateway (try again in a moment)"],
        ["Error code"],
    ),
    "empty 500": Case(
        "chat",
        Response(500, raw=b"", headers={"Content-Type": "application/json"}),
        1,
        ["failed (HTTP 500): an empty body (try again in a moment)"],
        ["Error code"],
    ),
    "hostile body": Case(
        "chat",
        _json(400, {"error": {"message": f"\x1b[2J\x1b[31mIncorrect API key {KEY}\x1b[0m\r"}}),
        2,
        ["rejected the request (HTTP 400): Incorrect API key [redacted]", "OPENAI_API_KEY"],
        [KEY, KEY[:12], "\x1b", "\r"],
    ),
}


@pytest.fixture(autouse=True)
def instant_sdk_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK retries 5xx after 0.5 s, 1 s: those waits become 0 s, the attempts stay."""
    import openai._base_client as base

    monkeypatch.setattr(base, "INITIAL_RETRY_DELAY", 0.0)
    monkeypatch.setattr(base, "MAX_RETRY_DELAY", 0.0)


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("name", list(CASES))
def test_each_server_error_is_one_line_with_its_words_and_fitting_advice(
    name: str, fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    with serve_backend(case.backend, monkeypatch) as under_test:
        under_test.model.inject("POST", PATHS[case.backend], case.response, times=5)
        result = runner.invoke(app, ["ask", "--no-stream", SEED])
    line = _one_line(result.stderr)
    assert result.exit_code == case.exit_code, line
    for text in case.says:
        assert text in line, line
    for text in case.never:
        assert text not in line, line
    assert result.stdout == ""


def test_a_missing_endpoint_is_named_in_json_output_too(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_backend("responses", monkeypatch) as under_test:
        under_test.model.inject("POST", "/v1/responses", Response(404, {"detail": "Not Found"}))
        result = runner.invoke(app, ["ask", "--json", SEED])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert "has no POST /v1/responses (HTTP 404): Not Found" in doc["error"]


def test_a_streamed_request_gets_the_same_line(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"error": 'model "x" not found, try pulling it first'}
    with serve_backend("chat", monkeypatch) as under_test:
        under_test.model.inject("POST", "/v1/chat/completions", Response(404, body))
        result = runner.invoke(app, ["ask", "--stream", SEED])
    assert result.exit_code == 2
    assert 'has no such model (HTTP 404): model "x" not found' in _one_line(result.stderr)


def test_a_base_url_without_v1_is_the_advice_for_any_endpoint(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OPENAI_BASE_URL=http://host:port (no /v1): the fake answers 404 for /responses, as a
    # server whose API is under /v1 does.
    with serve_backend("responses", monkeypatch) as under_test:
        monkeypatch.setenv("OPENAI_BASE_URL", under_test.model.base_url)
        result = runner.invoke(app, ["ask", "--no-stream", SEED])
    line = _one_line(result.stderr)
    assert result.exit_code == 1
    assert "has no POST /" in line and BASE_URL_ADVICE in line
    assert "try --backend chat" not in line
