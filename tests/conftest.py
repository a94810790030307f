"""Fixtures; the helpers they use are in ``helpers.py``."""

from __future__ import annotations

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, Site, new_site


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


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

