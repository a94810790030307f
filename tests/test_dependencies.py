"""The declared dependencies match the code and the locks.

- every third-party module the plugin imports, at the top of a module or
  inside a function, comes from a distribution named in `[project]
  dependencies` (a package that only arrives with another one may leave with
  its next release);
- every runtime dependency is pinned in requirements/runtime.txt, inside the
  range pyproject.toml gives it, and the development lock pins the same
  versions (production builds what the tests ran).

Reads files only: no network, no install.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "plugins" / "courtside"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def runtime_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {canonicalize_name(r.name): r for r in requirements}


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def imported_modules(folder: Path) -> dict[str, str]:
    """Top-level name of every absolute import → the first place it is made."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def third_party(modules: dict[str, str]) -> dict[str, str]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    ours = {"courtside", *setuptools.get("py-modules", [])}  # the command's entry point too
    return {name: where for name, where in modules.items()
            if name not in sys.stdlib_module_names and name not in ours}


def test_the_scan_sees_the_imports_it_is_meant_to_check():
    modules = imported_modules(PACKAGE)
    # One import at the top of a module, one inside a function, one submodule.
    assert {"pelican", "holidays", "icalendar", "ruamel"} <= set(third_party(modules))
    assert "json" in modules and "json" not in third_party(modules)


def test_every_third_party_import_is_a_declared_runtime_dependency():
    declared = set(runtime_requirements())
    distributions = packages_distributions()
    undeclared = []
    for module, where in sorted(third_party(imported_modules(PACKAGE)).items()):
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not providers:
            undeclared.append(f"{where}: {module} (no installed distribution provides it)")
        elif not providers & declared:
            undeclared.append(f"{where}: {module} (from {', '.join(sorted(providers))})")
    assert not undeclared, "imported but not in [project] dependencies:\n" + "\n".join(undeclared)


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_every_runtime_dependency_is_pinned_in_its_range(lock):
    pinned = pins(lock)
    problems = []
    for name, requirement in runtime_requirements().items():
        if name not in pinned:
            problems.append(f"{name}: not pinned")
        elif not requirement.specifier.contains(pinned[name], prereleases=True):
            problems.append(f"{name}=={pinned[name]} is outside {requirement.specifier}")
    assert not problems, f"requirements/{lock} (run `make lock`):\n" + "\n".join(problems)


def test_the_development_lock_pins_what_production_runs():
    runtime, dev = pins("runtime.txt"), pins("dev.txt")
    differ = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert not differ, f"runtime.txt and dev.txt pin differently (run `make lock`): {differ}"


def test_the_locks_carry_a_hash_for_every_pin():
    """`pip install --require-hashes` refuses a lock with one pin unhashed."""
    for lock in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        entries = re.findall(r"^([A-Za-z0-9]\S*==\S+)((?:\s*\\\n\s+--hash=sha256:\w+)*)", text, re.MULTILINE)
        assert entries, lock
        assert not [pin for pin, hashes in entries if not hashes], lock
