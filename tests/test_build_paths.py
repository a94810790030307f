"""One process, many processes, or mostly from the cache: a build writes
the very same files."""

from __future__ import annotations

import pickle
import shutil
import sys

import pytest
from bs4 import BeautifulSoup

from helpers import EPOCH, EXAMPLE_TOKENS, REPO, STUDIO_TOKEN, new_site, tree

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


#: Pelican, run by a program that may start a thread first, saying how
#: Courtside started its workers.
PELICAN_WITH_OR_WITHOUT_A_THREAD = """
import multiprocessing, sys, threading, time
from pelican import main  # (watchfiles asks for a context of its own when imported)
asked = []
get_context = multiprocessing.get_context
multiprocessing.get_context = lambda method=None: (asked.append(method), get_context(method))[1]
if sys.argv[1] == "with a thread":
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
try:
    main(sys.argv[2:])
finally:
    print("workers started by", asked, file=sys.stderr)
"""


def build_started(site, program: str):
    """Build ``site`` in Pelican run by a program ``program`` ("with a
    thread" or "alone"); the result, and how the workers were started."""
    result = site.run(sys.executable, "-c", PELICAN_WITH_OR_WITHOUT_A_THREAD, program,
                      "-s", "pelicanconf.py")
    return result, result.stderr.rpartition("workers started by ")[2].strip()


@pytest.mark.parametrize(("program", "started_by"), [
    ("alone", "['fork']"),  # a copy of the build, with everything imported
    ("with a thread", "['forkserver']"),  # a fork could copy a lock the thread holds
])
def test_the_parallel_path_writes_the_same_files(tmp_path, simple, program, started_by):
    site = new_site(tmp_path / "site")
    write_clients(site.clients, 30)
    configure(site, workers=2, cache=False)
    before = {p.name for p in site.root.iterdir()}
    result, started = build_started(site, program)
    assert result.returncode == 0, result.stderr
    assert started == started_by
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


@pytest.mark.parametrize("program", ["alone", "with a thread"])
def test_workers_run_the_copy_of_the_plugin_that_pelican_loaded(tmp_path, program):
    # A site with its own copy of the plugin in PLUGIN_PATHS, while another
    # copy (this checkout) is installed: every page comes from the site's copy.
    site = new_site(tmp_path / "site")
    (site.root / "plugins").unlink()
    shutil.copytree(REPO / "plugins", site.root / "plugins")
    calendar = site.root / "plugins" / "courtside" / "calendar.py"
    calendar.write_text(calendar.read_text("utf-8").replace(
        "-//Courtside//Client portal", "-//Courtside copy//Client portal"), "utf-8")
    configure(site, workers=2, cache=False)
    result, _ = build_started(site, program)
    assert result.returncode == 0, result.stderr
    feeds = sorted(site.output.glob("p/*/calendar.ics"))
    assert feeds and all(b"PRODID:-//Courtside copy//" in feed.read_bytes() for feed in feeds)


#: An edit that moves Acme's project on the dashboard: the client's overdue
#: step is done, so the studio's next step, not yet due, is the current one.
MOVES_ACME = ("        due: 2026-11-06\n", "        due: 2026-11-06\n        done: 2026-11-10\n")


def dashboard_rows(output):
    """The dashboard's projects, most urgent first."""
    page = BeautifulSoup((output / "studio" / STUDIO_TOKEN / "index.html").read_text("utf-8"),
                         "html.parser")
    return [row.th.a.get_text() + " / " + row.th.div.get_text() for row in page.tbody.find_all("tr")]


def test_a_rebuild_after_an_edit_writes_what_a_clean_build_of_the_edited_files_writes(tmp_path):
    # The dashboard of a rebuild is joined from rows kept in the cache (only
    # the edited client's rendered again), ranked again and counted again.
    site = new_site(tmp_path / "cached")
    write_clients(site.clients, 30)
    configure(site, workers=2)
    assert site.build().returncode == 0
    before = dashboard_rows(site.output)
    entries = {p.name for p in (site.root / "cache" / "courtside").glob("*.pickle")}
    unchanged = {name: (site.output / name).stat().st_mtime_ns
                 for name in ("index.html", "404.html", "_headers", "robots.txt")}
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace(*MOVES_ACME, 1), "utf-8")
    result = site.build()
    assert result.returncode == 0, result.stderr
    # The site's own pages are the same: not written again.
    assert {name: (site.output / name).stat().st_mtime_ns for name in unchanged} == unchanged

    clean = new_site(tmp_path / "clean")
    write_clients(clean.clients, 30)
    shutil.copy(acme, clean.clients / "acme.yaml")
    configure(clean, workers=1, cache=False)
    expected = clean.build()
    assert expected.returncode == 0, expected.stderr
    assert tree(site.output) == tree(clean.output)
    summary = [line for line in result.stdout.splitlines() if line.startswith("Courtside: ")]
    assert summary and summary == [  # the counts too
        line for line in expected.stdout.splitlines() if line.startswith("Courtside: ")]
    after = dashboard_rows(site.output)
    moved = "Website redesign / Acme Corp"
    assert sorted(after) == sorted(before) and after.index(moved) != before.index(moved)
    # Acme's old entry is gone, its new one kept; the others are the same files.
    now = {p.name for p in (site.root / "cache" / "courtside").glob("*.pickle")}
    assert len(now) == len(entries) and len(now - entries) == len(entries - now) == 1


