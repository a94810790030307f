"""One process, many processes, or mostly from the cache: a build writes
the very same files."""

from __future__ import annotations

import shutil
import sys

import pytest

from helpers import EXAMPLE_TOKENS, REPO, new_site, tree

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import write_clients, write_history  # noqa: E402

#: Every test compares the trees of real builds.
pytestmark = pytest.mark.e2e


def configure(site, **options):
    conf = site.root / "pelicanconf.py"
    text = conf.read_text("utf-8")
    extra = "".join(f'    "{key}": {value!r},\n' for key, value in options.items())
    conf.write_text(text.replace("COURTSIDE = {\n", "COURTSIDE = {\n" + extra, 1), "utf-8")


@pytest.fixture(scope="module")
def simple(tmp_path_factory):
    """The reference: examples plus 30 synthetic clients, one process, no cache."""
    site = new_site(tmp_path_factory.mktemp("simple") / "site")
    write_clients(site.clients, 30)
    configure(site, workers=1, cache=False)
    result = site.build()
    assert result.returncode == 0, result.stderr
    return tree(site.output)


def test_the_parallel_path_writes_the_same_files(tmp_path, simple):
    site = new_site(tmp_path / "site")
    write_clients(site.clients, 30)
    configure(site, workers=2, cache=False)
    before = {p.name for p in site.root.iterdir()}
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert tree(site.output) == simple
    # Pages are staged beside the output while they are built: nothing stays.
    assert {p.name for p in site.root.iterdir()} - before == {"output"}


def test_the_cached_path_writes_the_same_files_and_rebuilds_only_what_changed(tmp_path, simple):
    site = new_site(tmp_path / "site")
    write_clients(site.clients, 30)
    configure(site, workers=2)
    assert site.build().returncode == 0
    assert tree(site.output) == simple
    cached = sorted((site.root / "cache" / "courtside").glob("*.pickle"))
    assert len(cached) == 33

    # Nothing changed: the second build writes nothing and gives the same tree.
    page = site.portal_file(EXAMPLE_TOKENS["acme", "website-redesign"])
    before = page.stat().st_mtime_ns
    assert site.build().returncode == 0
    assert page.stat().st_mtime_ns == before
    assert tree(site.output) == simple

    # One client changes: its pages change, every other file stays as it was.
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace("title: Kickoff call", "title: Kick-off call"), "utf-8")
    assert site.build().returncode == 0
    changed = {name for name, data in tree(site.output).items() if simple.get(name) != data}
    token = EXAMPLE_TOKENS["acme", "website-redesign"]
    assert changed and all(f"p/{token}/" in name or name.startswith("studio/") for name in changed)
    assert "Kick-off call" in page.read_text("utf-8")

    # Changed back, the tree is the reference again; a page deleted by hand comes back.
    acme.write_text(acme.read_text("utf-8").replace("title: Kick-off call", "title: Kickoff call"), "utf-8")
    page.unlink()
    assert site.build().returncode == 0
    assert tree(site.output) == simple


def test_a_production_build_from_the_cache_writes_the_same_files(tmp_path, simple):
    site = new_site(tmp_path / "site")
    write_clients(site.clients, 30)
    configure(site, workers=2)
    env = {"SITEURL": "https://portals.example"}
    assert site.build("publishconf.py", env=env).returncode == 0
    first = tree(site.output)
    assert site.build("publishconf.py", env=env).returncode == 0  # output emptied first
    assert tree(site.output) == first


def history_site(root):
    """The examples and 30 synthetic clients, each file with 6 versions in git."""
    site = new_site(root)
    write_clients(site.clients, 30)
    write_history(site.clients, 6, repository=site.root)
    return site


def test_a_deploy_with_the_history_kept_writes_what_a_clean_build_writes(tmp_path):
    reference = history_site(tmp_path / "reference")
    configure(reference, workers=1, cache=False)
    assert reference.build().returncode == 0
    clean = tree(reference.output)
    assert sum(b'<details class="moves">' in data for data in clean.values()) > 20  # history shown

    site = history_site(tmp_path / "site")
    configure(site, workers=2)
    assert site.build().returncode == 0
    assert tree(site.output) == clean
    # A deploy: a fresh checkout with the history's folder restored, every
    # portal built again from the histories kept.
    for name in ("output", "cache/courtside", "cache/courtside-templates"):
        shutil.rmtree(site.root / name)
    assert len(list((site.root / "cache" / "courtside-history").glob("*.pickle"))) == 33
    assert site.build().returncode == 0
    assert tree(site.output) == clean


def test_a_changed_template_is_not_served_from_the_cache(tmp_path):
    site = new_site(tmp_path / "site")
    configure(site, cache=True)
    assert site.build().returncode == 0
    agreement = site.root / "content" / "agreements" / "standard.md"
    agreement.write_text(agreement.read_text("utf-8") + "\nA new closing line.\n", "utf-8")
    assert site.build().returncode == 0
    assert "A new closing line." in site.portal_file(EXAMPLE_TOKENS["acme", "website-redesign"]).read_text("utf-8")


def test_workers_run_the_copy_of_the_plugin_that_pelican_loaded(tmp_path):
    # A site with its own copy of the plugin in PLUGIN_PATHS, while another
    # copy (this checkout) is installed: every page comes from the site's copy.
    site = new_site(tmp_path / "site")
    (site.root / "plugins").unlink()
    shutil.copytree(REPO / "plugins", site.root / "plugins")
    calendar = site.root / "plugins" / "courtside" / "calendar.py"
    calendar.write_text(calendar.read_text("utf-8").replace(
        "-//Courtside//Client portal", "-//Courtside copy//Client portal"), "utf-8")
    configure(site, workers=2, cache=False)
    result = site.build()
    assert result.returncode == 0, result.stderr
    feeds = sorted(site.output.glob("p/*/calendar.ics"))
    assert feeds and all(b"PRODID:-//Courtside copy//" in feed.read_bytes() for feed in feeds)
