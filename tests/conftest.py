"""Fixtures and hooks; the helpers they use are in ``helpers.py``.

The tests come in layers (markers registered in ``pyproject.toml``):

- unmarked, the fast layer (``make test-fast``): the rules, the loader and
  the commands, in-process;
- ``e2e``: real Pelican builds and ``courtside`` commands in a subprocess,
  one per failure path, proving what only a whole process shows (exit code,
  no traceback, the output folder untouched);
- ``browser``: Playwright driving Debian's chromium.

A test of the fast layer that starts a build or a command in a subprocess
fails, saying so (``helpers.LayeredPopen``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
from helpers import CHROMIUM, CHROMIUM_ARGS, EPOCH, Site, in_process, new_site

#: What a studio's environment (its deploy workflow, its shell) may set that
#: changes what a build makes; each test sets what it needs itself.
STUDIO_VARIABLES = ("SITEURL", "COURTSIDE_STUDIO_TOKEN", "SOURCE_DATE_EPOCH")


@pytest.fixture(scope="session", autouse=True)
def _without_the_studios_environment():
    """The deploy workflows run the tests with the studio's SITEURL and
    dashboard token set: every build and command of the tests, in-process or
    not, runs without them."""
    saved = {name: os.environ.pop(name) for name in STUDIO_VARIABLES if name in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture
def site(tmp_path) -> Site:
    """A fresh site with the example clients, not built yet."""
    return new_site(tmp_path / "site")


@pytest.fixture
def empty_site(tmp_path) -> Site:
    """A fresh site with no client files."""
    return new_site(tmp_path / "site", examples=False)


@pytest.fixture(scope="session")
def examples(tmp_path_factory) -> Site:
    """The example clients, built once on Mon 23 Nov 2026."""
    built = new_site(tmp_path_factory.mktemp("examples") / "site")
    result = built.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return built


@pytest.fixture
def courtside(monkeypatch, capsys):
    """``courtside(site, *argv)``: the command run in this process, in the
    site's folder, as ``site.courtside(*argv)`` runs it in a subprocess (the
    same ``epoch`` and ``env`` for this call only); a ``CompletedProcess``."""
    def run(site: Site, *argv: str, epoch: int | None = EPOCH, env: dict | None = None):
        with monkeypatch.context() as call:
            call.chdir(site.root)
            if epoch is None:
                call.delenv("SOURCE_DATE_EPOCH", raising=False)
            else:
                call.setenv("SOURCE_DATE_EPOCH", str(epoch))
            for key, value in (env or {}).items():
                call.setenv(key, value)
            # publishconf.py imports pelicanconf from the current folder: this
            # site's, not one an earlier test imported, nor the repository's
            # own (`python -m pytest` puts the folder it starts in on the path).
            call.setattr(sys, "path", [path for path in sys.path
                                       if Path(path or os.curdir).resolve() != helpers.REPO])
            for module in ("pelicanconf", "publishconf"):
                call.delitem(sys.modules, module, raising=False)
            result = in_process(list(argv), capsys)
            for module in ("pelicanconf", "publishconf"):
                sys.modules.pop(module, None)
            return result
    return run


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- the layers ----------------------------------------------------------------------------

subprocess.Popen = helpers.LayeredPopen


def _in_layers(item) -> bool:
    return any(item.get_closest_marker(name) for name in ("e2e", "browser"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    helpers.real_processes_allowed = _in_layers(item)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    helpers.real_processes_allowed = _in_layers(item)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    helpers.real_processes_allowed = True
    return (yield)
