"""The Pelican side: find the client files, write one page per portal.

Loading and checking happen in the generator's constructor on purpose:
Pelican creates every generator *before* it empties the output folder
(``DELETE_OUTPUT_DIRECTORY``), so a mistake in a client file stops the build
while the last good site is still there.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pelican.generators import Generator

from .filters import FILTERS
from .loader import load_portfolio
from .portal import Portal, build_portal
from .problems import CourtsideError, report
from .rules import build_moment, local_today
from .settings import PORTALS_FOLDER, courtside_settings

logger = logging.getLogger(__name__)

PORTAL_TEMPLATE = "portal.html"
#: Written into ``p/`` so a host's directory listing never shows the tokens.
PLACEHOLDER_TEMPLATE = "private.html"


class PortalGenerator(Generator):
    """Writes ``p/<token>/index.html`` for every published project."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = courtside_settings(self.settings)
        self.moment = build_moment()
        self.portfolio, problems = load_portfolio(self.options)
        errors = [p for p in problems if p.severity == "error"]
        report(p for p in problems if p.severity != "error")
        if errors:
            raise CourtsideError(errors, (
                f"Courtside: {len(errors)} error{'s' if len(errors) != 1 else ''} in the "
                "client files; nothing was built and the output folder is as it was"))
        # Client text must never reach a page unescaped; Pelican's own
        # environment does not autoescape, so portals get an overlay that does.
        self.portal_env = self.env.overlay(autoescape=True)
        self.portal_env.filters.update(FILTERS)
        self.portals: list[Portal] = []

    def generate_context(self):
        self.portals = [
            build_portal(
                client, project,
                today=local_today(self.moment, client.timezone),
                studio=self.options.studio,
                template=self.portfolio.templates[project.agreement.template],
                path=self.options.portal_path(project.token),
            )
            for client, project in self.portfolio.published()
        ]

    def generate_output(self, writer):
        # Pages are written here rather than through ``writer.write_file``:
        # that sends ``content_written`` with the page's path, and sitemap or
        # search-index plugins listening to it would publish the secret link.
        template = self.portal_env.get_template(PORTAL_TEMPLATE)
        for portal in self.portals:
            self._write(portal.path, template, portal=portal)
        self._write(f"{PORTALS_FOLDER}/", self.portal_env.get_template(PLACEHOLDER_TEMPLATE))
        clients = {portal.client.id for portal in self.portals}
        logger.info("Courtside: wrote %d portal%s for %d client%s", len(self.portals),
                    "" if len(self.portals) == 1 else "s", len(clients),
                    "" if len(clients) == 1 else "s")

    def _write(self, folder: str, template, **values) -> None:
        target = Path(self.output_path, folder, "index.html")
        depth = folder.rstrip("/").count("/") + 1
        siteurl = (os.path.join(*[".."] * depth) if self.settings.get("RELATIVE_URLS")
                   else self.settings.get("SITEURL", ""))
        html = template.render({**self.context, "SITEURL": siteurl, **values})
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
