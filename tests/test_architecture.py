"""Imports run one way: transports and the CLI -> core -> storage, indexer, quizzes. No cycles."""

import ast

import pytest

from conftest import ROOT

PACKAGES = ("bot", "indexer", "quizzes")
EDGE = {"telegram", "httpx", "tornado", "click"}  # the outside world: transports and the CLI only


def modules() -> dict[str, ast.Module]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def imports(name: str, tree: ast.Module, is_package: bool) -> set[str]:
    """Every module ``name`` imports, at the top or inside functions, relative imports resolved."""
    found = set()
    base = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                root = base[: len(base) - node.level + 1]
                mod = ".".join(root + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found |= {f"{mod}.{a.name}" for a in node.names}  # `from . import messages` imports a module
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    packages = {n for n in mods if (ROOT / n.replace(".", "/") / "__init__.py").exists()}
    return {n: {i for i in imports(n, t, n in packages) if i in mods and i != n} for n, t in mods.items()}


@pytest.mark.parametrize("package", ["indexer", "quizzes"])
def test_indexer_and_quizzes_know_no_chat(package):
    for name, tree in modules().items():
        if name.split(".")[0] == package:
            bad = {i for i in imports(name, tree, False) if i.split(".")[0] in EDGE | {"bot"}}
            assert not bad, f"{name} imports {bad}"


def test_core_and_storage_know_no_transport():
    core = [n for n in modules() if n.startswith("bot.") and not n.startswith(("bot.transports", "bot.cli"))]
    assert "bot.core" in core and "bot.storage.journal" in core
    for name in core:
        mods = graph()[name] | imports(name, modules()[name], False)
        bad = {i for i in mods if i.split(".")[0] in EDGE or i.startswith(("bot.transports", "bot.cli"))}
        assert not bad, f"{name} imports {bad}"


def test_no_import_cycles():
    """A package __init__ may import its own modules; nothing may import its way back to itself."""
    g = graph()

    def edges(n):  # a module's import of its parent package's __init__ only re-enters when the init imports it back
        return {m for m in g[n] if not n.startswith(m + ".")}

    state: dict[str, int] = {}
    path: list[str] = []

    def visit(n):
        state[n] = 1
        path.append(n)
        for m in edges(n):
            if state.get(m) == 1:
                cycle = path[path.index(m):] + [m]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if m not in state:
                visit(m)
        path.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n)


def test_no_module_over_400_lines():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            n = len(path.read_text(encoding="utf-8").splitlines())
            assert n <= 400, f"{path.relative_to(ROOT)} has {n} lines"


def test_nothing_reads_the_environment_outside_settings():
    allowed = {"bot/settings.py", "indexer/embedder.py"}  # embedder only sets HF_HUB_OFFLINE before import
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in allowed:
                assert "os.environ" not in path.read_text(encoding="utf-8"), rel
