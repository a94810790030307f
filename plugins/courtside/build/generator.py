"""The Pelican side: find the client files, build them, write the pages.

Everything is loaded, checked and rendered in the generator's constructor,
on purpose: Pelican creates every generator *before* it empties the output
folder (``DELETE_OUTPUT_DIRECTORY``), so a mistake in a client file stops
the build while the last good site is still there. The pages wait beside the
output folder (``staging``) until ``generate_output`` moves them in.

Each client file is built on its own (``render.build_client``), so the work
can be spread over processes and reused from the cache when the file has not
changed; all three paths produce the same bytes.
"""

from __future__ import annotations

import concurrent.futures
import gc
import logging
import shutil
import traceback
from collections.abc import Iterable
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from markupsafe import Markup
from pelican.generators import Generator
from rich.progress import track

from .. import _pelican
from ..calendar import studio_calendar
from ..files import replace_if_changed
from ..filters import words_of
from ..gitlog import HistoryIndex, HistoryUnreadable
from ..i18n import isolated
from ..loader import client_files, duplicate_tokens, no_folder_yet
from ..portal import is_absolute, shown_notices
from ..privacy import headers_file, robots_txt
from ..problems import CourtsideError, Problem, display_path, report
from ..rules import local_today
from ..settings import PORTALS_FOLDER, STUDIO_FOLDER, checked_build_moment, courtside_settings
from ..studio import KeptRow, counts
from . import workers as worker_processes
from .cache import BuildCache, HistoryStore, Manifest, build_and_store, build_and_store_all, site_history
from .publishing import interrupts_deferred
from .render import BuildContext, StagedClient, environment, page_policy, render_page, site_context
from .staging import Staging

if TYPE_CHECKING:
    from pelican.writers import Writer

logger = logging.getLogger(__name__)

DASHBOARD_TEMPLATE = "studio.html"
#: The site's own pages, by the file each is written to: the front page, and
#: the page a host shows for an address it has nothing at.
SITE_PAGES = {"index.html": "landing.html", "404.html": "notfound.html"}
#: Written into ``p/`` and ``studio/`` so a host's directory listing never
#: shows the tokens.
PLACEHOLDER_TEMPLATE = "private.html"
#: Beyond this many portals a terminal shows a progress bar.
PROGRESS_FROM = 200


_Item = TypeVar("_Item")


def _progress(items: Iterable[_Item], total: int, description: str) -> Iterable[_Item]:
    """A progress bar on a terminal for long builds, as Pelican shows its own."""
    terminal = _pelican.console()
    if total < PROGRESS_FROM or not terminal.is_terminal:
        return items
    return track(items, total=total, description=description, console=terminal, transient=True)


def _for_share(context: BuildContext, paths: list[Path]) -> BuildContext:
    """The context a worker building ``paths`` is sent: with the history of
    those files only (the whole index is megabytes, pickled again with every
    share of work)."""
    if context.history is None:
        return context
    return replace(context, history=context.history.only(paths))


#: Said when the clone's history is cut short (a warning, an error in production).
SHALLOW_CLONE = ("this is a shallow clone, so the portals' history starts with its oldest commit; "
                 "clone with the full history (fetch-depth: 0 on GitHub, GIT_DEPTH: 0 on GitLab) "
                 "to show all of it")


