"""The backend catalogue: one entry per backend module, capabilities instead of name checks."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from weatherbot.backends import catalogue
from weatherbot.errors import ConfigError

PACKAGE = Path(catalogue.__file__).resolve().parent.parent


def test_every_entry_names_a_class_in_its_module() -> None:
    for info in catalogue.CATALOGUE.values():
        module = importlib.import_module(info.module)
        cls = getattr(module, info.factory)
        assert cls.name == info.name
        for method in ("run_turn", "create_thread", "thread_messages", "close"):
            assert callable(getattr(cls, method)), (info.name, method)


def test_choices_put_auto_first_and_unknown_names_are_config_errors() -> None:
    assert catalogue.choices()[0] == "auto"
    assert set(catalogue.choices()[1:]) == set(catalogue.CATALOGUE)
    with pytest.raises(ConfigError, match="unknown backend 'magic'") as raised:
        catalogue.get("magic")
    assert raised.value.hint == "choose one of: auto, assistants, responses, chat, offline"
    assert catalogue.get(" Chat ").name == "chat"


def test_the_offline_entry_needs_no_server() -> None:
    offline = catalogue.CATALOGUE[catalogue.OFFLINE]
    assert not offline.remote
    assert offline.local_threads
    assert all(info.remote for name, info in catalogue.CATALOGUE.items() if name != "offline")


def _compared_strings(path: Path) -> set[str]:
    """String constants used in comparisons (`name == "chat"`, `name in ("a", "b")`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                for leaf in ast.walk(side):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                        found.add(leaf.value)
    return found


def test_no_module_outside_backends_names_a_backend() -> None:
    """Adding a backend must not touch settings, conversation, cli or the REPL."""
    names = set(catalogue.CATALOGUE)
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "backends" in path.relative_to(PACKAGE).parts:
            continue
        hits = names & _compared_strings(path)
        if hits:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(hits)}")
    assert offenders == []


def test_base_names_no_backend_module() -> None:
    # The Protocol lives in base.py, which every backend imports: naming a backend there was
    # the package's import cycle (test_architecture checks the whole graph).
    source = (PACKAGE / "backends" / "base.py").read_text(encoding="utf-8")
    for info in catalogue.CATALOGUE.values():
        assert info.module not in source
