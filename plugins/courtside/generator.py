"""The Pelican side: find the client files, write one page per portal.

Loading and checking happen in the generator's constructor on purpose:
Pelican creates every generator *before* it empties the output folder
(``DELETE_OUTPUT_DIRECTORY``), so a mistake in a client file stops the build
while the last good site is still there.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from importlib import resources

from markupsafe import Markup
from pelican.generators import Generator
from pelican.log import console
from rich.progress import track

from .calendar import portal_calendar, studio_calendar
from .filters import FILTERS
from .loader import load_portfolio
from .portal import Portal, build_portal, is_absolute
from .privacy import content_security_policy, headers_file, robots_txt
from .problems import CourtsideError, Problem, report
from .rules import build_moment, local_today
from .settings import CALENDAR_FILE, PORTALS_FOLDER, STUDIO_FOLDER, courtside_settings
from .studio import StudioRow, counts, ranked
from .timeline import LAYOUTS, timeline_svg

logger = logging.getLogger(__name__)

PORTAL_TEMPLATE = "portal.html"
DASHBOARD_TEMPLATE = "studio.html"
#: Beyond this many portals a terminal shows a progress bar while they are written.
PROGRESS_FROM = 200
#: Written into ``p/`` so a host's directory listing never shows the tokens.
PLACEHOLDER_TEMPLATE = "private.html"


def _warnings_are_fatal() -> bool:
    """Whether Pelican runs with ``--fatal warnings``. Pelican keeps that on
    its logger class; Courtside's warnings are printed, not logged (the log
    wraps long lines), so they are made errors here instead."""
    return getattr(logging.getLoggerClass(), "fatal_lvl", logging.CRITICAL + 1) <= logging.WARNING


def _build_moment():
    try:
        return build_moment()
    except ValueError:
        raise CourtsideError([Problem("environment", 0, 0, "SOURCE_DATE_EPOCH",
                                      "must be a whole number of seconds since 1970")],
                             "Courtside: the environment needs fixing") from None


def _progress(items: list, description: str):
    """A progress bar on a terminal for long builds, as Pelican shows its own."""
    if len(items) < PROGRESS_FROM or not console.is_terminal:
        return items
    return track(items, description=description, console=console, transient=True)


def live_script() -> Markup:
    """``live.js`` without its comments, as the page carries it inline."""
    source = resources.files(__package__).joinpath("live.js").read_text("utf-8")
    return Markup("\n".join(line for line in source.splitlines()
                             if not line.lstrip().startswith("//")))


def accent_style(accent: str | None) -> Markup | None:
    """The studio's colour for the page's frame, in light mode only: the dark
    theme keeps its own colours, which are checked for contrast."""
    if not accent:
        return None
    return Markup(":root{--brand:%s}@media (prefers-color-scheme:dark){:root{--brand:var(--accent)}}"
                  % accent)


class PortalGenerator(Generator):
    """Writes ``p/<token>/index.html`` for every published project."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = courtside_settings(self.settings)
        self.moment = _build_moment()
        self.portfolio, problems = load_portfolio(self.options)
        strict = self.options.strict or _warnings_are_fatal()
        errors = [p for p in problems if p.severity == "error" or strict]
        report(p for p in problems if p not in errors)
        if errors:
            raise CourtsideError(errors, (
                f"Courtside: {len(errors)} error{'s' if len(errors) != 1 else ''} in the "
                "client files; nothing was built and the output folder is as it was"))
        # Client text must never reach a page unescaped; Pelican's own
        # environment does not autoescape, so portals get an overlay that does.
        self.portal_env = self.env.overlay(autoescape=True)
        self.portal_env.filters.update(FILTERS)
        self.portal_env.globals["timeline"] = lambda portal, name: timeline_svg(portal, LAYOUTS[name])
        # The page's only inline code, allowed by its hash in the page's CSP.
        self.inline = {"script": live_script(), "style": accent_style(self.options.accent)}
        self.csp = {header: content_security_policy(
            scripts=(self.inline["script"],), styles=tuple(filter(None, [self.inline["style"]])),
            header=header) for header in (False, True)}
        self.portals: list[Portal] = []

    def generate_context(self):
        options, absolute = self.options, is_absolute(self.options.siteurl)
        self.portals = [
            build_portal(
                client, project,
                today=local_today(self.moment, client.timezone),
                updated=self.moment,
                studio=options.studio,
                template=self.portfolio.templates[project.agreement.template],
                path=options.portal_path(project.token),
                url=options.portal_url(project.token) if absolute else None,
                # Without a SITEURL the page links to its feed beside it.
                feed_url=(options.calendar_url(project.token) if absolute else CALENDAR_FILE)
                if project.calendar else None,
            )
            for client, project in self.portfolio.published()
        ]

    def generate_output(self, writer):
        # Pages are written here rather than through ``writer.write_file``:
        # that sends ``content_written`` with the page's path, and sitemap or
        # search-index plugins listening to it would publish the secret link.
        template = self.portal_env.get_template(PORTAL_TEMPLATE)
        placeholder = self.portal_env.get_template(PLACEHOLDER_TEMPLATE)
        for portal in _progress(self.portals, "Courtside: writing portals"):
            self._write_page(portal.path, template, portal=portal)
            if portal.subscription:
                self._write(portal.path + CALENDAR_FILE, portal_calendar(portal).to_ical())
        self._write_page(f"{PORTALS_FOLDER}/", placeholder)
        self._remove_stale(PORTALS_FOLDER, {portal.project.token for portal in self.portals})

        rows = ranked(StudioRow(p.client, p.project, p.state, p.path, self.options.studio["name"])
                      for p in self.portals)
        token = self.options.studio_token
        if token:
            self._write_dashboard(rows)
            self._write_page(f"{STUDIO_FOLDER}/", placeholder)
        self._remove_stale(STUDIO_FOLDER, {token} if token else set())

        self._write("_headers", headers_file(self.csp[True]).encode())
        self._write("robots.txt", robots_txt().encode())
        console.print(counts(rows).summary(), soft_wrap=True)

    def _write_dashboard(self, rows: list[StudioRow]) -> None:
        options = self.options
        folder = options.dashboard_path()
        absolute = f"{options.siteurl}/{folder}" if is_absolute(options.siteurl) else None
        feeds = {"all": "calendar.ics", "ours": "studio-steps.ics"}
        studio = options.studio["name"]
        for kind, owner in (("all", None), ("ours", "studio")):
            calendar = studio_calendar(
                self.portals, owner=owner, timezone=options.timezone,
                uid=f"studio.{kind}@courtside",
                name=f"{studio} · " + ("all projects" if owner is None else "our steps"),
                url=absolute, source=absolute + feeds[kind] if absolute else None)
            self._write(folder + feeds[kind], calendar.to_ical())
        self._write_page(folder, self.portal_env.get_template(DASHBOARD_TEMPLATE), rows=rows,
                         counts=counts(rows), feeds=feeds, updated=self.moment)

    def _remove_stale(self, parent: str, live_tokens: set[str]) -> None:
        """A rotated token or an archived project must stop working with the
        next deploy, even when the output folder is not emptied first."""
        folder = Path(self.output_path, parent)
        if not folder.is_dir():
            return
        for child in folder.iterdir():
            if child.is_dir() and child.name not in live_tokens:
                shutil.rmtree(child)
                logger.info("Courtside: removed a private page that is no longer published")
        if not live_tokens:  # nothing private is left here, not even a placeholder
            shutil.rmtree(folder)

    def _write_page(self, folder: str, template, **values) -> None:
        depth = folder.rstrip("/").count("/") + 1
        siteurl = (os.path.join(*[".."] * depth) if self.settings.get("RELATIVE_URLS")
                   else self.settings.get("SITEURL", ""))
        html = template.render({**self.context, "SITEURL": siteurl, "courtside": self.options,
                                "CONTENT_SECURITY_POLICY": self.csp[False],
                                "INLINE": self.inline, **values})
        self._write(folder + "index.html", html.encode("utf-8"))

    def _write(self, relative_path: str, data: bytes) -> None:
        target = Path(self.output_path, relative_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
