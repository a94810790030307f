"""The ``COURTSIDE`` settings dict: defaults, and one check up front
(``settings.schema.json``, read by the machinery that checks client files).

All of Courtside's settings live in one dict in ``pelicanconf.py``::

    COURTSIDE = {
        "studio": {"name": "Northwind Studio", "email": "hello@northwind.example",
                   "phone": "+49 30 1234 5678", "website": "https://northwind.example"},
        "timezone": "Europe/Berlin",     # default for clients without one
        "clients_path": "clients",       # relative to the folder that holds content/
        "agreements_path": "agreements", # relative to content/
        "strict": False,                 # True in publishconf.py; see DEFAULTS
    }
"""

from __future__ import annotations

import colorsys
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .files import real_path
from .i18n import SOURCE, language_problem
from .model import Notice, NoticeKind, Reminder
from .problems import CourtsideError, Problem
from .rules import build_moment
from .schema import (
    SETTINGS_SCHEMA_FILE,
    YEARS,
    checked_date,
    checked_reminders,
    is_timezone,
    repeated_reminders,
    schema_problems,
)
from .tokens import token_problem
from .workdays import PLAIN, Closure, WorkingCalendar, closure_problem, working_calendar
from .yamlsource import Document, KeyPath, control_character, format_path

SETTINGS_KEY = "COURTSIDE"
#: The keys' defaults; ``settings.schema.json`` says what each may be.
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
    # Show each client file's git history on its portals (README, History).
    "history": True,
    # Studio-wide default terms, under each project's agreement terms, key by
    # key: {"payment_days": 14, "deposit": "30%"} (README, Agreements).
    "terms": {},
    "workers": None,
    # The studio's working calendar: whose public holidays are not its
    # business days ("DE-BY", as the holidays package names regions), and
    # its own closures, [{"from": "2026-12-24", "to": "2027-01-01"}].
    "holidays": None,
    "closed": [],
    # Notices on every portal and the dashboard, shown from "from" through
    # "until": [{"text": "Closed over Christmas.", "from": "2026-11-23",
    # "until": "2026-12-23", "kind": "warning"}].
    "notices": [],
    # How long before each of a client's own steps its calendar reminds the
    # client, for clients whose file names no reminders: ["2d", "1d"].
    "reminders": [],
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
    history: bool = True
    #: Where builds keep what they read of the git history and the histories
    #: they derived (``CACHE_PATH/courtside-history``); None with the cache off.
    history_folder: Path | None = None
    #: The studio's default terms (``model.merged_terms``).
    terms: Mapping[str, Any] = field(default_factory=dict)
    workers: int | None = None
    #: The studio's business days.
    calendar: WorkingCalendar = PLAIN
    #: Pelican's DEFAULT_LANG: the language of clients that name none.
    language: str = "en"
    #: What the studio's own side speaks (dashboard, its calendars, commands).
    studio_language: str = "en"
    #: Studio-wide notices, for every portal and the dashboard.
    notices: tuple[Notice, ...] = ()
    #: The reminders of clients that name none (``Client.reminders_of``).
    reminders: tuple[Reminder, ...] = ()

    @property
    def drafts(self) -> bool:
        """Whether projects of ``status: draft`` are built: in a preview, never
        in a production build (``strict``, as publishconf.py sets)."""
        return not self.strict

    def dashboard_path(self) -> str:
        return f"{STUDIO_FOLDER}/{self.studio_token}/"

    def dashboard_url(self) -> str:
        """Absolute when SITEURL is set, else site-relative."""
        return self._url(self.dashboard_path())

    def portal_path(self, token: str) -> str:
        """The portal's address relative to the site root."""
        return f"{PORTALS_FOLDER}/{token}/"

    def portal_url(self, token: str) -> str:
        """Absolute when SITEURL is set, else site-relative."""
        return self._url(self.portal_path(token))

    def _url(self, path: str) -> str:
        return f"{self.siteurl}/{path}" if self.siteurl else path

    def calendar_url(self, token: str) -> str:
        return self.portal_url(token) + CALENDAR_FILE


class _SettingsDocument(Document):
    """The ``COURTSIDE`` dict as a document: its problems name the key as
    it is written in the settings file (``COURTSIDE.studio.name``)."""

    def problem(self, path: KeyPath, message: str, *, key: bool = False,
                severity: str = "error") -> Problem:
        return Problem("settings", 0, 0, format_path((SETTINGS_KEY, *path)), message, severity)


