"""The ``COURTSIDE`` settings dict: defaults, and one check up front.

All of Courtside's settings live in one dict in ``pelicanconf.py``::

    COURTSIDE = {
        "studio": {"name": "Northwind Studio", "email": "hello@northwind.example"},
        "timezone": "Europe/Berlin",     # default for clients without one
        "clients_path": "clients",       # relative to the folder that holds content/
        "agreements_path": "agreements", # relative to content/
        "strict": False,                 # True in publishconf.py; see DEFAULTS
    }
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import CourtsideError, Problem
from .rules import build_moment
from .schema import YEARS, is_timezone, parse_date
from .tokens import token_problem
from .workdays import (
    PLAIN,
    Closure,
    WorkingCalendar,
    closure_problem,
    region_problem,
    working_calendar,
)

SETTINGS_KEY = "COURTSIDE"
STUDIO_KEYS = ("name", "email", "phone", "url")
DEFAULTS: dict[str, Any] = {
    "studio": None,
    "timezone": None,  # None: Pelican's TIMEZONE
    "clients_path": "clients",
    "agreements_path": "agreements",
    # Production builds (publishconf.py): SITEURL must be a full address and
    # warnings stop the build like errors.
    "strict": False,
    # The studio's colour (#rrggbb) for the page's frame, and its logo:
    # {"src": "images/logo.svg", "width": 160, "height": 32}, a file Pelican
    # copies from content/ (STATIC_PATHS); the size keeps the page from shifting.
    "accent": None,
    "logo": None,
    # The secret part of the studio dashboard's link, studio/<token>/. The
    # environment variable COURTSIDE_STUDIO_TOKEN overrides it; without
    # either, no dashboard is built.
    "studio_token": None,
    # Reuse the output of unchanged client files between builds (kept in
    # Pelican's CACHE_PATH), and build in this many processes: None uses every
    # core once there is enough work; 1 builds in one process.
    "cache": True,
    "workers": None,
    # The studio's working calendar: whose public holidays are not its
    # business days ("DE-BY", as the holidays package names regions), and
    # its own closures, [{"from": "2026-12-24", "to": "2027-01-01"}].
    "holidays": None,
    "closed": [],
}
STUDIO_TOKEN_VARIABLE = "COURTSIDE_STUDIO_TOKEN"
#: The dashboard and the combined calendars live at ``<STUDIO_FOLDER>/<token>/``.
STUDIO_FOLDER = "studio"
#: The light theme's page background, which the accent must stand out from.
LIGHT_BACKGROUND = "#fbfaf8"

#: Portal pages live at ``<PORTALS_FOLDER>/<token>/``.
PORTALS_FOLDER = "p"
#: Each portal's milestone feed, beside its page.
CALENDAR_FILE = "calendar.ics"


@dataclass(frozen=True)
class CourtsideSettings:
    studio: Mapping[str, str]
    timezone: str
    clients_folder: Path
    agreements_folder: Path
    #: Pelican's SITEURL, without a trailing slash ('' when unset).
    siteurl: str
    #: Pelican's PLUGIN_PATHS, where this plugin's own files may be found.
    plugin_paths: tuple[Path, ...] = ()
    strict: bool = False
    accent: str | None = None
    logo: Mapping[str, Any] | None = None
    studio_token: str | None = None
    cache: bool = True
    workers: int | None = None
    #: The studio's business days.
    calendar: WorkingCalendar = PLAIN

    def dashboard_path(self) -> str:
        return f"{STUDIO_FOLDER}/{self.studio_token}/"

    def portal_path(self, token: str) -> str:
        """The portal's address relative to the site root."""
        return f"{PORTALS_FOLDER}/{token}/"

    def portal_url(self, token: str) -> str:
        """Absolute when SITEURL is set, else site-relative."""
        path = self.portal_path(token)
        return f"{self.siteurl}/{path}" if self.siteurl else path

    def calendar_url(self, token: str) -> str:
        return self.portal_url(token) + CALENDAR_FILE


