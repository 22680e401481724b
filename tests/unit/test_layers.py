"""The layers import one way: common <- glossary <- translate <- newsroom <- workers <- desk.

Every module's imports are read from its syntax tree (imports inside functions included), so a
lazy import cannot hide an arrow that runs back up."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

LAYERS = ("common", "glossary", "translate", "newsroom", "workers", "desk")


def imported_packages(path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def modules():
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            yield layer, path


@pytest.mark.parametrize(("layer", "path"), list(modules()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_imports_run_down_the_layers(layer, path):
    rank = LAYERS.index(layer)
    upward = sorted(f"line {line}: {package}" for package, line in imported_packages(path)
                    if package in LAYERS and LAYERS.index(package) > rank)
    assert not upward, f"{path.relative_to(ROOT)} ({layer}) imports a layer above it: {upward}"


def test_every_layer_exists_and_is_a_package():
    for layer in LAYERS:
        assert (ROOT / layer / "__init__.py").is_file(), layer


def test_the_checker_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from desk.cli import cli\n    import workers.app\n")
    assert {p for p, _ in imported_packages(module)} == {"desk", "workers"}
