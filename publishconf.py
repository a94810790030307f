"""Pelican settings for production builds: ``pelican -s publishconf.py``.

Starts from ``pelicanconf.py``; ``SITEURL`` comes from the environment.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False
# Start from an empty folder so nothing from an earlier build survives.
DELETE_OUTPUT_DIRECTORY = True