# A hand-written check of every key; to be replaced by the JSON Schema
# machinery the client files use (issue 17), which removes the branches.
def courtside_settings(settings: Mapping[str, Any],  # noqa: C901
                       environ: Mapping[str, str] = os.environ) -> CourtsideSettings:
    """Check ``settings[COURTSIDE]`` and resolve it; raise ``CourtsideError``
    naming every wrong key at once."""
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem("settings", 0, 0, f"{SETTINGS_KEY}.{key}" if key else SETTINGS_KEY, message))

    given = settings.get(SETTINGS_KEY)
    if not isinstance(given, Mapping):
        problem("", "missing or not a dict; add COURTSIDE = {\"studio\": {\"name\": ...}} "
                "to your settings file")
        raise CourtsideError(problems, "Courtside: the settings need fixing")

    for key in given:
        if key not in DEFAULTS:
            close = difflib.get_close_matches(str(key), DEFAULTS, n=1)
            problem(str(key), "unknown setting" + (f"; did you mean {close[0]}?" if close
                                                   else f" (known: {', '.join(DEFAULTS)})"))
    options = {**DEFAULTS, **given}

    studio = options["studio"]
    if not isinstance(studio, Mapping) or not isinstance(studio.get("name"), str) \
            or not studio["name"].strip():
        problem("studio", "give at least the studio's name: {\"name\": \"Your Studio\"}")
        studio = {}
    else:
        for key, value in studio.items():
            if key not in STUDIO_KEYS:
                problem(f"studio.{key}", f"unknown key (known: {', '.join(STUDIO_KEYS)})")
            elif not isinstance(value, str):
                problem(f"studio.{key}", "must be text")

    timezone = options["timezone"] or settings.get("TIMEZONE") or "UTC"
    if not isinstance(timezone, str) or not is_timezone(timezone):
        problem("timezone", f"{timezone!r} is not a known time zone (use an IANA name "
                "such as Europe/Berlin)")

    for key in ("clients_path", "agreements_path"):
        if not isinstance(options[key], (str, Path)) or not str(options[key]):
            problem(key, "must be a folder path")
    if not isinstance(options["strict"], bool):
        problem("strict", "must be True or False")
    accent = options["accent"]
    if accent is not None:
        if not isinstance(accent, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", accent):
            problem("accent", f"{accent!r} is not a colour; write it as #rrggbb")
        elif contrast(accent, LIGHT_BACKGROUND) < 3:
            problem("accent", f"{accent} is too light to see against the page "
                    f"(contrast {contrast(accent, LIGHT_BACKGROUND):.1f}:1, at least 3:1 needed)")
    if not isinstance(options["cache"], bool):
        problem("cache", "must be True or False")
    workers = options["workers"]
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        problem("workers", "must be None (every core) or a number of processes, 1 or more")
    studio_token = environ.get(STUDIO_TOKEN_VARIABLE) or options["studio_token"]
    if studio_token is not None:
        where = STUDIO_TOKEN_VARIABLE if environ.get(STUDIO_TOKEN_VARIABLE) else "studio_token"
        weakness = token_problem(studio_token) if isinstance(studio_token, str) else "must be text"
        if weakness:
            problems.append(Problem("settings", 0, 0, where if where != "studio_token"
                                    else f"{SETTINGS_KEY}.studio_token",
                                    f"{weakness}; make one with: courtside token"))
    logo = options["logo"]
    if logo is not None and not (
            isinstance(logo, Mapping) and isinstance(logo.get("src"), str) and logo["src"]
            and all(isinstance(logo.get(k), int) and logo[k] > 0 for k in ("width", "height"))
            and set(logo) <= {"src", "width", "height"}):
        problem("logo", 'give {"src": "images/logo.svg", "width": 160, "height": 32}')
    region = options["holidays"]
    if region is not None:
        why = region_problem(region) if isinstance(region, str) and region else \
            "give a country code such as \"DE\", or a subdivision such as \"DE-BY\""
        if why:
            problem("holidays", why)
    closures = []
    if not isinstance(options["closed"], (list, tuple)):
        problem("closed", 'give a list such as [{"from": "2026-12-24", "to": "2027-01-01"}]')
    else:
        for index, item in enumerate(options["closed"]):
            found = _closure(item)
            if isinstance(found, str):
                problem(f"closed[{index}]", found)
            else:
                closures.append(found)
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    if options["strict"] is True and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", siteurl):
        problems.append(Problem("settings", 0, 0, "SITEURL", (
            f"{siteurl!r} is not a full address; a production build needs one, such as "
            "https://portals.example.com (publishconf.py reads it from the SITEURL "
            "environment variable)")))
    if problems:
        raise CourtsideError(problems, "Courtside: the settings need fixing")

    content = Path(settings["PATH"])
    return CourtsideSettings(
        studio={key: value for key, value in studio.items() if key in STUDIO_KEYS},
        timezone=timezone,
        # Relative to the project folder, beside content/, as the layout has it.
        clients_folder=(content.parent / options["clients_path"]).resolve(),
        agreements_folder=(content / options["agreements_path"]).resolve(),
        siteurl=siteurl,
        plugin_paths=tuple(Path(p) for p in settings.get("PLUGIN_PATHS") or ()),
        strict=options["strict"],
        accent=accent,
        logo=logo,
        studio_token=studio_token,
        cache=options["cache"],
        workers=workers,
        calendar=working_calendar(region, closures),
    )


def _closure(item) -> Closure | str:
    """A closure from the settings, or why it is not one."""
    example = 'give {"from": "2026-12-24", "to": "2027-01-01"} ("to" is optional)'
    if not isinstance(item, Mapping) or "from" not in item or not set(item) <= {"from", "to"}:
        return example
    days = []
    for key in ("from", "to"):
        value = item.get(key, item["from"])
        day = value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else \
            parse_date(value) if isinstance(value, str) else None
        if day is None:
            return f"{key}: {value!r} is not a date (use YYYY-MM-DD)"
        days.append(day)
    closure = Closure(*days)
    why = closure_problem(closure)
    return f"to: {why}" if why else closure


def checked_build_moment(environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """``rules.build_moment``, or a ``CourtsideError`` that names
    ``SOURCE_DATE_EPOCH`` when it is wrong."""
    try:
        return build_moment(environ)
    except ValueError:
        raise CourtsideError([Problem(
            "environment", 0, 0, "SOURCE_DATE_EPOCH",
            f"must be a whole number of seconds since 1970, for a moment from {YEARS.start} "
            f"to {YEARS.stop - 1}")], "Courtside: the environment needs fixing") from None


def contrast(colour: str, other: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(colour), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
