"""Imports run one way: adapters -> core -> indexer / quizzes."""

import ast

import pytest

from conftest import ROOT

FORBIDDEN = {"telegram", "httpx", "bot"}


@pytest.mark.parametrize("package", ["indexer", "quizzes"])
def test_core_packages_know_no_chat(package):
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(ROOT)} imports {name}"


def test_nothing_reads_the_environment_outside_settings():
    allowed = {"bot/settings.py", "indexer/embedder.py"}  # embedder only sets HF_HUB_OFFLINE before import
    for package in ("bot", "indexer", "quizzes"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in allowed:
                assert "os.environ" not in path.read_text(encoding="utf-8"), rel
