"""Every use Courtside makes of Pelican beyond its documented plugin API.

Pelican documents signals, generators and settings. Courtside also leans on a
few things Pelican does not promise; they are gathered here, each with what it
relies on, so that an upgrade of Pelican has one file to read.
``tests/test_pelican_seams.py`` checks every one of them against the
installed Pelican and fails loudly, naming the assumption, when one no
longer holds.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pelican import Pelican
    from pelican.generators import Generator
    from rich.console import Console

#: The logger Pelican's command logs a run's fatal exception to.
PELICAN_LOGGER = "pelican"


def console() -> Console:
    """The terminal Pelican prints to (``pelican.log.console``): a progress
    bar shown there shares the terminal with Pelican's own output."""
    from pelican.log import console as pelican_console

    terminal: Console = pelican_console  # Pelican ships no types
    return terminal


def warnings_are_fatal() -> bool:
    """Whether Pelican runs with ``--fatal warnings``. Pelican keeps that as
    ``fatal_lvl`` on its logger class (``pelican.log.FatalLogger``)."""
    return getattr(logging.getLoggerClass(), "fatal_lvl", logging.CRITICAL + 1) <= logging.WARNING


def template_folders(generator: Generator) -> tuple[str, ...]:
    """The folders a generator's templates come from, in Pelican's order
    (``THEME_TEMPLATES_OVERRIDES``, then the theme's): Pelican keeps them
    in the private ``_templates_path``."""
    return tuple(str(path) for path in generator._templates_path)


def page_files(generator: Generator) -> set[str]:
    """The files Pelican writes for the pages in content/, published or
    hidden, by their paths in the output folder. Pelican's page generator
    puts its pages into the context every generator shares, as the
    templates' ``pages`` and ``hidden_pages``; generators run in turn, so a
    later generator sees them (``tests/test_pelican_seams.py``)."""
    context = generator.context
    return {page.save_as for key in ("pages", "hidden_pages")
            for page in context.get(key, ()) if page.save_as}


def redirect_output(pelican: Pelican, folder: Path) -> None:
    """Make this run write its site into ``folder``. Called at
    ``initialized``: Pelican reads ``pelican.output_path`` (not the setting)
    when it empties the output folder and makes its writer, both later."""
    pelican.output_path = str(folder)
    pelican.settings["OUTPUT_PATH"] = str(folder)


def filter_fatal_log(log_filter: logging.Filter) -> None:
    """Pelican's command logs an exception that ends a run to the
    ``pelican`` logger, with its traceback (``exc_info``); ``log_filter``
    sees that record first."""
    logging.getLogger(PELICAN_LOGGER).addFilter(log_filter)


def set_exit_code(error: BaseException, code: int) -> None:
    """Pelican's command ends a failed run with ``sys.exit(error.exitcode)``
    when the exception has one (and 1 otherwise)."""
    error.exitcode = code  # type: ignore[attr-defined]  # Pelican's convention, not Python's


def importable_in_workers() -> None:
    """Pelican loads a plugin from ``PLUGIN_PATHS`` by putting those folders
    on the main process's ``sys.path`` only. Worker processes import the
    package by name: the folder holding this very copy goes first on the
    path they inherit, so that they find it rather than another one
    installed."""
    package_parent = str(Path(__file__).resolve().parents[1])
    if sys.path[:1] != [package_parent]:
        sys.path.insert(0, package_parent)


def copy_files_in_one_step() -> None:
    """Pelican copies the theme's files and content/'s static files (the
    logo) into the output folder at every build, with ``shutil.copyfile``
    (in ``pelican.utils.copy_file``, which ``pelican.utils.copy`` looks up
    each time it copies a file): a file already there is emptied, then
    written. A page the preview serves during a rebuild would get an empty
    stylesheet. A file already there is replaced in one step instead, and
    left alone when it is the same; a new one (a production build's fresh
    folder holds nothing yet) is still Pelican's to copy, as is any file the
    one step cannot write (Pelican's warning then says so)."""
    from pelican import utils

    from .files import replace_if_changed

    pelicans = utils.copy_file
    if getattr(pelicans, "courtside", False):  # already in place (one process, several runs)
        return

    def copy_file(source: str, destination: str) -> None:
        if not os.path.isfile(destination):
            pelicans(source, destination)
            return
        try:
            replace_if_changed(Path(destination), Path(source).read_bytes())
        except OSError:
            pelicans(source, destination)

    copy_file.courtside = True  # type: ignore[attr-defined]
    utils.copy_file = copy_file
