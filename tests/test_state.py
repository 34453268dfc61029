"""The state store: atomic, locked, 0600, and a corrupt file is moved aside, never lost."""

from __future__ import annotations

import json
import multiprocessing
import stat
from pathlib import Path

from weatherbot.state import StateStore


def test_save_and_read_threads(tmp_path: Path) -> None:
    clock = iter([100.0, 200.0, 300.0]).__next__
    store = StateStore(tmp_path / "state.json", clock=clock)
    store.save_thread("thread_a", "assistants|x", "assistants", "What's the weather?")
    store.save_thread("thread_b", "assistants|x", "assistants", "Rain in Paris?")
    store.save_thread("thread_a", "assistants|x", "assistants", "ignored title")
    threads = store.list_threads()
    assert [t["id"] for t in threads] == ["thread_a", "thread_b"]
    assert threads[0]["title"] == "What's the weather?"
    assert threads[0]["created_at"] == 100.0 and threads[0]["last_used_at"] == 300.0
    assert store.last_thread_id("assistants|x") == "thread_a"


def test_file_mode_is_0600(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    store.put_assistant("k", {"id": "asst_1"})
    assert stat.S_IMODE((tmp_path / "state.json").stat().st_mode) == 0o600


def test_corrupt_file_is_moved_aside_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"threads": {"thr')
    path.chmod(0o644)
    warnings: list[str] = []
    store = StateStore(path, on_warning=warnings.append)
    store.save_thread("t1", "s", "offline", "q")
    aside = list(tmp_path.glob("state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == '{"threads": {"thr'
    assert stat.S_IMODE(aside[0].stat().st_mode) == 0o600  # it was 0644 like the damaged file
    assert warnings and "moved it to" in warnings[0]
    assert store.get_thread("t1") is not None


def test_newer_version_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 99, "threads": {}}))
    warnings: list[str] = []
    StateStore(path, on_warning=warnings.append).read()
    assert "newer weatherbot" in warnings[0]
    assert list(tmp_path.glob("state.json.corrupt-*"))


def test_delete_thread_clears_last_pointer(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    store.save_thread("t1", "s", "offline", "q")
    assert store.delete_thread("t1") is not None
    assert store.last_thread_id("s") is None
    assert store.delete_thread("t1") is None


def _writer(path: str, prefix: str, count: int) -> None:
    store = StateStore(Path(path))
    for i in range(count):
        store.save_thread(
            f"{prefix}{i}",
            "s",
            "offline",
            "q",
            append_history=[{"role": "user", "content": str(i)}],
        )


def test_parallel_processes_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "state.json")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, p, 25)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    threads = StateStore(Path(path)).read()["threads"]
    assert len(threads) == 50


def test_a_record_from_before_threads_knew_their_server_gets_it_from_its_scope(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.json"
    old = {"id": "local_a", "scope": "chat|http://127.0.0.1:11434/v1", "title": "q"}
    offline = {"id": "local_b", "scope": "offline", "backend": "offline", "title": "q"}
    unknown = {"id": "conv_c", "title": "q"}  # no scope either: it stays unknown
    threads = {"local_a": old, "local_b": offline, "conv_c": unknown}
    path.write_text(json.dumps({"version": 1, "histories_checked": 1, "threads": threads}))
    warnings: list[str] = []
    store = StateStore(path, on_warning=warnings.append)
    records = {t["id"]: t for t in store.list_threads()}
    assert records["local_a"]["backend"] == "chat"
    assert records["local_a"]["server"] == "http://127.0.0.1:11434/v1"
    assert records["local_b"]["server"] is None
    assert "server" not in records["conv_c"] and "backend" not in records["conv_c"]
    assert warnings == []  # not damage: only older
    # Used again, it is bound to where it is used.
    store.save_thread("conv_c", "responses|u", "responses", "q", server="https://u/v1")
    assert (store.get_thread("conv_c") or {})["server"] == "https://u/v1"


def test_prune_and_prefixes(tmp_path: Path) -> None:
    for thread_id, stamp in (("local_ab1", 100.0), ("local_ab2", 200.0), ("local_c", 300.0)):
        StateStore(tmp_path / "state.json", clock=lambda s=stamp: s).save_thread(
            thread_id, "offline", "offline", "q"
        )
    store = StateStore(tmp_path / "state.json")
    assert store.matching_ids("local_ab") == ["local_ab1", "local_ab2"]
    assert store.matching_ids("local_c") == ["local_c"]
    assert store.latest_thread_id() == "local_c"
    assert [t["id"] for t in store.prune_threads(250.0, dry_run=True)] == ["local_ab2", "local_ab1"]
    assert len(store.list_threads()) == 3
    store.prune_threads(150.0)
    assert [t["id"] for t in store.list_threads()] == ["local_c", "local_ab2"]


def test_server_facts_are_remembered_per_base_url(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = StateStore(path, clock=lambda: 50.0)
    facts = store.server_facts("http://gw/v1")
    assert facts.get("conversations") is None
    facts.put("conversations", False)
    facts.put("background", False)
    # Another process (the next command) reads them from the file.
    again = StateStore(path).server_facts("http://gw/v1")
    assert again.get("conversations") is False and again.get("background") is False
    assert StateStore(path).server_facts("https://api.openai.com/v1").get("background") is None
    assert StateStore(path).get_server("http://gw/v1") == {
        "conversations": False,
        "background": False,
        "checked_at": 50.0,
    }


def test_a_state_from_before_server_facts_loads_and_keeps_its_threads(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    thread = {"id": "conv_a", "scope": "responses|u", "title": "q", "history": []}
    path.write_text(
        json.dumps({"version": 1, "histories_checked": 1, "threads": {"conv_a": thread}})
    )
    warnings: list[str] = []
    store = StateStore(path, on_warning=warnings.append)
    assert store.server_facts("u").get("conversations") is None
    store.server_facts("u").put("conversations", True)
    assert [t["id"] for t in store.list_threads()] == ["conv_a"]
    assert warnings == []


def test_a_damaged_servers_section_is_repaired_without_losing_threads(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = StateStore(path)
    store.save_thread("local_a", "responses|u", "responses", "q", server="u")
    data = json.loads(path.read_text())
    data["servers"] = {
        "u": {"conversations": "nope", "background": False, "checked_at": -1},
        "v": ["not", "a", "record"],
    }
    path.write_text(json.dumps(data))
    warnings: list[str] = []
    store = StateStore(path, on_warning=warnings.append)
    assert store.server_facts("u").get("background") is False
    assert store.server_facts("u").get("conversations") is None  # found out again
    assert store.get_server("v") == {}
    assert [t["id"] for t in store.list_threads()] == ["local_a"]
    assert len(warnings) == 1 and "damaged" in warnings[0]
    kept = json.loads(next(tmp_path.glob("state.json.damaged-*")).read_text())
    assert kept["entries"]["servers"]["v"] == ["not", "a", "record"]
    # A whole section of the wrong type is replaced the same way.
    data = json.loads(path.read_text())
    data["servers"] = "broken"
    path.write_text(json.dumps(data))
    assert StateStore(path).server_facts("u").get("background") is None
    assert [t["id"] for t in StateStore(path).list_threads()] == ["local_a"]
