"""The layers of the code, read from its imports (ast): what the servers load never reaches
`tools/` or the tests, and where things are is defined in `project.py` alone."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from project import ROOT

# What the Rasa server (channels, components, stores, the run-time setup) and the action
# server (actions) load; `project` is what they all share.
SERVER_PACKAGES = ("actions", "channels", "components", "runtime", "stores")
TOOL_LAYERS = ("tools", "tests", "bin")
DEFINED_IN_PROJECT = {
    "ROOT",
    "MODEL",
    "PROFILES",
    "CREDENTIALS",
    "LANGUAGES",
    "SUPPORTED",
    "DEFAULT_LANGUAGE",
}


def modules(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def imported(path: Path, package: tuple[str, ...] | None = None) -> Iterator[tuple[int, str]]:
    """(line, module) for each import in the file, relative imports resolved against its
    package (by default, where the file is under the project's root)."""
    package = path.relative_to(ROOT).parent.parts if package is None else package
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            yield node.lineno, ".".join([*base, node.module or ""]).strip(".")


def top_level(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("path", modules(*SERVER_PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_what_the_servers_load_never_imports_the_tools(path: Path) -> None:
    wrong = [(line, name) for line, name in imported(path) if top_level(name) in TOOL_LAYERS]
    assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}: move what it needs out of tools/"


def test_project_imports_nothing_of_the_project() -> None:
    first_party = {*SERVER_PACKAGES, *TOOL_LAYERS}
    assert [name for _, name in imported(ROOT / "project.py") if top_level(name) in first_party] == []


def assigned_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize(
    "path", modules(*SERVER_PACKAGES, "tools", "tests"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_paths_profiles_and_languages_are_defined_in_project_only(path: Path) -> None:
    assert assigned_names(path) & DEFINED_IN_PROJECT == set(), "import it from project.py"


def test_the_checks_see_a_wrong_import(tmp_path: Path) -> None:
    """The walk above finds imports in every form, relative ones included."""
    module = tmp_path / "probe.py"
    module.write_text(
        "from ..tools import serve\nimport tools.webpage\nfrom tools.chat import ask\nfrom . import x"
    )
    names = [name for _, name in imported(module, ("channels",))]
    assert names == ["tools", "tools.webpage", "tools.chat", "channels"]
    assert [top_level(name) in TOOL_LAYERS for name in names] == [True, True, True, False]
