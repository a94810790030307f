"""Courtside: private client portals from YAML files, as a Pelican plugin.

``PLUGINS = ["courtside"]`` in ``pelicanconf.py`` and a ``COURTSIDE``
settings dict are all it needs; see ``settings.py``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pelican import signals

from . import _pelican
from .build.publishing import PelicanRun, Publication
from .problems import QuietCourtsideErrors
from .settings import courtside_settings

if TYPE_CHECKING:
    from .build.generator import PortalGenerator


def check_settings(pelican: PelicanRun) -> None:
    """Check the settings before anything runs, keep the agreement templates
    out of Pelican's own pages and articles, and give those pages (a
    studio's own, in content/pages) the studio's colour and contacts as well."""
    from .build.render import SHARED_FILTERS, accent_style

    options = courtside_settings(pelican.settings)
    pelican.settings["JINJA_GLOBALS"] = {**pelican.settings.get("JINJA_GLOBALS", {}),
                                         "INLINE": {"style": accent_style(options.accent)}}
    pelican.settings["JINJA_FILTERS"] = {**pelican.settings.get("JINJA_FILTERS", {}),
                                         **SHARED_FILTERS}
    templates = os.path.relpath(options.agreements_folder, pelican.settings["PATH"])
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = pelican.settings.setdefault(key, [])
        if templates not in excludes:
            excludes.append(templates)


#: This process's build: a production build is written beside the output
#: and swapped in at the end; interrupts end any build non-zero (``publishing``).
_publication = Publication()


def start_publication(pelican: PelicanRun) -> None:
    _publication.start(pelican)


def finish_publication(pelican: PelicanRun) -> None:
    from .build import workers

    workers.discard()  # forked early for a build that did not need them
    _publication.finish(pelican)


def fork_workers(pelican: PelicanRun) -> None:
    """Fork the build's workers now, while Pelican runs no thread yet
    (``build.workers``): as many as the client files would be built with."""
    from .build import workers
    from .loader import client_files

    options = courtside_settings(pelican.settings)
    if options.workers != 1 and options.clients_folder.is_dir():
        workers.fork_early(workers.worker_count(options, len(client_files(options.clients_folder)[0])))


def get_generators(pelican: PelicanRun) -> type[PortalGenerator]:
    from .build.generator import PortalGenerator

    return PortalGenerator


_QUIET = QuietCourtsideErrors()


def register() -> None:
    _publication.catch_interrupts()  # as early as a plugin can
    _pelican.filter_fatal_log(_QUIET)
    _pelican.copy_files_in_one_step()  # a preview's reader never gets a half-copied file
    signals.initialized.connect(check_settings)
    signals.initialized.connect(fork_workers)  # before the output folder's lock is taken
    signals.initialized.connect(start_publication)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(finish_publication)