def test_a_torn_cache_entry_is_built_again(tmp_path, simple):
    site = new_site(tmp_path / "site")
    write_clients(site.clients, 30)
    configure(site, workers=2)
    assert site.build().returncode == 0
    entries = sorted((site.root / "cache" / "courtside").glob("*.pickle"))
    for entry in entries:  # as a full disk or a crash in the middle of a write would leave them
        entry.write_bytes(entry.read_bytes()[:len(entry.read_bytes()) // 2])
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert tree(site.output) == simple
    assert all(pickle.loads(entry.read_bytes()) for entry in entries)


def test_a_portal_with_a_password_is_never_kept_in_the_cache(tmp_path):
    from test_password import CLIENT, PASSWORD, TOKEN

    site = new_site(tmp_path / "site")
    site.write_client("geheim", CLIENT)
    configure(site, workers=1)
    for _ in range(2):  # the second build finds nothing of it in the cache, and builds it again
        result = site.build(env={"GEHEIM_PORTAL_PW": PASSWORD})
        assert result.returncode == 0, result.stderr
        entries = list((site.root / "cache" / "courtside").glob("*.pickle"))
        assert len(entries) == len(list(site.clients.glob("*.yaml"))) - 1
        kept = b"".join(entry.read_bytes() for entry in entries)
        assert not [secret for secret in ("Geheim", "Vault redesign", "Secret prototype", "Bluebird",
                                          TOKEN) if secret.encode() in kept]
        assert "Vault redesign / Geheim & Partner" in dashboard_rows(site.output)
        assert "Secret prototype" not in site.portal_file(TOKEN).read_text("utf-8")


def test_a_build_that_stops_on_a_mistake_leaves_the_process_as_it_found_it(tmp_path, monkeypatch):
    """As Pelican's --autoreload builds, in one process: a client file with a
    mistake, then fixed. What the build that stopped had read is not kept
    from the garbage collector for the rest of the process (each failed
    rebuild would keep another site's worth of objects), and the next
    build writes the site."""
    import gc

    from pelican import Pelican
    from pelican.settings import read_settings

    from courtside.problems import CourtsideError

    site = new_site(tmp_path / "site")
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    acme = site.clients / "acme.yaml"
    good = acme.read_text("utf-8")
    acme.write_text(good + "unknown_key: 1\n", "utf-8")
    frozen = gc.get_freeze_count()
    with pytest.raises(CourtsideError):
        Pelican(read_settings("pelicanconf.py")).run()
    assert gc.get_freeze_count() == frozen
    acme.write_text(good, "utf-8")
    Pelican(read_settings("pelicanconf.py")).run()
    assert gc.get_freeze_count() == frozen
    assert site.portal_file(EXAMPLE_TOKENS["acme", "website-redesign"]).is_file()


def test_a_file_saved_while_it_is_built_is_built_again_by_the_next_build(tmp_path, monkeypatch):
    """An editor saves again while the build is rendering the file (serve's
    rebuilds, an autosave every keystroke): the pages made from what was
    read must not be kept as the pages of what is there now, or the next
    build serves them and the last edit never shows."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from courtside.build import cache

    site = new_site(tmp_path / "site")
    configure(site, workers=1)
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    acme = site.clients / "acme.yaml"
    edited = acme.read_text("utf-8").replace("title: Website redesign", "title: Relaunch")
    build_client = cache.build_client

    def saved_meanwhile(path, context):
        rendered = build_client(path, context)
        if path.name == "acme.yaml":
            acme.write_text(edited, "utf-8")
        return rendered

    monkeypatch.setattr(cache, "build_client", saved_meanwhile)
    Pelican(read_settings("pelicanconf.py")).run()
    page = site.portal_file(EXAMPLE_TOKENS["acme", "website-redesign"])
    assert "<h1>Website redesign</h1>" in page.read_text("utf-8")  # as it was read
    monkeypatch.setattr(cache, "build_client", build_client)
    Pelican(read_settings("pelicanconf.py")).run()
    assert "<h1>Relaunch</h1>" in page.read_text("utf-8")


@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
@pytest.mark.parametrize("loop", [["output"], ["output", "output.other"]],
                         ids=["one link", "two links"])
def test_an_output_folder_whose_link_leads_back_to_itself_is_an_error_naming_it(site, loop,
                                                                               settings):
    """Path.resolve raised on it (Python 3.11): a traceback, as Courtside
    took the build's output folder. Then Pelican's 'output: File exists', or
    in a production build, once everything was built, 'Not a directory' of
    the folder it had built into. Now said before anything is built."""
    for name, target in zip(loop, loop[1:] + loop[:1], strict=True):
        (site.root / name).symlink_to(target)
    result = site.build(settings, env={"COLUMNS": "400", "SITEURL": "https://portals.example"})
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out and "RuntimeError" not in out, out
    assert "output: the output folder is a symbolic link that leads back to itself" in out, out
    assert "courtside-next" not in out and "portals for" not in out, out
    assert sorted(path.name for path in site.root.iterdir() if "output" in path.name) == loop


def test_a_folder_where_a_page_goes_is_an_error_naming_the_page(site):
    """A folder in the front page's place: the message names output/index.html,
    not the temporary file the page was written to before its rename."""
    assert site.build().returncode == 0
    (site.output / "index.html").unlink()
    (site.output / "index.html").mkdir()
    result = site.build(env={"COLUMNS": "400"})  # Pelican's log, on one line
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out, out
    assert f"{site.output / 'index.html'}: Is a directory" in out and ".tmp" not in out, out
    assert not list(site.output.glob(".*.tmp"))