def plain_settings(value: Any) -> Any:
    """A settings value as the schema reads it: Python's own types (a
    ``Path``, a ``date``, a tuple, a whole float) as the JSON values they
    stand for."""
    if isinstance(value, Mapping):
        return {str(key): plain_settings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_settings(item) for item in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():  # 2.0 processes are 2
        return int(value)
    return value


def courtside_settings(settings: Mapping[str, Any],
                       environ: Mapping[str, str] = os.environ) -> CourtsideSettings:
    """Check ``settings[COURTSIDE]`` and resolve it; raise ``CourtsideError``
    naming every wrong key at once. The shape of every key is the schema's
    (``settings.schema.json``); what needs more than one key, or the world
    (contrast, a token's strength, SITEURL), is checked here."""
    global _last_checked
    given = settings.get(SETTINGS_KEY)
    if not isinstance(given, Mapping):
        raise CourtsideError([Problem("settings", 0, 0, SETTINGS_KEY, (
            "missing or not a dict; add COURTSIDE = {\"studio\": {\"name\": ...}} "
            "to your settings file"))], "Courtside: the settings need fixing")
    plain = plain_settings(given)
    # A build asks three times (the plugin, its generator, the pages' context):
    # the same settings in the same world are checked once per process.
    key = repr((plain, [settings.get(name) for name in _READ], environ.get(STUDIO_TOKEN_VARIABLE),
                os.getcwd()))
    if _last_checked is not None and _last_checked[0] == key:
        return _last_checked[1]
    options = _checked_settings(settings, plain, environ)
    _last_checked = (key, options)
    return options


#: The Pelican settings ``courtside_settings`` reads besides ``COURTSIDE``.
_READ = ("PATH", "TIMEZONE", "SITEURL", "PLUGIN_PATHS", "DEFAULT_LANG", "CACHE_PATH")
#: The folder in Pelican's CACHE_PATH that a deploy keeps between runs (the workflows do).
HISTORY_FOLDER = "courtside-history"
#: The last settings checked in this process (their ``repr``), and what they resolved to.
_last_checked: tuple[str, CourtsideSettings] | None = None


def _checked_settings(settings: Mapping[str, Any], plain: Any,
                      environ: Mapping[str, str]) -> CourtsideSettings:
    document = _SettingsDocument(plain, "settings")
    problems = schema_problems(document, SETTINGS_SCHEMA_FILE)
    options = {**DEFAULTS, **document.data}
    if not problems:
        problems = _cross_key_problems(settings, options, environ)
    if problems:
        raise CourtsideError(problems, "Courtside: the settings need fixing")

    content = Path(settings["PATH"])
    return CourtsideSettings(
        studio=_studio(options["studio"]),
        timezone=options["timezone"] or settings.get("TIMEZONE") or "UTC",
        # Relative to the project folder, beside content/, as the layout has it.
        clients_folder=real_path(content.parent / options["clients_path"]),
        agreements_folder=real_path(content / options["agreements_path"]),
        siteurl=_siteurl(settings),
        plugin_paths=tuple(Path(p) for p in settings.get("PLUGIN_PATHS") or ()),
        strict=options["strict"],
        accent=options["accent"],
        logo=options["logo"],
        studio_token=_studio_token(options, environ),
        cache=options["cache"],
        history=options["history"],
        history_folder=real_path(Path(settings.get("CACHE_PATH") or "cache", HISTORY_FOLDER))
        if options["cache"] else None,
        terms=options["terms"],
        workers=options["workers"],
        language=_default_language(settings),
        studio_language=_studio_language(settings, options),
        calendar=working_calendar(options["holidays"], _closures(options)),
        notices=read_notices(options["notices"]),
        reminders=checked_reminders(options["reminders"]),
    )


def _studio(studio: Mapping[str, str]) -> dict[str, str]:
    """The studio as the pages read it: ``website`` also under its former
    name, ``url`` (``website`` wins)."""
    resolved = dict(studio)
    if "url" in resolved:
        resolved.setdefault("website", resolved.pop("url"))
        resolved.pop("url", None)
    return resolved


def _siteurl(settings: Mapping[str, Any]) -> str:
    return str(settings.get("SITEURL") or "").rstrip("/")


def _default_language(settings: Mapping[str, Any]) -> str:
    return str(settings.get("DEFAULT_LANG") or SOURCE)


def _studio_language(settings: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """The studio's own language: its own setting, else the portals' default."""
    return str(options["studio"].get("language") or _default_language(settings))


def _studio_token(options: Mapping[str, Any], environ: Mapping[str, str]) -> str | None:
    """The environment's token wins over the settings' (production has only it)."""
    token: str | None = environ.get(STUDIO_TOKEN_VARIABLE) or options["studio_token"]
    return token


def _control_problems(options: Mapping[str, Any]) -> list[Problem]:
    """A text no page or feed can carry (a control character) is an error at its key."""
    return [Problem("settings", 0, 0, format_path((SETTINGS_KEY, *path)), why)
            for path, text in _texts(options) if (why := control_character(text)) is not None]


def _texts(value: Any, at: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every text in the settings, by its place."""
    if isinstance(value, str):
        return [(at, value)]
    if isinstance(value, Mapping):
        return [item for key, inner in value.items() for item in _texts(inner, (*at, str(key)))]
    if isinstance(value, (list, tuple)):
        return [item for index, inner in enumerate(value) for item in _texts(inner, (*at, index))]
    return []


def _closures(options: Mapping[str, Any]) -> list[Closure]:
    """The studio's closures, from settings the schema checked."""
    return [Closure(checked_date(item["from"]), checked_date(item.get("to", item["from"])))
            for item in options["closed"]]


def read_notices(items: list[Mapping[str, Any]]) -> tuple[Notice, ...]:
    """Notices as the schema checked them, in settings or a client file."""
    return tuple(Notice(text=item["text"], first=checked_date(item["from"]),
                        until=checked_date(item["until"]) if "until" in item else None,
                        kind=cast(NoticeKind, item.get("kind", "info")))
                 for item in items)


def _cross_key_problems(settings: Mapping[str, Any], options: Mapping[str, Any],
                        environ: Mapping[str, str]) -> list[Problem]:
    """What the schema cannot say, once every key has the right shape."""
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem("settings", 0, 0, key, message))

    if options["timezone"] is None and not is_timezone(str(settings.get("TIMEZONE") or "UTC")):
        problem("TIMEZONE", f"{settings.get('TIMEZONE')!r} is not a known time zone (use an IANA "
                "name such as Europe/Berlin)")
    language = _default_language(settings)
    if language_problem(language):
        problem("DEFAULT_LANG", f"{language_problem(language)}; the portals' default language")
    studio_language = options["studio"].get("language")
    if studio_language and language_problem(studio_language):
        problem(f"{SETTINGS_KEY}.studio.language",
                f"{language_problem(studio_language)}; the language of the studio's own side")
    accent = options["accent"]
    if accent is not None and (why := accent_problem(accent)):
        problem(f"{SETTINGS_KEY}.accent", why)
    from_environment = bool(environ.get(STUDIO_TOKEN_VARIABLE))
    studio_token = _studio_token(options, environ)
    weakness = token_problem(studio_token) if studio_token is not None else None
    if weakness:
        problem(STUDIO_TOKEN_VARIABLE if from_environment else f"{SETTINGS_KEY}.studio_token",
                f"{weakness}; make one with: courtside token")
    for index, closure in enumerate(_closures(options)):
        why = closure_problem(closure)
        if why:
            problem(f"{SETTINGS_KEY}.closed[{index}].to", why)
    for index, notice in enumerate(read_notices(options["notices"])):
        if why := notice.problem():
            problem(f"{SETTINGS_KEY}.notices[{index}].until", why)
    problems += [Problem("settings", 0, 0, f"{SETTINGS_KEY}.reminders[{index}]", why)
                 for index, why in repeated_reminders(options["reminders"])]
    problems += _control_problems(options)
    siteurl = _siteurl(settings)
    if options["strict"] and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", siteurl):
        problem("SITEURL", f"{siteurl!r} is not a full address; a production build needs one, "
                "such as https://portals.example.com (publishconf.py reads it from the SITEURL "
                "environment variable)")
    return problems


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


#: The contrast an accent needs against the light page (WCAG's for non-text).
ACCENT_CONTRAST = 3.0


def accent_problem(accent: str) -> str | None:
    """Why ``accent`` (#rrggbb) cannot be the studio's colour, naming the
    nearest one that can; None when it can."""
    ratio = contrast(accent, LIGHT_BACKGROUND)
    if ratio >= ACCENT_CONTRAST:
        return None
    return (f"{accent} is too light to see against the page (contrast {ratio:.1f}:1, at least "
            f"{ACCENT_CONTRAST:.0f}:1 needed); the nearest colour that is dark enough is "
            f"{passing_accent(accent)} (the same hue, darker)")


def passing_accent(colour: str) -> str:
    """The lightest colour of ``colour``'s hue and saturation (#rrggbb) that
    stands out from the page by ``ACCENT_CONTRAST``: ``colour`` itself when
    it does. Black always does, so there is one."""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)

    def shade(level: float) -> str:
        rgb = colorsys.hls_to_rgb(hue, level, saturation)
        return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)

    def passes(level: float) -> bool:
        return contrast(shade(level), LIGHT_BACKGROUND) >= ACCENT_CONTRAST

    if passes(lightness):
        return colour.lower()
    dark, light = 0.0, lightness  # dark passes, light does not
    for _ in range(24):
        middle = (dark + light) / 2
        dark, light = (middle, light) if passes(middle) else (dark, middle)
    return shade(dark)


def contrast(colour: str, other: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(colour), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
