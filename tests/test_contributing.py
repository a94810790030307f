"""CONTRIBUTING.md's table of modules names every module of the package,
and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "plugins" / "courtside"
SOURCE_SUFFIXES = {".py", ".js", ".json"}


def listed_modules() -> set[str]:
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    table = text.split("<!-- modules -->")[1].split("<!-- /modules -->")[0]
    first_cells = [line.split("|")[1] for line in table.strip().splitlines()[2:]]
    return {name for cell in first_cells for name in re.findall(r"`([^`]+)`", cell)}


def shipped_modules() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*")
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts}


def test_every_module_is_in_the_table_of_concerns():
    assert sorted(shipped_modules() - listed_modules()) == []


def test_the_table_names_only_modules_that_exist():
    assert sorted(listed_modules() - shipped_modules()) == []
