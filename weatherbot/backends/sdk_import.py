"""Import the openai SDK without building every model class it defines.

`import openai` runs `openai/types/__init__.py`, which imports all ~2,000 type modules and builds
their pydantic classes: about 0.5 s of CPU on a 2-core machine, and `client.beta` adds the
agents, chatkit and realtime types (0.8 s more) that the Assistants backend never touches. The
SDK's resource modules import the type modules they use by their full names, so the package
`__init__` files of the type packages only re-export names.

`install()` (called before the first `import openai`) replaces those re-exporting `__init__`
files with lazy modules: a name is imported from its submodule when first read
(`openai.types.Batch`, `from openai.types.responses import Response`). A package whose
`__init__` does anything but re-export names (a newer SDK) is imported as usual, so the worst
case is the old speed, never a missing name. Tests run the whole suite with it installed.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

# The type packages whose __init__ only re-exports (checked again at import time).
LAZY_PACKAGES = frozenset(
    {
        "openai.types",
        "openai.types.beta",
        "openai.types.beta.threads",
        "openai.types.chat",
        "openai.types.responses",
    }
)


def reexports(source: str) -> dict[str, tuple[str, str]] | None:
    """{name: (submodule, attribute)} for an `__init__` that only re-exports; else None."""
    table: dict[str, tuple[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                if alias.name == "*":
                    return None
                table[alias.asname or alias.name] = (node.module, alias.name)
            continue
        return None
    return table


class _LazyPackages(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the LAZY_PACKAGES and loads them as lazy re-exporting modules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A lazy spec for a re-exporting type package; None lets the usual finders work."""
        if fullname not in LAZY_PACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or spec.submodule_search_locations is None:
            return spec
        try:
            with open(spec.origin, encoding="utf-8") as file:
                table = reexports(file.read())
        except (OSError, SyntaxError, ValueError):
            table = None
        if table is None:
            return spec
        lazy = importlib.machinery.ModuleSpec(fullname, self, origin=spec.origin, is_package=True)
        lazy.submodule_search_locations = spec.submodule_search_locations
        lazy.loader_state = table
        lazy.has_location = True
        return lazy

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """The default module object."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Give the package a module `__getattr__` that imports each name on first use."""
        spec = module.__spec__
        assert spec is not None
        table: dict[str, tuple[str, str]] = spec.loader_state
        package = module.__name__

        def __getattr__(name: str) -> Any:
            entry = table.get(name)
            if entry is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            value = getattr(importlib.import_module(f"{package}.{entry[0]}"), entry[1])
            setattr(module, name, value)
            return value

        module.__getattr__ = __getattr__  # type: ignore[method-assign]
        module.__all__ = list(table)  # type: ignore[attr-defined]


_FINDER = _LazyPackages()


def install() -> bool:
    """Make the SDK's type packages lazy; False when openai was already imported eagerly."""
    if "openai" in sys.modules:
        return _FINDER in sys.meta_path
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    return True
