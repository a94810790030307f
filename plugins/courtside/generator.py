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

from .calendar import portal_calendar
from .filters import FILTERS
from .loader import load_portfolio
from .portal import Portal, build_portal, is_absolute
from .privacy import content_security_policy, headers_file, robots_txt
from .problems import CourtsideError, Problem, report
from .rules import build_moment, local_today
from .settings import CALENDAR_FILE, PORTALS_FOLDER, courtside_settings
from .timeline import LAYOUTS, timeline_svg

logger = logging.getLogger(__name__)

PORTAL_TEMPLATE = "portal.html"
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
        for portal in self.portals:
            self._write_page(portal.path, template, portal=portal)
            if portal.subscription:
                self._write(portal.path + CALENDAR_FILE, portal_calendar(portal).to_ical())
        self._write_page(f"{PORTALS_FOLDER}/", self.portal_env.get_template(PLACEHOLDER_TEMPLATE))
        self._remove_stale_portals({portal.project.token for portal in self.portals})
        self._write("_headers", headers_file(self.csp[True]).encode())
        self._write("robots.txt", robots_txt().encode())
        clients = {portal.client.id for portal in self.portals}
        logger.info("Courtside: wrote %d portal%s for %d client%s", len(self.portals),
                    "" if len(self.portals) == 1 else "s", len(clients),
                    "" if len(clients) == 1 else "s")

    def _remove_stale_portals(self, live_tokens: set[str]) -> None:
        """A rotated token or an archived project must stop working with the
        next deploy, even when the output folder is not emptied first."""
        for folder in Path(self.output_path, PORTALS_FOLDER).iterdir():
            if folder.is_dir() and folder.name not in live_tokens:
                shutil.rmtree(folder)
                logger.info("Courtside: removed a portal that is no longer published")

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
