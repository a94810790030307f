"""Courtside: private client portals from YAML files, as a Pelican plugin.

``PLUGINS = ["courtside"]`` in ``pelicanconf.py`` and a ``COURTSIDE``
settings dict are all it needs; see ``settings.py``.
"""

from __future__ import annotations

import logging
import os

from pelican import signals

from .problems import QuietCourtsideErrors
from .settings import courtside_settings


def check_settings(pelican) -> None:
    """Check the settings before anything runs, and keep the agreement
    templates out of Pelican's own pages and articles."""
    options = courtside_settings(pelican.settings)
    templates = os.path.relpath(options.agreements_folder, pelican.settings["PATH"])
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = pelican.settings.setdefault(key, [])
        if templates not in excludes:
            excludes.append(templates)


def get_generators(pelican):
    from .generator import PortalGenerator

    return PortalGenerator


_QUIET = QuietCourtsideErrors()


def register() -> None:
    logging.getLogger("pelican").addFilter(_QUIET)
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
