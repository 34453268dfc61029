"""`weatherbot thread prune --empty` (issue 18, item 3): the unanswered conversations older
versions left after a failed first question go, alone or with --older-than, with --dry-run.

Threads are written with the StateStore as an older weatherbot left them; the real CLI prunes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner, Result

from weatherbot.cli import app
from weatherbot.state import StateStore

runner = CliRunner()
DAY = 86400.0
CONV = "conv_68b4f0d6a6b08190b16b1d7b2b4f37c10b39b0f1ebb0f1d5"
ANSWER = [{"role": "user", "content": "rain?"}, {"role": "assistant", "content": "No rain."}]
# Only the question and a tool round: the run failed before the model answered.
NO_ANSWER = [
    {"role": "user", "content": "rain?"},
    {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function"}]},
]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _thread(home: Path, thread_id: str, backend: str, days_ago: float, history: list) -> None:
    store = StateStore(home / "state.json", clock=lambda: time.time() - days_ago * DAY)
    store.save_thread(thread_id, backend, backend, f"title of {thread_id}", history)


def _ids(home: Path) -> list[str]:
    return [t["id"] for t in StateStore(home / "state.json").list_threads()]


def _some(home: Path) -> None:
    _thread(home, "local_answered", "offline", 1, ANSWER)
    _thread(home, "local_empty_new", "chat", 2, [])  # the old first save: no history at all
    _thread(home, "local_empty_old", "offline", 40, NO_ANSWER)
    _thread(home, CONV, "responses", 50, [])  # on a server: its messages are not kept here
    # The responses backend keeps a local_ thread itself on a server without Conversations.
    _thread(home, "local_responses_empty", "responses", 60, [])


def test_prune_empty_forgets_unanswered_local_threads_only(clean_env: Path) -> None:
    _some(clean_env)
    dry = run("thread", "prune", "--empty", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    listed = [line.split("\t") for line in dry.stdout.splitlines()]
    assert [fields[0] for fields in listed] == [
        "local_empty_new",
        "local_empty_old",
        "local_responses_empty",
    ]
    assert listed[0][2] == "title of local_empty_new"
    assert "would prune 3 empty conversations (nothing changed: --dry-run)" in dry.stderr
    assert len(_ids(clean_env)) == 5

    pruned = run("thread", "prune", "--empty")
    assert pruned.exit_code == 0, pruned.stderr
    assert "pruned 3 empty conversations" in pruned.stderr
    assert _ids(clean_env) == ["local_answered", CONV]
    again = run("thread", "prune", "--empty")
    assert "pruned 0 empty conversations" in again.stderr and again.stdout == ""


def test_prune_empty_with_an_age_takes_only_the_old_empty_ones(clean_env: Path) -> None:
    _some(clean_env)
    result = run("thread", "prune", "--empty", "--older-than", "30d")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "local_empty_old",
        "local_responses_empty",
    ]
    assert "pruned 2 empty conversations last used before" in result.stderr
    assert _ids(clean_env) == ["local_answered", "local_empty_new", CONV]


def test_a_pruned_current_thread_is_not_continued(clean_env: Path) -> None:
    _thread(clean_env, "local_answered", "offline", 3, ANSWER)
    _thread(clean_env, "local_empty", "offline", 1, [])  # the latest: what -c would continue
    assert run("thread", "prune", "--empty").exit_code == 0
    state = json.loads((clean_env / "state.json").read_text(encoding="utf-8"))
    assert "local_empty" not in json.dumps(state["last_thread"])
    listed = run("thread", "list")
    assert listed.stdout.split("\t")[0] == "local_answered"


def test_prune_without_what_to_prune_is_a_usage_error(clean_env: Path) -> None:
    result = run("thread", "prune")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "--older-than AGE, --empty, or both" in line


def test_prune_help_says_what_empty_leaves(clean_env: Path) -> None:
    result = runner.invoke(app, ["thread", "prune", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "--empty" in text and "Server conversations (conv_..., thread_...) are left" in text
    assert "weatherbot thread prune --empty" in text


def test_an_age_past_any_date_is_a_usage_error_not_a_crash(clean_env: Path) -> None:
    result = CliRunner().invoke(app, ["thread", "prune", "--older-than", "1000000d", "--dry-run"])
    assert result.exit_code == 2, result.output
    assert "is more than 100 years" in result.stderr and "internal error" not in result.stderr
