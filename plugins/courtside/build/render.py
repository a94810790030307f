"""One client's share of a build: load, check and render it, in whichever
process runs it.

Everything a worker needs travels in a picklable ``BuildContext``, and what
comes back is a ``RenderedClient``: the bytes to write. Staging writes them
and turns it into a ``StagedClient``, which holds their hashes instead (what
the cache keeps and the workers send back). So the simple path (one process,
no cache), the parallel path and the cached path all write the very same files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import unescape
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypedDict, TypeVar

import jinja2
import jinja2.bccache
import jinja2.ext  # imported with the plugin, not during a build an interrupt may cut short
from markupsafe import Markup

from ..actions import tel_link, website_text
from ..calendar import milestone_events, portal_calendar
from ..files import read_regular
from ..filters import words_of
from ..gitlog import HistoryIndex, HistoryUnreadable, KeptHistories, kept_history, unreadable_history
from ..history import NO_HISTORY
from ..i18n import SOURCE, isolated, language
from ..loader import TokenSite, load_portfolio
from ..model import Client, Party, Project
from ..portal import Portal, build_portal, is_absolute
from ..privacy import content_security_policy
from ..problems import Problem, display_path
from ..rules import ProjectState, local_today, party_calendars
from ..seal import salt_for, seal
from ..settings import CALENDAR_FILE, SETTINGS_KEY, CourtsideSettings, courtside_settings, plain_settings
from ..studio import KeptRow, StudioRow
from ..timeline import LAYOUTS, timeline_svg
from ..updates import UPDATES_FILE, updates_feed

PORTAL_TEMPLATE = "portal.html"
#: A project's row of the studio's dashboard (``studio.html``).
DASHBOARD_ROW_TEMPLATE = "studio_row.html"
LOCKED_TEMPLATE = "locked.html"
#: Settings the templates may read are passed on when they are plain data.
_PLAIN = (str, int, float, bool, type(None))


class Inline(TypedDict):
    """The inline script and style of the pages (``inline_script``,
    ``accent_style``), as the templates read them: ``INLINE.script``."""

    script: str
    unlock: str
    style: str | None


@dataclass(frozen=True)
class BuildContext:
    """What rendering needs, the same in every process."""

    options: CourtsideSettings
    moment: dt.datetime
    #: The theme's template folders, in Pelican's order.
    template_paths: tuple[str, ...]
    #: Pelican's JINJA_ENVIRONMENT options (trim_blocks, lstrip_blocks, ...).
    jinja_options: tuple[tuple[str, Any], ...]
    #: Plain settings the templates may read (SITENAME, DEFAULT_LANG, ...).
    page_values: Mapping[str, Any]
    relative_urls: bool
    siteurl: str
    csp: str
    inline: Inline
    #: The client files' git history (``gitlog.read_index``), None without
    #: one. Not part of the cache's key: each client's entry is keyed by its
    #: own history (``gitlog.history_key``).
    history: HistoryIndex | None = field(default=None, repr=False, compare=False)
    #: Where each client file's history is kept between builds
    #: (``cache.HistoryStore``); None derives every history anew.
    kept_histories: KeptHistories | None = field(default=None, repr=False, compare=False)
    #: Where compiled templates are kept between builds and shared by the
    #: workers (in the cache folder); None keeps them in memory only.
    compiled_templates: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ProjectBuild:
    """A published project's place, its events for the studio and its row
    of the studio's view: what a rendered project and a staged one have in
    common."""

    path: str
    #: Each milestone as a VEVENT, prefixed with the client, for the studio feeds.
    studio_events: tuple[tuple[Party, bytes], ...]
    #: Its row, ranked and counted by the generator (with a dashboard, rendered).
    row: KeptRow


@dataclass(frozen=True)
class RenderedProject(ProjectBuild):
    """A project as rendered: its files not written anywhere yet."""

    project: Project
    #: Its state on the build day, summarised (``ProjectState.summary``).
    state: ProjectState
    #: The page and feed by name under the output folder, as bytes.
    files: Mapping[str, bytes]


@dataclass(frozen=True)
class StagedProject(ProjectBuild):
    """A project whose files are written to the staging folder
    (``staging.Staging.write``): only what the generator still needs of it,
    so that a build cache entry is small and quick to read."""

    #: The SHA-256 of the page and feed, by name under the output folder.
    hashes: Mapping[str, str]


ProjectT = TypeVar("ProjectT", RenderedProject, StagedProject)


@dataclass(frozen=True)
class ClientBuild(Generic[ProjectT]):
    """One client file's share of a build: its problems, and when it loaded
    its published projects."""

    path: Path
    problems: tuple[Problem, ...]
    token_sites: tuple[TokenSite, ...] = ()
    projects: tuple[ProjectT, ...] = ()
    #: The name its history is kept under between builds (``gitlog.kept_history``).
    kept_history: str | None = None


@dataclass(frozen=True)
class RenderedClient(ClientBuild[RenderedProject]):
    """A client file as ``build_client`` rendered it."""

    client: Client | None = None
    #: Built without its history, which git could not give: not for the
    #: build cache, which would serve it so once the repository is whole.
    history_failed: bool = False
    #: The file's text as the loader read it (None when it did not load):
    #: the build cache keeps the pages under it, not under what the file
    #: holds by the time they are stored (an editor may have saved again).
    text: str | None = None


@dataclass(frozen=True)
class StagedClient(ClientBuild[StagedProject]):
    """A client file whose files are staged: what the cache stores and the
    generator publishes."""


def _plain(value: object) -> object:
    """``value`` when it is plain data all the way down, else None."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (list, tuple)):
        items = [_plain(item) for item in value]
        return None if any(i is None and v is not None for i, v in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        entries = {k: _plain(v) for k, v in value.items() if isinstance(k, str)}
        return None if any(entries[k] is None and value[k] is not None for k in entries) else entries
    return None


#: The filters in every page's environment, Courtside's and Pelican's (a
#: studio's own pages): the studio's contacts (``contact.html``), and its
#: name isolated in the pages' titles (``i18n.isolated``).
SHARED_FILTERS = {"tel_link": tel_link, "website_text": website_text, "isolated": isolated}


def inline_script(name: str) -> Markup:
    """A script of the package as pages carry it inline: its readable
    source, exactly as in the repository, so that what runs on a client's
    page can be read there (the page's policy allows it by its hash)."""
    source = resources.files("courtside").joinpath(name).read_text("utf-8").strip()
    # Inside <script>, either would end the script or change how it is read.
    if re.search(r"</script|<!--", source, re.IGNORECASE):
        raise ValueError(f"{name} must not contain '</script' or '<!--'")
    return Markup(source)


def accent_style(accent: str | None) -> Markup | None:
    """The studio's colour for the page's frame, in light mode only: the dark
    theme keeps its own colours, which are checked for contrast."""
    if not accent:
        return None
    return Markup(f":root{{--brand:{accent}}}"
                  "@media (prefers-color-scheme:dark){:root{--brand:var(--accent)}}")


def page_policy(inline: Inline, *, header: bool = False) -> str:
    """The Content-Security-Policy that lets exactly the inline script and
    style of ``inline`` run (``header``: for ``_headers``)."""
    return content_security_policy(scripts=(inline["script"], inline["unlock"]),
                                   styles=tuple(filter(None, [inline["style"]])), header=header)


def site_context(settings: Mapping[str, Any], template_paths: tuple[str, ...],
                 moment: dt.datetime) -> BuildContext:
    """The ``BuildContext`` of a site from its Pelican settings."""
    options = courtside_settings(settings)
    inline = Inline(script=inline_script("live.js"), unlock=inline_script("unlock.js"),
                    style=accent_style(options.accent))
    return BuildContext(
        options=options,
        moment=moment,
        template_paths=template_paths,
        jinja_options=tuple(sorted(
            (k, tuple(v) if isinstance(v, list) else v)
            for k, v in settings["JINJA_ENVIRONMENT"].items())),
        page_values={**{k: v for k, v in ((k, _plain(v)) for k, v in settings.items()
                                          if k.isupper()) if v is not None},
                     # Checked, so plain once its paths and dates are written out.
                     SETTINGS_KEY: plain_settings(settings[SETTINGS_KEY])},
        relative_urls=bool(settings.get("RELATIVE_URLS")),
        siteurl=settings.get("SITEURL", ""),
        csp=page_policy(inline),
        inline=inline,
    )


_ENVIRONMENTS: dict[tuple[tuple[str, ...], tuple[tuple[str, Any], ...], str], jinja2.Environment] = {}


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates shared by the environments of one process and,
    with a ``folder`` (Jinja's own ``FileSystemBytecodeCache``), by its
    workers and the next build. Jinja compiles a template once per
    environment, and there is one environment per language: without this a
    build in three languages compiled the theme three times in every worker,
    and a rebuild after one edit spent a fifth of its time compiling. What a
    template compiles to does not depend on the language (the catalog is
    looked up when it renders); Jinja checks a compiled template's source and
    Python version when it loads it, and the folder is named after the Jinja
    options and version it was compiled with."""

    def __init__(self, folder: Path | None) -> None:
        self.compiled: dict[str, bytes] = {}
        self.on_disk = jinja2.FileSystemBytecodeCache(str(folder)) if folder else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # nothing, when its source changed since
        elif self.on_disk is not None:
            try:  # not Jinja's own reading: it waits for ever on a named pipe, and raises on a loop
                code = read_regular(Path(self.on_disk.directory, self.on_disk.pattern % bucket.key))
            except OSError:
                return  # compiled again
            bucket.load_bytecode(io.BytesIO(code))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()
        if self.on_disk is not None:
            try:
                Path(self.on_disk.directory).mkdir(parents=True, exist_ok=True)
                self.on_disk.dump_bytecode(bucket)
            except OSError:
                pass  # a cache that cannot be written is only slower


#: One per template folders, Jinja options and cache folder, as the environments that share it.
_COMPILED: dict[tuple[tuple[str, ...], tuple[tuple[str, Any], ...], str | None],
                _CompiledTemplates] = {}


def _compiled_templates(context: BuildContext) -> _CompiledTemplates:
    key = (context.template_paths, context.jinja_options, context.compiled_templates)
    if key not in _COMPILED:
        folder = None
        if context.compiled_templates:
            options = hashlib.sha256(repr((context.jinja_options, jinja2.__version__)).encode())
            folder = Path(context.compiled_templates) / options.hexdigest()[:16]
        _COMPILED[key] = _CompiledTemplates(folder)
    return _COMPILED[key]


def environment(context: BuildContext, tag: str = SOURCE) -> jinja2.Environment:
    """The theme's templates in the language ``tag``, autoescaped: client
    text must never reach a page unescaped (Pelican's own environment does
    not autoescape). One environment per language and process, with that
    language's catalog and filters installed once, so a page costs no more
    in German than in English."""
    key = (context.template_paths, context.jinja_options, tag)
    if key not in _ENVIRONMENTS:
        options = dict(context.jinja_options)
        extensions = (*options.pop("extensions", ()), jinja2.ext.i18n)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(list(context.template_paths)),
                                 autoescape=True, extensions=extensions,
                                 bytecode_cache=_compiled_templates(context), **options)
        lang = language(tag)
        # Old-style gettext, and _() the catalog's own function: the trans
        # blocks format and escape their values themselves. Newstyle gettext,
        # and the extension's _ alias, are context functions, and Jinja derives
        # a fresh context for every such call inside a loop or block: with them
        # a page took twice as long to render (benchmarks/bench.py --profile).
        env.install_gettext_translations(lang.catalog, newstyle=False)  # type: ignore[attr-defined]
        env.globals["_"] = lang.catalog.gettext  # not the extension's context-function alias
        env.filters.update(words_of(tag).filters(), **SHARED_FILTERS)
        env.globals["timeline"] = _timeline
        env.globals["LANGUAGE"] = lang
        _ENVIRONMENTS[key] = env
    return _ENVIRONMENTS[key]


def _timeline(portal: Portal, layout: str) -> Markup:
    return timeline_svg(portal, LAYOUTS[layout])


def _page_values(context: BuildContext, folder: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What a page in ``folder`` ("" for the site's root) is rendered with:
    SITEURL relative to it when the site uses relative URLs (what Pelican's
    writer would do)."""
    depth = folder.strip("/").count("/") + 1 if folder.strip("/") else 0
    siteurl = (os.path.join(*[".."] * depth) if depth else ".") if context.relative_urls \
        else context.siteurl
    return {**context.page_values, "SITEURL": siteurl, "CONTENT_SECURITY_POLICY": context.csp,
            "INLINE": context.inline, **values}


def render_page(context: BuildContext, template: str, folder: str, tag: str = SOURCE,
                **values: Any) -> bytes:
    """A page in ``folder`` ("" for the site's root), in the language ``tag``."""
    return render_fragment(context, template, folder, tag, **values).encode("utf-8")


def render_fragment(context: BuildContext, template: str, folder: str, tag: str = SOURCE,
                    **values: Any) -> str:
    """A part of a page in ``folder`` (a template that is not a whole page),
    as the page that holds it renders it."""
    return environment(context, tag).get_template(template).render(
        _page_values(context, folder, values))


def render_blocks(context: BuildContext, template: str, folder: str, names: tuple[str, ...],
                  tag: str = SOURCE, **values: Any) -> dict[str, str]:
    """Blocks of a page rendered on their own, each exactly as in the whole
    page: the page is rendered once first, which sets its variables and
    adds the blocks it inherits (what ``{% extends %}`` does), then each block
    is rendered again in that context."""
    page = environment(context, tag).get_template(template)
    blocks = page.new_context(_page_values(context, folder, values))
    for _ in page.root_render_func(blocks):
        pass
    return {name: "".join(blocks.blocks[name][0](blocks)) for name in names}


def locked_page(context: BuildContext, folder: str, password: str, token: str,
                tag: str = SOURCE, **values: Any) -> bytes:
    """The portal encrypted: its title and body, rendered on their own, are
    sealed into a neutral page with the script that opens them."""
    parts = render_blocks(context, PORTAL_TEMPLATE, folder, ("title", "body"), tag, **values)
    payload = json.dumps({"title": unescape(parts["title"]), "body": parts["body"]},
                         ensure_ascii=False)
    sealed = seal(payload.encode("utf-8"), password, salt_for(token))
    return render_page(context, LOCKED_TEMPLATE, folder, tag, sealed=sealed.attributes())


def in_studio_language(portal: Portal, tag: str) -> Portal:
    """``portal`` as the studio reads it (its feeds): in the studio's language."""
    words = words_of(tag)
    if portal.words is words:
        return portal
    return replace(portal, words=words, schedule=tuple(
        replace(row, words=words) for row in portal.schedule))


def build_client(path: Path, context: BuildContext) -> RenderedClient:
    """Load one client file, check it, and render all of its portals."""
    options = context.options
    portfolio, problems = load_portfolio(options, only=[path], moment=context.moment)
    client = portfolio.clients[0] if portfolio.clients else None
    if client is None or any(p.severity == "error" for p in problems):
        return RenderedClient(path, tuple(problems), portfolio.token_sites)
    absolute = is_absolute(options.siteurl)
    today = local_today(context.moment, client.timezone)
    calendars = party_calendars(client, options.calendar)
    history_failed = False
    try:
        histories, kept_as = kept_history(
            context.history, path, client, today=local_today(context.moment, options.timezone),
            timezone=options.timezone, language=options.language, terms=options.terms,
            document=portfolio.documents.get(client.id), kept=context.kept_histories)
    except HistoryUnreadable as error:  # a warning: an error in production, as a shallow clone
        histories, kept_as, history_failed = {}, None, True
        problems.append(Problem(display_path(path), message=unreadable_history(error),
                                severity="warning"))
    projects: list[RenderedProject] = []
    for project in client.projects:
        if not project.built(options.drafts):
            continue
        folder = options.portal_path(project.token)
        portal = build_portal(
            client, project, today=today, updated=context.moment, studio=options.studio,
            template=portfolio.templates[portfolio.template_names[client.id, project.id]],
            path=folder,
            url=options.portal_url(project.token) if absolute else None,
            # Without a SITEURL the page links to its feed beside it.
            feed_url=(options.calendar_url(project.token) if absolute else CALENDAR_FILE)
            if project.calendar else None,
            calendars=calendars, history=histories.get(project.id, NO_HISTORY),
            studio_notices=options.notices, studio_reminders=options.reminders)
        tag = client.language_of(project)
        password = os.environ.get(project.password_env) if project.password_env else None
        if password:
            page = locked_page(context, folder, password, project.token, tag, portal=portal,
                               unencrypted_preview=False)
        else:
            page = render_page(context, PORTAL_TEMPLATE, folder, tag, portal=portal,
                               unencrypted_preview=bool(project.password_env))
        files = {folder + "index.html": page}
        if not project.password_env:  # a feed reader cannot enter a password
            files[folder + UPDATES_FILE] = updates_feed(portal)
        # The studio's feeds carry every event once more, prefixed with the
        # client and in the studio's language; without a studio dashboard that
        # work is skipped.
        prefix = f"{isolated(client.name)} · "
        studio_view = in_studio_language(portal, options.studio_language)
        together = options.studio_token and studio_view is portal  # one language: serialized once
        prefixes = ("", prefix) if together else ("",)
        events = ([milestone_events(portal, row, *prefixes) for row in portal.schedule]
                  if portal.subscription or options.studio_token else [])
        if portal.subscription:
            files[folder + CALENDAR_FILE] = portal_calendar(portal, [own for own, *_ in events])
        studio_events: tuple[tuple[Party, bytes], ...] = ()
        if options.studio_token:
            theirs = [studio for _, studio in events] if together else [
                milestone_events(studio_view, row, prefix)[0] for row in studio_view.schedule]
            studio_events = tuple((row.milestone.owner, event)
                                  for row, event in zip(portal.schedule, theirs, strict=True))
        state = portal.state.summary()
        row = StudioRow(client, project, state, folder, options.studio["name"],
                        words_of(options.studio_language), portal.history.recent_moves(today))
        html = render_fragment(context, DASHBOARD_ROW_TEMPLATE, options.dashboard_path(),
                               options.studio_language, row=row) if options.studio_token else None
        projects.append(RenderedProject(folder, studio_events, row.kept(html), project, state,
                                        files=files))
    return RenderedClient(path, tuple(problems), portfolio.token_sites, tuple(projects), kept_as,
                          client, history_failed, portfolio.documents[client.id].text)
