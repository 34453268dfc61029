"""Private files (issue 13): WEATHERBOT_HOME 0700 and every file 0600 whatever the umask; no
link followed and nothing but a regular file of a sane size read, for the state, its lock, the
cache and the REPL input history. A refused link's target is left exactly as it was.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.history import FileHistory, InMemoryHistory
from typer.testing import CliRunner

from tests.fakes.weather_server import FakeWeather
from tests.test_faults_local import error_line
from weatherbot import private_files
from weatherbot.cli import app
from weatherbot.input_history import PrivateFileHistory, open_history
from weatherbot.private_files import (
    RefusedFile,
    append_private,
    make_private_dir,
    read_private,
    write_private,
)

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
UMASKS = [0o000, 0o022, 0o277]


@contextmanager
def umask(value: int) -> Iterator[None]:
    """Run the block under `value`, then put the process's umask back."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def target_file(tmp_path: Path, text: str = "the user's own file\n") -> Path:
    """A file a planted link points at: 0644, with content that must not change."""
    target = tmp_path / "target"
    target.write_text(text)
    target.chmod(0o644)
    return target


def untouched(target: Path, text: str = "the user's own file\n") -> bool:
    return target.read_text() == text and mode(target) == 0o644


def run(
    home: Path, *args: str, memory: int = 2048 * MB, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m weatherbot ARGS` in its own process: a FIFO or a device that made it hang or
    fill the memory fails the test (timeout, address-space cap) instead of the test run."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "WEATHERBOT_HOME": str(home), "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "weatherbot", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        preexec_fn=limit,
        check=False,
    )


# -- the helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", UMASKS, ids=oct)
def test_created_directories_are_0700_whatever_the_umask(mask: int, tmp_path: Path) -> None:
    home = tmp_path / "a" / "b" / "home"
    with umask(mask):
        make_private_dir(home / "cache")
    for directory in (tmp_path / "a", tmp_path / "a" / "b", home, home / "cache"):
        assert mode(directory) == 0o700, directory


def test_an_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)
    make_private_dir(home)
    make_private_dir(home / "cache")
    assert mode(home) == 0o755 and mode(home / "cache") == 0o700


@pytest.mark.parametrize("mask", UMASKS, ids=oct)
def test_written_and_appended_files_are_0600_whatever_the_umask(mask: int, tmp_path: Path) -> None:
    with umask(mask):
        write_private(tmp_path / "home" / "state.json", b"{}")
        append_private(tmp_path / "home" / "history", b"+hello\n")
    assert mode(tmp_path / "home") == 0o700
    assert mode(tmp_path / "home" / "state.json") == mode(tmp_path / "home" / "history") == 0o600
    assert [p.name for p in (tmp_path / "home").iterdir() if p.name.endswith(".tmp")] == []


def test_an_existing_file_is_set_back_to_0600_when_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("+old\n")
    path.chmod(0o644)
    append_private(path, b"+new\n")
    assert mode(path) == 0o600 and path.read_text() == "+old\n+new\n"


def test_a_link_is_replaced_by_an_atomic_write_never_written_through(tmp_path: Path) -> None:
    target = target_file(tmp_path)
    link = tmp_path / "state.json"
    link.symlink_to(target)
    write_private(link, b"{}")
    assert not link.is_symlink() and link.read_bytes() == b"{}" and mode(link) == 0o600
    assert untouched(target)


def special_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Paths that are not private files, with the words weatherbot uses for each."""
    target = target_file(tmp_path)
    link, dangling, fifo, directory = (tmp_path / n for n in ("link", "dangling", "fifo", "dir"))
    link.symlink_to(target)
    dangling.symlink_to(tmp_path / "nowhere")
    os.mkfifo(fifo)
    directory.mkdir()
    return {
        "link": (link, "is a symbolic link; weatherbot does not follow links"),
        "dangling_link": (dangling, "is a symbolic link"),
        "fifo": (fifo, "is a named pipe (FIFO), not a regular file"),
        "directory": (directory, "is a directory, not a regular file"),
        "device": (Path("/dev/zero"), "is a character device, not a regular file"),
    }


SPECIAL = ["link", "dangling_link", "fifo", "directory", "device"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_reading_refuses_anything_but_a_regular_file(kind: str, tmp_path: Path) -> None:
    path, words = special_files(tmp_path)[kind]
    with pytest.raises(RefusedFile) as refused:
        read_private(path)  # a FIFO returns at once, /dev/zero is not read
    assert str(refused.value) == f"{path} {refused.value.problem}" and words in str(refused.value)
    assert untouched(tmp_path / "target")


@pytest.mark.parametrize("kind", [k for k in SPECIAL if k != "device"])
def test_appending_refuses_anything_but_a_regular_file(kind: str, tmp_path: Path) -> None:
    path, words = special_files(tmp_path)[kind]
    with pytest.raises(RefusedFile) as refused:
        append_private(path, b"+typed\n")
    assert words in str(refused.value)
    assert untouched(tmp_path / "target")
    assert not (tmp_path / "nowhere").exists()  # a dangling link's target is not created


def test_a_file_over_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(private_files, "MAX_PRIVATE_FILE_BYTES", MB)
    path = tmp_path / "big"
    path.write_bytes(b" " * MB)
    assert len(read_private(path)) == MB  # at the cap: read
    with path.open("ab") as handle:
        handle.write(b" ")
    for use in (read_private, lambda p: append_private(p, b"")):
        with pytest.raises(RefusedFile, match="is larger than 1 MB"):
            use(path)


# -- state and lock through the CLI ----------------------------------------------------------------


def _all_modes(home: Path) -> dict[str, int]:
    return {str(p.relative_to(home.parent)): mode(p) for p in [home, *sorted(home.rglob("*"))]}


@pytest.mark.parametrize("mask", [0o000, 0o022], ids=oct)
def test_home_and_every_file_in_it_are_private_whatever_the_umask(
    mask: int, clean_env: Path, fake_weather: FakeWeather
) -> None:
    with umask(mask):
        asked = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
        assert asked.exit_code == 0, asked.stderr
        weather = runner.invoke(app, ["weather", "London"])
        assert weather.exit_code == 0, weather.stderr
        # A damaged entry: the originals are kept in a state.json.damaged-<time> file.
        state = json.loads((clean_env / "state.json").read_text())
        state["assistants"]["broken"] = 5
        (clean_env / "state.json").write_text(json.dumps(state))
        listed = runner.invoke(app, ["thread", "list"])
        assert listed.exit_code == 0 and "moved them to" in listed.stderr
    modes = _all_modes(clean_env)
    names = " ".join(modes)
    assert "state.json.lock" in names and "damaged-" in names and "cache/" in names
    expected = {name: 0o700 if (clean_env.parent / name).is_dir() else 0o600 for name in modes}
    assert modes == expected


def test_an_existing_home_and_an_old_lock_file_keep_the_home_and_fix_the_file(
    clean_env: Path,
) -> None:
    clean_env.mkdir(mode=0o755)
    clean_env.chmod(0o755)
    lock = clean_env / "state.json.lock"
    lock.touch()
    lock.chmod(0o644)  # as an older weatherbot left it
    asked = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
    assert asked.exit_code == 0, asked.stderr
    assert mode(clean_env) == 0o755  # the user's directory, the user's choice
    assert mode(lock) == mode(clean_env / "state.json") == 0o600


def _refused_line(stderr: str, path: Path, words: str) -> None:
    line = error_line(stderr)
    assert str(path) in line and words in line and "WEATHERBOT_HOME" in line, line


@pytest.mark.parametrize("name", ["state.json", "state.json.lock"])
@pytest.mark.parametrize(
    "argv", [["ask", "--offline", "Rain in Oslo?"], ["thread", "list"], ["thread", "delete", "x"]]
)
def test_a_state_or_lock_link_is_refused_with_exit_2(
    name: str, argv: list[str], clean_env: Path, tmp_path: Path
) -> None:
    first = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
    assert first.exit_code == 0, first.stderr
    state = (clean_env / "state.json").read_text()
    target = target_file(tmp_path, state)
    (clean_env / name).unlink()
    (clean_env / name).symlink_to(target)
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.stderr
    _refused_line(result.stderr, clean_env / name, "is a symbolic link")
    assert result.stdout == ""
    assert untouched(target, state) and (clean_env / name).is_symlink()


def test_a_dangling_state_link_is_refused_and_not_created(clean_env: Path) -> None:
    clean_env.mkdir()
    (clean_env / "state.json").symlink_to(clean_env / "elsewhere.json")
    for argv in (["thread", "list"], ["ask", "--offline", "Rain in Oslo?"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 2, result.stderr
        _refused_line(result.stderr, clean_env / "state.json", "is a symbolic link")
    assert not (clean_env / "elsewhere.json").exists()


@pytest.mark.parametrize("kind", ["fifo", "link_to_dev_full", "link_to_dev_zero"])
def test_a_state_that_is_a_fifo_or_a_device_is_refused_at_once(kind: str, clean_env: Path) -> None:
    clean_env.mkdir()
    state = clean_env / "state.json"
    if kind == "fifo":
        os.mkfifo(state)
    else:
        state.symlink_to("/dev/" + kind.rsplit("_", 1)[1])
    for argv in (["thread", "list"], ["ask", "--offline", "Rain in Oslo?"]):
        result = run(clean_env, *argv)
        assert result.returncode == 2, result.stderr
        words = "is a named pipe (FIFO)" if kind == "fifo" else "is a symbolic link"
        _refused_line(result.stderr, state, words)


def test_a_state_over_the_cap_is_refused_and_kept(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(private_files, "MAX_PRIVATE_FILE_BYTES", MB)
    clean_env.mkdir()
    big = b'{"version": 1, "threads": {}}' + b" " * MB
    (clean_env / "state.json").write_bytes(big)
    result = runner.invoke(app, ["thread", "list"])
    assert result.exit_code == 2, result.stderr
    _refused_line(result.stderr, clean_env / "state.json", "is larger than 1 MB")
    assert (clean_env / "state.json").read_bytes() == big


# -- the cache through the CLI ---------------------------------------------------------------------


def _cache_entries(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("*.json"))


def test_cache_entries_that_are_links_are_skipped_and_replaced(
    clean_env: Path, fake_weather: FakeWeather, tmp_path: Path
) -> None:
    first = runner.invoke(app, ["weather", "London"])
    assert first.exit_code == 0, first.stderr
    requests = fake_weather.searches() + fake_weather.forecasts()
    targets = []
    for n, entry in enumerate(_cache_entries(clean_env)):
        # A fresh, valid entry, moved out and linked back: the old cache served it.
        target = tmp_path / f"entry{n}"
        target.write_bytes(entry.read_bytes())
        target.chmod(0o644)
        targets.append((target, target.read_bytes()))
        entry.unlink()
        entry.symlink_to(target)
    again = runner.invoke(app, ["weather", "London"])
    assert again.exit_code == 0 and again.stderr == first.stderr  # quietly: just a miss
    assert fake_weather.searches() + fake_weather.forecasts() == 2 * requests
    for target, content in targets:
        assert target.read_bytes() == content and mode(target) == 0o644
    entries = _cache_entries(clean_env)
    assert len(entries) == len(targets)
    assert all(not e.is_symlink() and mode(e) == 0o600 for e in entries)


def test_a_cache_entry_that_is_a_fifo_is_a_miss_not_a_hang(
    clean_env: Path, fake_weather: FakeWeather
) -> None:
    first = run(clean_env, "weather", "London")
    assert first.returncode == 0, first.stderr
    for entry in _cache_entries(clean_env):
        entry.unlink()
        os.mkfifo(entry)
    again = run(clean_env, "weather", "London")
    assert again.returncode == 0, again.stderr
    assert "London" in again.stdout and "weatherbot:" not in again.stderr
    assert all(stat.S_ISREG(os.lstat(e).st_mode) for e in _cache_entries(clean_env))


# -- the REPL input history ------------------------------------------------------------------------

ENTRIES = ["Rain in Paris?", "line one\nline two", "a\rcarriage return", "", "+plus and # hash"]


def test_the_history_file_format_is_prompt_toolkits(tmp_path: Path) -> None:
    theirs, ours = FileHistory(str(tmp_path / "theirs")), PrivateFileHistory(tmp_path / "ours")
    for entry in ENTRIES:
        theirs.store_string(entry)
        ours.store_string(entry)
    newest_first = list(reversed(ENTRIES))
    assert list(PrivateFileHistory(tmp_path / "theirs").load_history_strings()) == newest_first
    assert list(FileHistory(str(tmp_path / "ours")).load_history_strings()) == newest_first


@pytest.mark.parametrize("kind", ["link", "dangling_link", "fifo", "directory"])
def test_a_history_that_is_not_a_private_file_is_one_warning(kind: str, tmp_path: Path) -> None:
    target = target_file(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    path = home / "history"
    if kind == "link":
        path.symlink_to(target)
    elif kind == "dangling_link":
        path.symlink_to(tmp_path / "nowhere")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    warnings: list[str] = []
    history = open_history(home, warnings.append)
    assert isinstance(history, InMemoryHistory)
    history.store_string("typed")
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"input history is not saved: {path} is ")
    assert "set WEATHERBOT_HOME" in warnings[0]
    assert untouched(target) and not (tmp_path / "nowhere").exists()


def test_a_history_over_the_cap_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(private_files, "MAX_PRIVATE_FILE_BYTES", MB)
    (tmp_path / "history").write_bytes(b"+x\n" * MB)
    warnings: list[str] = []
    assert isinstance(open_history(tmp_path, warnings.append), InMemoryHistory)
    assert "is larger than 1 MB" in warnings[0] and "move it elsewhere" in warnings[0]


@pytest.mark.parametrize("mask", UMASKS, ids=oct)
def test_the_history_is_0600_in_a_0700_home_whatever_the_umask(mask: int, tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    with umask(mask):
        history = open_history(home, pytest.fail)
        history.store_string("Rain in Oslo?")
    assert mode(home) == 0o700 and mode(home / "history") == 0o600
    assert list(PrivateFileHistory(home / "history").load_history_strings()) == ["Rain in Oslo?"]


def _chat(home: Path, tmp_path: Path) -> pexpect.spawn:
    env = {**os.environ, "WEATHERBOT_HOME": str(home), "TERM": "xterm", "PYTHONPATH": str(REPO)}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", PYTHONUNBUFFERED="1")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", "chat", "--offline"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(40, 200),
        timeout=30,
    )


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_chat_with_a_history_link_or_fifo_warns_and_answers(kind: str, tmp_path: Path) -> None:
    """Through a real terminal: one yellow line, the session goes on, the target is unchanged."""
    target = target_file(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    if kind == "link":
        (home / "history").symlink_to(target)
    else:
        os.mkfifo(home / "history")
    child = _chat(home, tmp_path)
    try:
        child.expect("/help for commands")  # the banner, then the one warning
        child.expect("input history is not saved: ")
        child.expect("(symbolic link|named pipe)")
        child.expect("set WEATHERBOT_HOME")
        child.sendline("Will it rain in London?")
        child.expect("London")
        child.expect_exact("\x1b[?2004h")  # back at the prompt, reading keys itself
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    finally:
        child.close(force=True)
    assert untouched(target)
    assert (
        (home / "history").is_symlink()
        if kind == "link"
        else stat.S_ISFIFO(os.lstat(home / "history").st_mode)
    )
