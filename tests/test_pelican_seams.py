"""What Courtside assumes of Pelican beyond its plugin API holds for the
Pelican installed (``courtside._pelican`` lists those assumptions).

After a Pelican upgrade, a failure here names the assumption that broke,
instead of a build that fails somewhere far from the cause."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pelican import log
from pelican.generators import Generator
from pelican.settings import read_settings

from courtside import _pelican

REPO = Path(__file__).resolve().parents[1]


def test_pelican_prints_to_a_rich_console():
    from rich.console import Console

    assert isinstance(_pelican.console(), Console)


def test_fatal_warnings_are_read_from_pelicans_logger_class(monkeypatch):
    monkeypatch.setattr(log.FatalLogger, "fatal_lvl", log.FatalLogger.fatal_lvl)  # put back after
    assert logging.getLoggerClass() is log.FatalLogger
    assert not _pelican.warnings_are_fatal()
    log.init(fatal="warnings", handler=None)  # as `pelican --fatal warnings` does
    assert _pelican.warnings_are_fatal()


def test_a_generator_says_where_its_templates_come_from(tmp_path):
    overrides = tmp_path / "overrides"
    settings = read_settings(override={"PATH": str(tmp_path), "THEME": str(REPO / "theme"),
                                       "THEME_TEMPLATES_OVERRIDES": [str(overrides)]})
    generator = Generator(context={}, settings=settings, path=str(tmp_path),
                          theme=settings["THEME"], output_path=str(tmp_path / "output"))
    assert _pelican.template_folders(generator) == (str(overrides), str(REPO / "theme" / "templates"))


def test_workers_find_this_copy_of_the_package_first(monkeypatch):
    monkeypatch.setattr(sys, "path", ["/somewhere/else", *sys.path])
    _pelican.importable_in_workers()
    import courtside

    assert Path(sys.path[0]) / "courtside" == Path(courtside.__file__).resolve().parent


SEAM_PLUGIN = """\
import logging, os, sys
from pathlib import Path
from pelican import signals
from courtside import _pelican

class Seen(logging.Filter):
    def filter(self, record):
        if record.exc_info:
            print("fatal log seen:", type(record.exc_info[1]).__name__, file=sys.stderr)
        return True

def redirect(pelican):
    _pelican.redirect_output(pelican, Path(pelican.settings["PATH"]).parent / "elsewhere")

def fail(pelican):
    if os.environ.get("SEAM_FAIL"):
        error = OSError("the disk is on fire")
        _pelican.set_exit_code(error, 7)
        raise error

def register():
    _pelican.filter_fatal_log(Seen())
    signals.initialized.connect(redirect)
    signals.finalized.connect(fail)
"""


@pytest.mark.e2e
def test_a_run_writes_where_it_was_redirected_and_exits_with_the_code_its_error_carries(tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "seamcheck.py").write_text(SEAM_PLUGIN)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "hello.md").write_text("Title: Hello\nDate: 2026-11-23\n\nHello.\n")
    (tmp_path / "pelicanconf.py").write_text(textwrap.dedent("""\
        PATH = "content"
        PLUGIN_PATHS = ["plugins"]
        PLUGINS = ["seamcheck"]
        TIMEZONE = "UTC"
        FEED_ALL_ATOM = None
        """))
    environ = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}

    def pelican(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pelican", "-s", "pelicanconf.py"],
                              cwd=tmp_path, env={**environ, **extra}, capture_output=True,
                              text=True, timeout=120)

    built = pelican()
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "elsewhere" / "hello.html").is_file()
    assert not (tmp_path / "output").exists()  # Pelican wrote nothing where it was told at first

    failed = pelican(SEAM_FAIL="1")
    assert failed.returncode == 7, failed.stderr
    assert "fatal log seen: OSError" in failed.stderr


def test_a_later_generator_sees_the_files_written_for_pelicans_pages(tmp_path):
    from pelican.generators import PagesGenerator

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "home.md").write_text("Title: Home\nSave_as: index.html\n\nHello.\n")
    (tmp_path / "pages" / "gone.md").write_text("Title: Gone\nStatus: hidden\n\nNothing.\n")
    settings = read_settings(override={"PATH": str(tmp_path), "THEME": str(REPO / "theme"),
                                       "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
    context = {**settings, "generated_content": {}, "static_links": set(), "static_content": {}}
    common = {"context": context, "settings": settings, "path": str(tmp_path),
              "theme": settings["THEME"], "output_path": str(tmp_path / "output")}
    PagesGenerator(**common).generate_context()
    later = Generator(**common)
    assert _pelican.page_files(later) == {"index.html", "pages/gone.html"}



def test_pelican_copies_each_static_file_through_its_copy_file(tmp_path, monkeypatch):
    # The theme's files and content/'s static files go through
    # pelican.utils.copy, which looks copy_file up each time it copies one:
    # what copy_files_in_one_step replaces.
    from pelican import utils

    copied = []
    monkeypatch.setattr(utils, "copy_file", lambda source, destination: copied.append(
        (Path(source).name, Path(destination).relative_to(tmp_path).as_posix())))
    (tmp_path / "theme" / "static" / "css").mkdir(parents=True)
    (tmp_path / "theme" / "static" / "css" / "site.css").write_text("p {}")
    utils.copy(str(tmp_path / "theme" / "static"), str(tmp_path / "output" / "theme"))
    assert copied == [("site.css", "output/theme/css/site.css")]