# Pelican ships no types, so its Generator is Any to mypy; what this class
# reads of it is declared below.
class PortalGenerator(Generator):  # type: ignore[misc]
    """Writes ``p/<token>/`` for every published project and, with a studio
    token, the studio's dashboard."""

    #: Set by Pelican's ``Generator``: its settings and output folder.
    settings: dict[str, Any]
    output_path: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """What every build step shares; nothing is read or built yet."""
        super().__init__(*args, **kwargs)
        self.options = courtside_settings(self.settings)
        self.moment = checked_build_moment()
        history, self.kept_histories = self._history()
        # What is read so far (Pelican, the settings, the history: 30,000
        # versions at 1,000 clients) lives as long as the build: the garbage
        # collector need not walk it again and again (a tenth of a rebuild
        # after one edit). Thawed when the site is written.
        gc.freeze()
        self.context_for_pages = replace(site_context(
            self.settings, _pelican.template_folders(self), self.moment),
            history=history, kept_histories=self.kept_histories, compiled_templates=str(
                Path(self.settings["CACHE_PATH"]) / "courtside-templates")
            if self.options.cache else None)
        self.header_csp = page_policy(self.context_for_pages.inline, header=True)
        self.manifest: Manifest | None = None
        self.staging = Staging(Path(self.output_path))
        self.rebuilt: set[Path] = set()
        self.builds: list[StagedClient] = []
        self.rows: list[KeptRow] = []

    def _history(self) -> tuple[HistoryIndex | None, HistoryStore | None]:
        """The client files' git history, read once, and the histories kept
        beside it; a shallow clone's is cut short."""
        try:
            index, kept = site_history(self.options)
        except HistoryUnreadable as error:  # a repository git refuses to read: say so
            self._history_cut_short(error.problem, f"{error}; the portals are built without their history")
            return None, None
        if index is not None and index.shallow:
            self._history_cut_short(SHALLOW_CLONE, SHALLOW_CLONE)
        return index, kept

    def _history_cut_short(self, problem: str, warning: str) -> None:
        """A history that cannot be read whole: a warning, which stops a
        production build (``strict``, or ``--fatal warnings``) as one line
        naming the clients folder; logged there, the warning would end the
        build in a traceback."""
        if self.options.strict or _pelican.warnings_are_fatal():
            raise CourtsideError([Problem(display_path(self.options.clients_folder), message=problem)], (
                "Courtside: a production build needs the whole history of the client files; "
                "nothing was built and the output folder is as it was"))
        logger.warning("Courtside: %s", warning)

    def generate_context(self) -> None:
        """Load, check and render every client file (Pelican calls this for
        every generator before anything is written)."""
        try:
            self.builds = self._build_all()
        except BaseException:  # stopped on a mistake: what it read may go (autoreload builds again)
            gc.unfreeze()
            raise
        self.rows = sorted((project.row for build in self.builds for project in build.projects),
                           key=attrgetter("rank"))

    # -- loading, checking and rendering ------------------------------------------------------

    def _build_all(self) -> list[StagedClient]:
        clients = self.options.clients_folder
        if absent := no_folder_yet(clients):  # said, as the closing line is
            _pelican.console().print(f"Courtside: {absent}", soft_wrap=True, markup=False,
                                     highlight=False)
        files, problems = client_files(clients)
        self.staging.clear()
        cache = manifest = None
        if self.options.cache:
            folder = Path(self.settings["CACHE_PATH"]) / "courtside"
            cache = BuildCache(folder, self.context_for_pages)
            # Pelican is about to empty the output folder: nothing in it counts.
            if not self.settings.get("DELETE_OUTPUT_DIRECTORY"):
                manifest = Manifest(folder, Path(self.output_path))
        builds: dict[Path, StagedClient] = {}
        if cache is not None and manifest is not None:  # their pages are in place: nothing to do
            builds = cache.found(files, self.context_for_pages.history, manifest)
        missing = [path for path in files if path not in builds]
        try:
            builds.update(zip(missing, self._run(missing, cache), strict=True))
        except BaseException:  # an interrupt: nothing staged is kept
            self.staging.clear()
            raise
        self.manifest = manifest
        self.rebuilt = set(missing)

        problems += [p for build in builds.values() for p in build.problems]
        problems += duplicate_tokens((site for path in files for site in builds[path].token_sites),
                                     self.options.studio_token)
        problems = sorted(set(problems))
        # Courtside's warnings are printed, not logged (the log wraps long
        # lines): under --fatal warnings they are made errors here instead.
        strict = self.options.strict or _pelican.warnings_are_fatal()
        errors = [p for p in problems if p.severity == "error" or strict]
        report(p for p in problems if p not in errors)
        if errors:
            self.staging.clear()
            raise CourtsideError(errors, (
                f"Courtside: {len(errors)} error{'s' if len(errors) != 1 else ''} in the "
                "client files; nothing was built and the output folder is as it was"))
        if cache:
            for path in missing:
                cache.keep(path, self.context_for_pages.history)
            cache.prune()
        if self.kept_histories is not None:
            # A client taken whole from the build cache derived no history,
            # but its kept history is in use all the same: its build names it.
            self.kept_histories.prune(name for path in files if (name := builds[path].kept_history))
        return [builds[path] for path in files]

    def _run(self, paths: list[Path], cache: BuildCache | None) -> list[StagedClient]:
        """Build client files (and store them in the cache), in several
        processes when that pays."""
        context = self.context_for_pages
        workers = worker_processes.worker_count(self.options, len(paths))
        if workers <= 1:
            worker_processes.discard()
            return [build_and_store(path, context, self.staging, cache)
                    for path in _progress(paths, len(paths), "Courtside: building")]
        pool = worker_processes.take(workers)
        submitted = False
        try:
            # Workers not forked early start (as tasks are submitted) with
            # interrupts held, so that Ctrl-C, which reaches the whole process group, is
            # this process's alone to handle. Small chunks: the workers
            # finish within a few clients of each other. Submitted one by one
            # rather than mapped: a map cancels what is left when it is
            # interrupted, and the executor then fails on the cancelled
            # futures with a traceback of its own.
            size = max(1, len(paths) // (workers * 32))
            with interrupts_deferred():
                futures = [pool.submit(build_and_store_all, share, _for_share(context, share),
                                       self.staging, cache)
                           for share in (paths[start:start + size]
                                         for start in range(0, len(paths), size))]
            submitted = True
            results = (build for future in futures for build in future.result())
            built = list(_progress(results, len(paths), "Courtside: building"))
        except BaseException as error:
            # Workers that could not start (a sandbox, an odd __main__) or
            # died; not a worker's own error, which the build reports.
            broken = isinstance(error, concurrent.futures.process.BrokenProcessPool) or (
                isinstance(error, OSError) and not submitted)
            if broken:
                # A worker could not start, or was killed (the system short
                # of memory): the executor stops the others with SIGTERM,
                # which they ignore, and would wait for them for good.
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.kill()
            # An interrupt, or a worker's error: what is queued is cancelled
            # and the few chunks under way finish, so that no worker writes
            # into the staging folder after it is removed. A second Ctrl-C
            # waits for that too.
            with interrupts_deferred():
                worker_processes.shut_down(pool, cancel=True)
            if not broken:
                raise
            # The same work in this process gives the same result, only
            # slower: said, not logged as a warning, which --fatal warnings
            # would make the end of a build that loses nothing.
            _pelican.console().print(f"Courtside: building in one process ({error})",
                                     soft_wrap=True, markup=False, highlight=False)
            self.staging.clear()
            return [build_and_store(path, context, self.staging, cache) for path in paths]
        worker_processes.shut_down(pool)
        return built

    # -- writing ---------------------------------------------------------------------------

    def generate_output(self, writer: Writer) -> None:
        try:
            self._generate_output()
        finally:  # frozen in __init__; Pelican's autoreload builds again in this process
            gc.unfreeze()

    def _generate_output(self) -> None:
        # Pages are moved in here rather than written through
        # ``writer.write_file``: that sends ``content_written`` with the page's
        # path, and sitemap or search-index plugins listening to it would
        # publish the secret link. Files from the cache are in place already
        # (the manifest said so); the others were staged as they were built.
        placeholder = render_page(self.context_for_pages, PLACEHOLDER_TEMPLATE, f"{PORTALS_FOLDER}/",
                                  self.options.language)
        token = self.options.studio_token
        files = {**self._site_pages(), f"{PORTALS_FOLDER}/index.html": placeholder}
        if token:
            files.update(self._dashboard_files())
            files[f"{STUDIO_FOLDER}/index.html"] = placeholder
        files["_headers"] = headers_file(self.header_csp).encode()
        files["robots.txt"] = robots_txt(self.options.siteurl).encode()
        # Everything is rendered; what follows only moves and writes, and an
        # interrupt waits for it, so that the portals never sit beside
        # another build's dashboard.
        with interrupts_deferred():
            self.staging.publish()
            if self.manifest is not None:
                for build in self.builds:
                    for project in build.projects if build.path in self.rebuilt else ():
                        for name, sha in project.hashes.items():
                            self.manifest.record(name, sha)
                self.manifest.save({name for build in self.builds for project in build.projects
                                    for name in project.hashes})
            for name, data in files.items():
                self._write(name, data)
            self._remove_stale(PORTALS_FOLDER, {row.token for row in self.rows})
            self._remove_stale(STUDIO_FOLDER, {token} if token else set())
        _pelican.console().print(counts(self.rows).summary(words_of(self.options.studio_language)),
                                 soft_wrap=True)

    def _site_pages(self) -> dict[str, bytes]:
        """The front page and the 404 page, in the portals' default language,
        each unless a page of the studio's own in content/ is saved as it."""
        own = _pelican.page_files(self)
        # The 404 page is shown at any depth (p/<an old token>/): its links
        # start at the site's root, never relative to where it was written.
        return {name: render_page(self.context_for_pages, template, "", self.options.language,
                                  **({"SITEURL": self.options.siteurl} if name == "404.html" else {}))
                for name, template in SITE_PAGES.items() if name not in own}

    def _dashboard_files(self) -> dict[str, bytes]:
        options = self.options
        folder = options.dashboard_path()
        absolute = f"{options.siteurl}/{folder}" if is_absolute(options.siteurl) else None
        feeds = {"all": "calendar.ics", "ours": "studio-steps.ics"}
        studio, _ = options.studio["name"], words_of(options.studio_language).language.gettext
        events = [event for build in self.builds for project in build.projects
                  for event in project.studio_events]
        files = {}
        for kind, owner, name, description in (
                ("all", None, _("%(studio)s · all projects"), _("Milestones of every project")),
                ("ours", "studio", _("%(studio)s · our steps"),
                 _("Milestones of every project, the studio's own steps"))):
            files[folder + feeds[kind]] = studio_calendar(
                [data for party, data in events if owner is None or party == owner],
                uid=f"studio.{kind}@courtside", timezone=options.timezone,
                name=name % {"studio": isolated(studio)}, description=description,
                url=absolute, source=absolute + feeds[kind] if absolute else None)
        try:
            files[folder + "index.html"] = render_page(
                self.context_for_pages, DASHBOARD_TEMPLATE, folder, options.studio_language,
                # Each row rendered (autoescaped) where its client was built, or kept from the last build.
                rows=[Markup(row.html) for row in self.rows], counts=counts(self.rows), feeds=feeds,
                updated=self.moment,
                notices=shown_notices(options.notices, local_today(self.moment, options.timezone),
                                      words_of(options.studio_language)))
        except jinja2.UndefinedError as error:
            # A studio's own studio.html, copied before the rows were rendered
            # apart (it reads each row's client, project and state): say so.
            filename = environment(self.context_for_pages).get_template(DASHBOARD_TEMPLATE).filename
            line = max((number for frame, number in traceback.walk_tb(error.__traceback__)
                        if frame.f_code.co_filename == filename), default=0)
            raise CourtsideError([Problem(
                display_path(Path(filename or DASHBOARD_TEMPLATE)), line, 0, "",
                f"could not be rendered ({error}): the dashboard's rows are written by "
                "studio_row.html now, and studio.html places each row as it comes "
                "(`{{ row }}`); start your copy again from the theme's studio.html and "
                "studio_row.html")],
                "Courtside: the theme's dashboard does not fit this version of Courtside; "
                "nothing was published") from None
        return files

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

    def _write(self, relative_path: str, data: bytes) -> None:
        """A server reading the file meanwhile gets the old one or the new.
        A file that is already as written is left alone (a rebuild writes
        the same front page, 404 page and headers again)."""
        replace_if_changed(Path(self.output_path, relative_path), data)
