"""The house rules of the code: imports go one way (pyproject.toml, [tool.importlinter]), every
folder of pipelines/ is placed in that order, and no function grows past a screen unexplained."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipelines", "connectors", "schemas")
MAX_LINES = 60


def _config() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]


def test_imports_go_one_way_from_wiring_to_declarations():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    contracts = len(_config()["contracts"])
    assert f"Contracts: {contracts} kept, 0 broken." in done.stdout


def test_every_folder_of_pipelines_has_its_place_in_the_layers():
    layers = next(c for c in _config()["contracts"] if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    folders = {
        f"pipelines.{p.name}"
        for p in (PROJECT / "pipelines").iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    }
    modules = {
        f"pipelines.{p.stem}"
        for p in (PROJECT / "pipelines").glob("*.py")
        if p.stem not in ("__init__", "__main__")
    }
    assert folders | modules <= placed, sorted((folders | modules) - placed)
    assert {"connectors", "schemas"} <= placed


def test_schemas_import_nothing_else_of_the_project():
    for path in (PROJECT / "schemas").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                top = name.split(".")[0]
                assert top not in ("pipelines", "connectors"), f"{path.name} imports {name}"


def _long_functions() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (PROJECT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                length = node.end_lineno - node.lineno + 1
                docstring = ast.get_docstring(node) or ""
                if length > MAX_LINES and "Long because" not in docstring:
                    found.append(
                        f"{path.relative_to(PROJECT)}:{node.lineno} {node.name} ({length})"
                    )
    return found


def test_no_function_is_longer_than_a_screen_without_saying_why():
    assert _long_functions() == []
