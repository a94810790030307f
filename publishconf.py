"""Pelican settings for production builds: ``make publish``.

Starts from ``pelicanconf.py``. Read from the environment:

- ``SITEURL`` (required): the site's full address, such as
  ``https://portals.example.com``; calendar feeds and subscribe links need it.
- ``COURTSIDE_STUDIO_TOKEN`` (optional): the secret part of the studio
  dashboard's link. Production takes it from here only: a token written in
  the settings is in every clone of the repository. Without it, no dashboard.
- ``SOURCE_DATE_EPOCH`` (optional): the build's "today" in seconds since 1970;
  the deploy workflows set it, so a rebuild of a commit is byte-identical.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403
from pelicanconf import COURTSIDE  # noqa: E402

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False
# Start from an empty folder so nothing from an earlier build survives. Client
# files are checked before this happens: a mistake leaves the last site alone.
DELETE_OUTPUT_DIRECTORY = True
# A full SITEURL is required and Courtside's warnings stop the build; the
# dashboard's token comes from COURTSIDE_STUDIO_TOKEN alone (see above).
COURTSIDE = {**COURTSIDE, "strict": True, "studio_token": None}
