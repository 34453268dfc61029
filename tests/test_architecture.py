"""The package's shape (DESIGN.md): one-way imports, no cycles, modules of a readable size."""

from __future__ import annotations

import ast
from pathlib import Path

import weatherbot

PACKAGE = Path(weatherbot.__file__).resolve().parent
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Every weatherbot module this file imports, at any depth, except for type checking."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("weatherbot"))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("weatherbot")
        ):
            module = str(node.module)
            found.add(module)
            # `from weatherbot.backends import catalogue` imports a module too.
            found.update(f"{module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    assert cycles == []


def test_imports_point_one_way() -> None:
    """cli → conversation → backends → offline → tools → providers; never back."""
    graph = _graph()
    below = {
        "weatherbot.providers": ("weatherbot.tools", "weatherbot.offline", "weatherbot.backends"),
        "weatherbot.tools": (
            "weatherbot.offline",
            "weatherbot.backends",
            "weatherbot.conversation",
        ),
        "weatherbot.offline": ("weatherbot.backends", "weatherbot.conversation"),
        "weatherbot.backends": ("weatherbot.conversation", "weatherbot.cli", "weatherbot.render"),
    }
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph.items()
        for layer, forbidden in below.items()
        if module.startswith(layer)
        for target in targets
        if target.startswith(forbidden)
    ]
    assert wrong == []


def test_only_backends_import_openai() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "backends" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "openai" or n.startswith("openai.") for n in names):
                offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def _third_party_imports(path: Path) -> set[str]:
    """The top-level names of every package a file imports (at any depth)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_mcp_package_imports_the_mcp_sdk() -> None:
    """The SDK is an optional extra: nothing else may need it."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "mcp" not in path.relative_to(PACKAGE).parts[:1]
        and _third_party_imports(path) & {"mcp", "mcp_types", "uvicorn", "starlette"}
    ]
    assert offenders == []


def test_the_mcp_server_serves_tools_never_backends() -> None:
    """mcp → tools (DESIGN.md): no model, conversation, renderer or terminal behind it."""
    graph = _graph()
    forbidden = (
        "weatherbot.backends",
        "weatherbot.conversation",
        "weatherbot.offline",
        "weatherbot.render",
        "weatherbot.cli",
        "weatherbot.repl",
    )
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.startswith("weatherbot.mcp")
        for target in targets
        if target.startswith(forbidden)
    ]
    assert wrong == []
    # And nothing but the command imports it.
    users = {
        m for m, targets in graph.items() if any(t.startswith("weatherbot.mcp") for t in targets)
    }
    assert {m for m in users if not m.startswith("weatherbot.mcp")} == {"weatherbot.cli_mcp"}


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
