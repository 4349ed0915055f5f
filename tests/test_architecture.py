"""The architecture's rules, checked on the source: the next break fails the suite.

1. No package module imports Airflow at import time; a lazy import (inside a function)
   only in the delivery adapter, `deliver/transports.py`, the one place the package meets
   Airflow's hooks, connections and variables.
2. SQLAlchemy is imported only under `store/`.
3. No production code (the package, the DAGs, the plugins) imports the development kit
   (`tests/`, with the demo) or the modules that used to hold it.
4. A DAG file imports nothing but the package, `airflow.sdk` and the standard library.
5. README.md's architecture tour names every module and folder of the package, and
   nothing that is not there.

Imports are read with `ast`, so a rule holds for code that is never run by a test.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "include" / "coalition_watch"
DAGS = ROOT / "dags"
PLUGINS = ROOT / "plugins"
AIRFLOW_ADAPTER = PACKAGE / "deliver" / "transports.py"
KIT_MODULES = ("tests", "coalition_watch.testing", "coalition_watch.demo")


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the absolute module imported (for `from x import y`: x, and x.y)
    lazy: bool  # inside a function body: runs only when the function does

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: imports {self.module}"


def imports(path: Path) -> list[Import]:
    """Every import of the file, except those under `if TYPE_CHECKING:` (never executed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit_one(other, lazy)
                continue
            visit_one(child, lazy)

    def visit_one(node: ast.AST, lazy: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(path, node.lineno, alias.name, lazy) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(Import(path, node.lineno, node.module, lazy))
            found.extend(
                Import(path, node.lineno, f"{node.module}.{alias.name}", lazy)
                for alias in node.names
            )
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            visit(node, lazy=True)
        else:
            visit(node, lazy)

    visit(tree, lazy=False)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def package_files() -> list[Path]:
    return _files(PACKAGE)


def production_files() -> list[Path]:
    return _files(PACKAGE) + _files(DAGS) + _files(PLUGINS)


def test_the_rules_see_every_file():
    """A rule that reads no file passes for nothing."""
    assert len(package_files()) > 50 and len(_files(DAGS)) >= 5 and _files(PLUGINS)
    assert AIRFLOW_ADAPTER in package_files()


def test_no_package_module_imports_airflow_at_import_time():
    broken = [
        str(i)
        for path in package_files()
        for i in imports(path)
        if _is(i.module, "airflow") and not i.lazy
    ]
    assert not broken, "Airflow imported at module level:\n" + "\n".join(broken)


def test_only_the_delivery_adapter_imports_airflow_even_lazily():
    broken = [
        str(i)
        for path in package_files()
        if path != AIRFLOW_ADAPTER
        for i in imports(path)
        if _is(i.module, "airflow")
    ]
    assert not broken, "Airflow outside deliver/transports.py:\n" + "\n".join(broken)


def test_sqlalchemy_is_imported_only_in_the_store():
    store = PACKAGE / "store"
    broken = [
        str(i)
        for path in production_files()
        if store not in path.parents
        for i in imports(path)
        if _is(i.module, "sqlalchemy")
    ]
    assert not broken, "SQLAlchemy outside store/:\n" + "\n".join(broken)


def test_production_code_never_imports_the_kit_or_the_demo():
    broken = [
        str(i) for path in production_files() for i in imports(path) if _is(i.module, *KIT_MODULES)
    ]
    assert not broken, "production code importing the development kit:\n" + "\n".join(broken)
    assert not (PACKAGE / "testing").exists() and not (PACKAGE / "demo.py").exists()


@pytest.mark.parametrize("dag_file", _files(DAGS), ids=lambda p: p.name)
def test_a_dag_file_imports_only_the_package_the_task_sdk_and_the_standard_library(dag_file):
    stdlib = sys.stdlib_module_names | {"__future__"}
    broken = [
        str(i)
        for i in imports(dag_file)
        if not _is(i.module, "coalition_watch", "airflow.sdk")
        and i.module.split(".")[0] not in stdlib
    ]
    assert not broken, "DAG file imports beyond the package and airflow.sdk:\n" + "\n".join(broken)


def test_the_checker_reads_lazy_and_type_checking_imports_apart(tmp_path):
    """The rules above rely on telling these cases apart."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "if TYPE_CHECKING:\n"
        "    import sqlalchemy\n"
        "def f():\n"
        "    from airflow.hooks.base import BaseHook\n"
        "class C:\n"
        "    import json\n",
        encoding="utf-8",
    )
    found = {(i.module, i.lazy) for i in imports(sample)}
    assert ("os", False) in found and ("json", False) in found
    assert ("airflow.hooks.base", True) in found and ("airflow.hooks.base.BaseHook", True) in found
    assert not any(module == "sqlalchemy" for module, _ in found)


def test_the_readme_tour_names_every_module_and_only_what_exists():
    """The architecture tour in README.md matches the tree."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("| Folder | What lives there |")
    tour = readme[start : readme.index("\n\n", start)]
    named = set(re.findall(r"`\s*([\w./-]+(?:\.py|\.yaml|/))`", tour))  # paths, not commands
    top_level = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    folders = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert not (top_level | folders) - named, "modules the tour leaves out"
    places = (PACKAGE, ROOT, ROOT / "tests", *(p for p in PACKAGE.iterdir() if p.is_dir()))
    for name in named:
        assert any((place / name).exists() for place in places), f"the tour names {name}: absent"
