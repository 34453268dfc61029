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
