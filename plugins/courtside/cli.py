"""The ``courtside`` command: the studio's side of the same loader and rules."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from courtside_command import INTERRUPTED

from . import edit, interrupts, studio_init
from .filters import Words, words_of
from .gitlog import HistoryUnreadable, client_history
from .history import NO_HISTORY
from .i18n import BIDI_CONTROLS, FSI, PDI, isolated
from .invite import invitation
from .loader import Portfolio, client_from_text, load_client, load_portfolio, no_folder_yet
from .model import Milestone, term_sources
from .portal import is_absolute
from .problems import (
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    EXIT_SYSTEM,
    CourtsideError,
    Problem,
    display_path,
    interrupt_behind,
    report,
    system_error,
)
from .rules import local_today, party_calendars, project_state
from .settings import CALENDAR_FILE, CourtsideSettings, checked_build_moment, courtside_settings
from .studio import StudioRow, counts, matches, none_matching, ranked
from .tokens import new_token

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_SETTINGS = "pelicanconf.py"
#: Control characters (escape sequences start with one) and the bidirectional
#: overrides and isolates (they reorder the rest of a terminal line), shown as U+FFFD.
_CONTROL_CHARACTERS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                                     *range(0x2066, 0x206A)], "\ufffd")
#: A first strong isolate closed before any other bidirectional control
#: (``i18n.isolated`` puts a right-to-left name in one): it keeps the rest of
#: the line in its order, so it is shown as it is, and what it holds checked.
_ISOLATE = re.compile(f"{FSI}([^{BIDI_CONTROLS}]*){PDI}")


def _read(settings_file: str, only: list[Path] | None = None
          ) -> tuple[CourtsideSettings, Portfolio, list[Problem]]:
    """The settings and every client file with all their problems; raises
    ``CourtsideError`` when the settings themselves are wrong."""
    options = _settings(settings_file)
    portfolio, problems = load_portfolio(options, only, moment=checked_build_moment())
    return options, portfolio, problems


def _load(settings_file: str) -> tuple[CourtsideSettings, Portfolio]:
    """Like ``_read``, for commands that need every client file to be right:
    warnings are printed, errors raise ``CourtsideError``."""
    options, portfolio, problems = _read(settings_file)
    errors = [p for p in problems if p.severity == "error"]
    report(p for p in problems if p.severity != "error")
    if errors:
        raise CourtsideError(errors, f"courtside: {_count(errors, 'error')} in the client files")
    return options, portfolio


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def check(args: argparse.Namespace) -> int:
    only = [Path(name) for name in args.files] or None
    try:
        options, portfolio, problems = _read(args.settings, only)
        checked = len(portfolio.files)
    except CourtsideError as error:  # the settings are wrong: nothing else can be checked
        problems, checked, options = list(error.problems), 0, None
    if args.fatal == "warnings":
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    if args.explain_terms:
        return explain_terms(args.settings, *args.explain_terms)
    errors = [p for p in problems if p.severity == "error"]
    if args.format == "json":
        print(json.dumps([dataclasses.asdict(p) for p in sorted(problems)], indent=2,
                         ensure_ascii=False))
    elif args.format == "github":
        for problem in sorted(problems):
            print(_github_annotation(problem))
    else:
        report(problems, sys.stdout)
        if options and not args.files and (missing := no_folder_yet(options.clients_folder)):
            print(f"courtside: {missing}")  # a mistyped clients_path checks nothing
        warnings = len(problems) - len(errors)
        verdict = "no problems" if not problems else \
            f"{_count(errors, 'error')}, {_count(range(warnings), 'warning')}"
        print(f"courtside: {_count(range(checked), 'client file')} checked: {verdict}")
    return 1 if errors else 0


def explain_terms(settings_file: str, client_id: str, project_id: str) -> int:
    """``check --explain-terms``: each term of one project, its value, and
    where it comes from (the client file's line, or the studio's defaults)."""
    options = courtside_settings(_pelican_settings(settings_file))
    path = options.clients_folder / f"{client_id}.yaml"
    if not path.is_file():
        print(f"courtside: no client file {display_path(path)}", file=sys.stderr)
        return 1
    client, document, problems = load_client(path, options.timezone, None, options.language)
    if client is None or document is None:
        report(problems, sys.stdout)
        return 1
    index = next((i for i, p in enumerate(client.projects) if p.id == project_id), None)
    if index is None:
        print(f"courtside: {display_path(path)}: no project {project_id!r} (its projects: "
              f"{', '.join(p.id for p in client.projects)})", file=sys.stderr)
        return 1
    written = client.projects[index].agreement.terms
    for key, value, own in term_sources(options.terms, written):
        line, _ = document.locate(("projects", index, "agreement", "terms", *key))
        source = f"{display_path(path)}:{line}" if own else "settings: COURTSIDE.terms"
        print(f"terms.{'.'.join(key)}: {value}    ({source})")
    return 0


def _pelican_settings(settings_file: str) -> dict[str, Any]:
    """Pelican's settings as ``read_settings`` gives them: any values."""
    from pelican.settings import read_settings

    if not Path(settings_file).is_file():
        raise SystemExit(f"courtside: settings file {settings_file!r} not found "
                         "(run from the site's folder, or give --settings)")
    try:
        settings: dict[str, Any] = read_settings(settings_file)
        return settings
    except SyntaxError as error:  # the settings file is Python: say where it is wrong
        raise SystemExit(f"{display_path(Path(error.filename or settings_file))}:"
                         f"{error.lineno or 0}:{error.offset or 0}: {error.msg} "
                         "(the settings file is Python)") from None
    except SystemExit as error:  # it ran sys.exit(): a settings file has no say in that
        raise SystemExit(f"{display_path(Path(settings_file))}: the settings file called "
                         f"sys.exit({error.code!r}) while it was read") from None
    except Exception as error:  # it ran and failed: the line in it that failed
        frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if Path(frame.filename).resolve() == Path(settings_file).resolve()]
        line = frames[-1].lineno if frames else 0
        raise SystemExit(f"{display_path(Path(settings_file))}:{line}: "
                         f"{type(error).__name__}: {error}") from None


def _settings(settings_file: str) -> CourtsideSettings:
    return courtside_settings(_pelican_settings(settings_file))


def serve(args: argparse.Namespace) -> int:
    from . import preview

    settings = _pelican_settings(args.settings)
    options = courtside_settings(settings)
    settings_file = Path(args.settings).resolve()
    watched = [options.clients_folder, Path(settings["PATH"]), Path(settings["THEME"]),
               settings_file, *options.plugin_paths]
    preview.serve(settings_file, Path(settings["OUTPUT_PATH"]), watched,
                  bind=args.bind, port=args.port)
    return 0


def _today(options: CourtsideSettings) -> dt.date:
    return local_today(checked_build_moment(), options.timezone)


def _client_today(options: CourtsideSettings, path: Path) -> dt.date:
    """Today where the client is: the day the loader measures its dates
    against (New York's evening is Berlin's next morning)."""
    client, _, _ = load_client(path, options.timezone, None, options.language)
    return local_today(checked_build_moment(), client.timezone if client else options.timezone)


def new(args: argparse.Namespace) -> int:
    options = _settings(args.settings)
    words = edit.placeholders(options.studio_language)
    path, token = edit.new_client(
        options.clients_folder, args.client, args.name, project_id=args.project,
        title=args.title or words.project_title % {"client": args.name}, today=_today(options),
        schema=edit.schema_path(options.plugin_paths), draft=args.draft, words=words)
    print(f"Created {display_path(path)} with the project {args.project!r}"
          f"{' (a draft)' if args.draft else ''}.")
    _print_link(args.settings, options, args.client, args.project, token, draft=args.draft)
    return 0


def add_project(args: argparse.Namespace) -> int:
    options = _settings(args.settings)
    path = edit.client_path(options.clients_folder, args.client)
    token = edit.add_project(path, args.project, args.title, _today(options), draft=args.draft,
                             words=edit.placeholders(options.studio_language))
    print(f"Added the project {args.project!r} to {display_path(path)}"
          f"{' (a draft)' if args.draft else ''}.")
    _print_link(args.settings, options, args.client, args.project, token, draft=args.draft)
    return 0


def rotate(args: argparse.Namespace) -> int:
    options = _settings(args.settings)
    path = edit.client_path(options.clients_folder, args.client)
    token = edit.rotate(path, args.project)
    print(f"Gave {args.client}/{args.project} a new link in {display_path(path)}. The old link "
          "and calendar feed stop working with the next deploy; send the client the new ones.")
    client, _, _ = load_client(path, options.timezone, None, options.language)
    project = next((p for p in client.projects if p.id == args.project), None) if client else None
    _print_link(args.settings, options, args.client, args.project, token,
                draft=project is not None and project.draft)
    return 0


#: The production settings, as ``make publish`` builds with them.
PRODUCTION_SETTINGS = "publishconf.py"


def production_settings_file(settings_file: str) -> str:
    """The production settings of the site whose settings are ``settings_file``:
    ``publishconf.py`` beside it, or the file itself when there is none."""
    production = Path(settings_file).with_name(PRODUCTION_SETTINGS)
    return str(production) if production.is_file() else settings_file


def _no_siteurl(settings_file: str, siteurl: str, client_id: str, project_id: str) -> str:
    """Why the whole link cannot be said: no ``SITEURL``, or one that is not
    a full address (``portals.example``, without https://)."""
    why = (f"SITEURL {siteurl!r} is not a full address" if siteurl else "SITEURL is not set")
    return (f"{why}, so the site's address is unknown here ({settings_file} reads "
            "it from the environment, as the deploy sets it); give it to see the whole link "
            f"and the message to send: SITEURL=https://portals.example.com courtside invite "
            f"{client_id} {project_id}")


def _siteurl(settings_file: str) -> str:
    """``SITEURL`` as the settings give it ("" for none); ``SystemExit`` when
    they cannot be read."""
    return str(_pelican_settings(settings_file).get("SITEURL") or "")


def absolute_link(siteurl: str, options: CourtsideSettings, token: str) -> str | None:
    """A portal's whole link as the production build publishes it: its
    ``SITEURL`` (from the environment, in publishconf.py) before the portal's
    path; None when that is not a full address."""
    if not is_absolute(siteurl):
        return None
    return dataclasses.replace(options, siteurl=siteurl.rstrip("/")).portal_url(token)


def _print_link(settings_file: str, options: CourtsideSettings, client_id: str,
                project_id: str, token: str, *, draft: bool) -> None:
    """How ``new``, ``add-project`` and ``rotate`` end: the link to send, whole,
    or why it cannot be said whole here; for a draft, where the preview shows it."""
    path = options.portal_path(token)
    if draft:
        print(f"It is a draft: previews show it at /{path} (make serve: "
              f"http://localhost:8000/{path}); production builds leave it out until its "
              f"status is active, and then `courtside invite {client_id} {project_id}` gives "
              "its link and the message to send.")
        return
    production = production_settings_file(settings_file)
    try:
        siteurl = _siteurl(production)
    except SystemExit as error:  # the edit is made; only the whole link is unknown
        print(f"Its link is <SITEURL>/{path}; the production settings could not be read "
              f"to say it whole ({str(error.code).removeprefix('courtside: ')}).")
        return
    url = absolute_link(siteurl, options, token)
    if url is None:
        print(f"Its link is <SITEURL>/{path}. "
              + _no_siteurl(production, siteurl, client_id, project_id))
    else:
        print(f"Its link: {url}")
        print(f"The message to send with it: courtside invite {client_id} {project_id}")


def invite(args: argparse.Namespace) -> int:
    """The portal's whole link and a mail to send it with, in the client's language."""
    siteurl = _siteurl(args.settings)
    if not is_absolute(siteurl):
        raise SystemExit("courtside: " + _no_siteurl(args.settings, siteurl, args.client,
                                                     args.project))
    options, portfolio = _load(args.settings)
    path = edit.client_path(options.clients_folder, args.client)
    client = next((c for c in portfolio.clients if c.id == args.client), None)
    if client is None:
        raise edit.missing_client(path)
    project = next((p for p in client.projects if p.id == args.project), None)
    if project is None:
        raise edit.no_project(path, args.project, [p.id for p in client.projects])
    if not project.built(portfolio.drafts):
        why = ("a draft: production builds leave it out until its status is active"
               if project.draft else f"{project.status}: it has no page")
        raise edit.EditError(f"{display_path(path)}: project {args.project!r} is {why}, so its "
                             "link would lead nowhere; nothing to send")
    tag = client.language_of(project)
    mail = invitation(
        client, project, url=options.portal_url(project.token),
        feed_url=options.calendar_url(project.token) if project.calendar else None,
        studio_name=options.studio["name"], words=words_of(tag))
    contact = client.contact
    if args.json:
        print(json.dumps({
            "client": client.id, "project": project.id, "language": tag, "url": mail.url,
            "calendar_url": mail.calendar.url if mail.calendar else None,
            "webcal": mail.calendar.webcal if mail.calendar else None,
            "google": mail.calendar.google if mail.calendar else None,
            "to": contact.email if contact else None,
            "subject": mail.subject, "body": mail.body}, indent=2, ensure_ascii=False))
        return 0
    _ = words_of(options.studio_language).language.gettext
    print(_terminal(_("Link: %(url)s") % {"url": mail.url}))
    if contact and contact.email:
        to = f"{isolated(contact.name)} <{contact.email}>" if contact.name else contact.email
        print(_terminal(_("To: %(address)s") % {"address": to}))
    print(_terminal(_("Subject: %(subject)s") % {"subject": mail.subject}))
    print()
    print("\n".join(_terminal(line) for line in mail.body.splitlines()))
    return 0


def _checker(options: CourtsideSettings) -> edit.Checker:
    """The loader's errors in an edited client file, as a build now would see them."""
    moment = checked_build_moment()

    def check(path: Path, text: str) -> list[Problem]:
        _, _, problems = client_from_text(text, path, options.timezone, moment, options.language)
        return [problem for problem in problems if problem.severity == "error"]
    return check


def decide(args: argparse.Namespace) -> int:
    options = _settings(args.settings)
    path = edit.client_path(options.clients_folder, args.client)
    day = args.date or _client_today(options, path)
    recorded = edit.decide(path, args.project, args.change, args.status, day, _checker(options))
    verb = "Approved" if args.status == "approved" else "Declined"
    what = isolated(repr(recorded.what))
    print(_terminal(f"{verb} change request {recorded.number} of {args.client}/{args.project}, "
                    f"{what} (proposed {recorded.proposed}), on {day}: {recorded.where}"))
    return 0


def done(args: argparse.Namespace) -> int:
    options = _settings(args.settings)
    path = edit.client_path(options.clients_folder, args.client)
    day = args.date or _client_today(options, path)
    written = edit.done(path, args.project, args.milestone, day, correct=args.date is not None,
                        check=_checker(options))
    name = f"{args.milestone!r} of {args.client}/{args.project}"
    print(_terminal(f"Changed the done date of {name} from {written.replaced} to {day}: "
                    f"{written.where}" if written.replaced else
                    f"Marked {name} done on {day}: {written.where}"))
    return 0


def _terminal(text: str) -> str:
    """Client text on a terminal line: shown, never obeyed (see ``status``);
    a right-to-left name in a sentence stays isolated (``i18n.isolated``)."""
    parts = _ISOLATE.split(text)  # outside, isolated, outside, …
    return "".join(part.translate(_CONTROL_CHARACTERS) if index % 2 == 0
                   else FSI + part.translate(_CONTROL_CHARACTERS) + PDI
                   for index, part in enumerate(parts))


def _date(text: str) -> dt.date:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD")


def _github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command, which shows up on the file's line."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = [f"file={prop(problem.file)}"]
    if problem.line:
        where += [f"line={problem.line}", f"col={problem.column}"]
    if problem.path:
        where.append(f"title={prop(problem.path)}")
    return f"::{problem.severity} {','.join(where)}::{data(problem.message)}"


def init(args: argparse.Namespace) -> int:
    settings = _pelican_settings(args.settings)
    given = {question.option: getattr(args, question.option) for question in studio_init.QUESTIONS}
    # The settings file's own values: a token in the environment is production's secret.
    return studio_init.run(settings, courtside_settings(settings, environ={}), Path(args.settings), given,
                           force=args.force, logo_height=args.logo_height,
                           interactive=sys.stdin is not None and sys.stdin.isatty())


def _logo_height(text: str) -> int:
    if not text.isdigit() or not 8 <= int(text) <= 200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a logo height (use 8 to 200 pixels)")
    return int(text)


def token(args: argparse.Namespace) -> int:
    print(new_token())
    return 0


def status(args: argparse.Namespace) -> int:
    options, portfolio = _load(args.settings)
    moment = checked_build_moment()
    words = words_of(options.studio_language)
    from .build.cache import site_history

    try:
        # As a build reads it, with what builds keep: a daily status of a
        # thousand clients reads no past version whose history a build kept.
        index, kept = site_history(options)
    except HistoryUnreadable as error:
        print(f"courtside: {error}; moved dates are not counted", file=sys.stderr)
        index, kept = None, None
    if index is not None and index.shallow:
        print("courtside: a shallow clone: moved dates are counted from its oldest commit only",
              file=sys.stderr)
    studio_today = local_today(moment, options.timezone)
    histories = {client.id: client_history(index, client.source, client, today=studio_today,
                                           timezone=options.timezone, language=options.language,
                                           terms=options.terms,
                                           document=portfolio.documents.get(client.id), kept=kept)
                 for client in portfolio.clients if client.source is not None}
    rows = ranked(
        StudioRow(client, project,
                  project_state(project, today := local_today(moment, client.timezone),
                                party_calendars(client, options.calendar)),
                  options.portal_url(project.token), options.studio["name"], words,
                  histories.get(client.id, {}).get(project.id, NO_HISTORY).recent_moves(today))
        for client, project in portfolio.published())
    rows = [row for row in rows if matches(row, owner=args.owner, overdue=args.overdue,
                                           client=args.client)]
    if args.json:
        print(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(_terminal(none_matching(words, owner=args.owner, overdue=args.overdue,
                                      client=args.client)))
        return 0
    return _show_status(rows, words)


#: The due state's colours in ``status``; "dim" for paused and complete projects.
_COLOURS = {"past_grace": "bold red", "overdue": "red", "due_soon": "yellow", "on_time": "green"}


def _show_status(rows: list[StudioRow], words: Words) -> int:
    """``status``'s table: on a terminal in colour, or one block per project
    where it is too narrow for the table; when piped, plain and unwrapped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    _ = words.language.gettext
    headers = (_("Client"), _("Project"), _("Ball"), _("Waiting"), _("Current step"),
               _("State"), _("Next"), _("Expected end"), _("Decisions"), _("Moved"))
    shown = [_status_cells(row, words) for row in rows]
    # Client text goes in as Text, never as markup: rich would read "[bold]" as
    # markup (and ``_terminal`` keeps a terminal from obeying an escape sequence).
    table = Table(box=None, header_style="bold", pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row, (cells, _dates) in zip(rows, shown, strict=True):
        # The state's colour on its words, not on the spaces that pad them.
        table.add_row(*(Text.assemble((cell, _COLOURS.get(row.due_kind, "dim") if column == _STATE else ""))
                        for column, cell in enumerate(cells)))
    summary = counts(rows).summary(words).removeprefix("Courtside: ")
    if not sys.stdout.isatty():
        # Plain, unwrapped lines when piped into a file or grep, without the
        # spaces that pad each cell to its column's width.
        console = Console(width=240, no_color=True)
        with console.capture() as captured:
            console.print(table)
        print("\n".join(line.rstrip() for line in captured.get().splitlines()))
        print(summary)
        return 0
    console = Console()
    # rich exits 1 when the reader goes away; every command ends quietly with 0 there.
    # (rich calls this method for that moment; replacing it on the instance is the hook.)
    console.on_broken_pipe = _reader_gone  # type: ignore[method-assign]
    whole = [[header] for header in headers]  # what must not break mid-word, by column
    for _cells, dates in shown:
        for column, date in dates:
            whole[column].append(date)
    if console.width >= _table_width(list(zip(headers, *(cells for cells, _ in shown), strict=True)),
                                     whole):
        console.print(table)
    else:
        _print_blocks(console, headers, rows, [cells for cells, _dates in shown], words)
        console.print()
    console.print(summary, style="dim")
    return 0


def _print_blocks(console: Console, headers: tuple[str, ...], rows: list[StudioRow],
                  shown: list[list[str]], words: Words) -> None:
    """``status`` too narrow for its table: one block per project, in the same
    order and words, each column's cell after its header."""
    from rich.text import Text

    for number, (row, cells) in enumerate(zip(rows, shown, strict=True)):
        if number:
            console.print()
        title = cells[1] if row.project.draft else isolated(cells[1])  # a draft's has its own
        console.print(Text(f"{isolated(cells[0])} · {title}", style="bold"))
        for column in range(2, len(headers)):
            if cells[column] == "—":
                continue
            value = isolated(cells[column]) if column == _BALL else cells[column]
            # TRANSLATORS: a line of `courtside status` in a narrow terminal: a header, then its text.
            line = Text(words.language.gettext("%(label)s: %(text)s") % {
                "label": headers[column], "text": value},
                style=_COLOURS.get(row.due_kind, "dim") if column == _STATE else "")
            # Indented, and a line that wraps further in, so that each label stands out.
            for wrapped, part in enumerate(line.wrap(console, max(console.width - 4, 1),
                                                     overflow="fold")):
                part.rstrip()
                console.print(Text("    " if wrapped else "  ") + part)


#: Columns of ``status``: a party's name, the current step, the due state, the next step, the end.
_BALL, _CURRENT, _STATE, _NEXT, _END = 2, 4, 5, 6, 7


def _status_cells(row: StudioRow, words: Words) -> tuple[list[str], list[tuple[int, str]]]:
    """A project's line of ``status``: its cells as plain text, one per column
    (client text shown, never obeyed), and the dates in them by column."""
    dates: list[tuple[int, str]] = []

    def step_text(column: int, step: Milestone | None, moved: dt.date | None = None) -> str:
        if step is None:
            return "—"
        # A current step others' delays moved: from its agreed date to the one it is counted against.
        when = words.short_date(step.due) + (f" → {words.short_date(moved)}" if moved else "")
        dates.append((column, when))
        return _terminal(f"{isolated(step.title)} ({when})")

    end = words.short_date(row.expected_end, year=True) if row.expected_end else None
    if end:
        dates.append((_END, end))
    cells = [
        _terminal(row.client.name), _terminal(row.title), _terminal(row.ball_name or "—"),
        str(row.state.waiting_days) if row.state.waiting_days is not None else "—",
        step_text(_CURRENT, row.state.current, row.moved_due), _terminal(row.due_text),
        step_text(_NEXT, row.next_milestone),
        (end + (f" ({row.end_slip_days:+d})" if row.end_slip_days else "")) if end else "—",
        str(row.open_changes or "—"), str(row.moved_recently or "—")]
    return cells, dates


def _table_width(columns: list[tuple[str, ...]], whole: list[list[str]]) -> int:
    """How wide a terminal the ``status`` table needs to keep every word of
    ``whole[i]`` (column i's header and dates) unbroken. Too narrow a table
    narrows its widest columns first, down to one width, before it breaks
    words (rich's ``Table._collapse_widths``); so it needs that width to hold
    the longest such word with its column's padding (a space on either side
    between columns, none at the edges), and every narrower column as it is.
    Exact when the columns end at one width; where rich leaves some a cell
    wider than others, a few cells more than it needs, never fewer."""
    from rich.cells import cell_len

    last = len(columns) - 1

    def padding(index: int) -> int:
        return (index > 0) + (index < last)

    level = max(cell_len(word) + padding(index)
                for index, texts in enumerate(whole) for text in texts for word in text.split())
    return sum(min(max(cell_len(line) for cell in cells for line in cell.splitlines() or [""])
                   + padding(index), level)
               for index, cells in enumerate(columns))


def _reader_gone() -> None:
    raise BrokenPipeError


class _Link(TypedDict):
    """A line of ``courtside links``."""

    client: str | None
    project: str | None
    url: str
    calendar_url: str | None
    #: A project of ``status: draft``, which only a preview builds.
    draft: bool
    #: The studio's own dashboard (no client, no project): never sent to anyone.
    studio: bool


#: How ``links`` names the studio's dashboard.
DASHBOARD_LABEL = "studio dashboard (the studio's own: never send it)"


def links(args: argparse.Namespace) -> int:
    options, portfolio = _load(args.settings)
    rows: list[_Link] = []
    if options.studio_token:
        rows.append({"client": None, "project": None, "url": options.dashboard_url(),
                     "calendar_url": options.dashboard_url() + CALENDAR_FILE, "draft": False,
                     "studio": True})
    rows += [
        {
            "client": client.id,
            "project": project.id,
            "url": options.portal_url(project.token),
            "calendar_url": options.calendar_url(project.token) if project.calendar else None,
            "draft": project.draft,
            "studio": False,
        }
        for client, project in portfolio.published()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0

    def label(row: _Link) -> str:
        return DASHBOARD_LABEL if row["studio"] else f"{row['client']}/{row['project']}"
    width = max((len(label(r)) for r in rows), default=0)
    for row in rows:
        print(f"{label(row):<{width}}  {row['url']}{'  (draft: preview only)' if row['draft'] else ''}")
    return 0


def _port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (use 1 to 65535, or 0 for "
                                         "any free one)")
    return number


DRAFT_HELP = ("make the project a draft (status: draft): previews show it, production "
              "builds leave it out until its status is active")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="courtside", description="Private client portals from YAML files.")
    settings = argparse.ArgumentParser(add_help=False)
    settings.add_argument("--settings", default=DEFAULT_SETTINGS, metavar="FILE",
                          help=f"Pelican settings file (default: {DEFAULT_SETTINGS})")
    production = argparse.ArgumentParser(add_help=False)
    production.add_argument("--settings", default=PRODUCTION_SETTINGS, metavar="FILE",
                            help=f"Pelican settings file (default: {PRODUCTION_SETTINGS}, the "
                                 "production build's)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check_parser = commands.add_parser(
        "check", parents=[settings], help="check the client files without building",
        description="Check every client file (or the ones given) as a build would, and "
                    "report every problem; exit 1 when there is an error.")
    check_parser.add_argument("files", nargs="*", metavar="FILE",
                              help="check only these client files")
    check_parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                              help="json: a list of {file, line, column, path, message, "
                                   "severity}; github: GitHub Actions annotations")
    check_parser.add_argument("--fatal", choices=("errors", "warnings"), default="errors",
                              help="warnings: fail on warnings too")
    check_parser.add_argument("--explain-terms", nargs=2, metavar=("CLIENT", "PROJECT"),
                              help="list each term of one project with its value and where "
                                   "it comes from: the client file's line or the studio's "
                                   "defaults (COURTSIDE[\"terms\"])")
    check_parser.set_defaults(run=check)

    new_parser = commands.add_parser(
        "new", parents=[settings], help="create a client file with one project",
        description="Create clients/CLIENT.yaml, ready to edit, with one project and a "
                    "fresh token.")
    new_parser.add_argument("client", metavar="CLIENT", help="the client's id, e.g. acme")
    new_parser.add_argument("--name", required=True, help='the client\'s name, e.g. "Acme Corp"')
    new_parser.add_argument("--project", default="first-project", metavar="ID",
                            help="the project's id (default: first-project)")
    new_parser.add_argument("--title", help="the project's title")
    new_parser.add_argument("--draft", action="store_true", help=DRAFT_HELP)
    new_parser.set_defaults(run=new)

    add_parser = commands.add_parser(
        "add-project", parents=[settings], help="add a project to a client file",
        description="Add a project with a fresh token to a client file, keeping every "
                    "comment and line of it.")
    add_parser.add_argument("client", metavar="CLIENT")
    add_parser.add_argument("project", metavar="PROJECT", help="the new project's id")
    add_parser.add_argument("--title", required=True)
    add_parser.add_argument("--draft", action="store_true", help=DRAFT_HELP)
    add_parser.set_defaults(run=add_project)

    rotate_parser = commands.add_parser(
        "rotate", parents=[settings], help="give a project a new private link",
        description="Replace a project's token, changing nothing else in the file, and "
                    "print the new link. The old link is dead after the next deploy.")
    rotate_parser.add_argument("client", metavar="CLIENT")
    rotate_parser.add_argument("project", metavar="PROJECT")
    rotate_parser.set_defaults(run=rotate)

    invite_parser = commands.add_parser(
        "invite", parents=[production], help="the link to send a client, with a message",
        description="Print a project's whole portal link, as the production build publishes "
                    "it (SITEURL from the environment), and a short message to paste into an "
                    "e-mail, in the client's language: what the page is, that it is private, "
                    "and how to subscribe to its calendar.")
    invite_parser.add_argument("client", metavar="CLIENT")
    invite_parser.add_argument("project", metavar="PROJECT")
    invite_parser.add_argument("--json", action="store_true",
                               help="print {client, project, language, url, calendar_url, "
                                    "webcal, google, to, subject, body}")
    invite_parser.set_defaults(run=invite)

    decide_parser = commands.add_parser(
        "decide", parents=[settings], help="record the client's decision on a change request",
        description="Approve or decline a proposed change request: its status changes and "
                    "'decided: DATE' is added beside it, changing nothing else in the file. The "
                    "log entry's date stays the day it was proposed.")
    decide_parser.add_argument("client", metavar="CLIENT")
    decide_parser.add_argument("project", metavar="PROJECT")
    decide_parser.add_argument(
        "change", metavar="CHANGE",
        help="the change request: its number among the project's change requests in the "
             "file's order (1 is the first log entry with a change:), or the start of its "
             "text when only one starts so; a wrong one lists them all")
    verdict = decide_parser.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approved", dest="status", action="store_const", const="approved")
    verdict.add_argument("--declined", dest="status", action="store_const", const="declined")
    decide_parser.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                               help="the day it was decided (default: today, in the client's "
                                    "time zone); not before it was proposed, not after today")
    decide_parser.set_defaults(run=decide)

    done_parser = commands.add_parser(
        "done", parents=[settings], help="mark a milestone done",
        description="Add 'done: DATE' to a milestone, after its due date, changing nothing "
                    "else in the file. A milestone already done keeps its date unless --date "
                    "gives another.")
    done_parser.add_argument("client", metavar="CLIENT")
    done_parser.add_argument("project", metavar="PROJECT")
    done_parser.add_argument("milestone", metavar="MILESTONE",
                             help="the milestone's id (its id:, else made from its title: "
                                  "'Content and brand assets' is content-and-brand-assets)")
    done_parser.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                             help="the day it was finished (default: today, in the client's "
                                  "time zone); not before the project's start, not after "
                                  "today. On a milestone already done, corrects its date")
    done_parser.set_defaults(run=done)

    serve_parser = commands.add_parser(
        "serve", parents=[settings], help="preview the site, rebuilding on every change",
        description="Build the site, serve it locally and rebuild whenever a client file, "
                    "the content, the theme or the settings change. A failed build keeps "
                    "the last good one served.")
    serve_parser.add_argument("--port", type=_port, default=8000,
                              help="the port to serve on (default: 8000; 0 picks a free one)")
    serve_parser.add_argument("--bind", default="127.0.0.1")
    serve_parser.set_defaults(run=serve)

    status_parser = commands.add_parser(
        "status", parents=[settings], help="every project's state, most urgent first",
        description="Every published project, most urgent first: whose court the ball is "
                    "in, for how long, and how it stands against its due date.")
    status_parser.add_argument("--owner", choices=("studio", "client"),
                               help="only projects waiting on the studio, or on clients")
    status_parser.add_argument("--overdue", action="store_true", help="only overdue projects")
    status_parser.add_argument("--client", metavar="ID", help="only this client's projects")
    status_parser.add_argument("--json", action="store_true", help="print a JSON list")
    status_parser.set_defaults(run=status)

    init_parser = commands.add_parser(
        "init", parents=[settings], help="make the example site your studio's",
        description="Write the studio's name, contacts, time zone, language, holidays, logo "
                    "and accent colour into the settings, with a fresh dashboard token; remove "
                    "the example clients (never a file of your own, nor an example you edited) "
                    "and the agreement languages you do not keep. Asks for what the options do "
                    "not give when run at a terminal. Runs once: again only with --force.")
    for option, help_text in (
            ("--name", 'the studio\'s name, e.g. "Elbe Studio"'),
            ("--email", "the e-mail address clients write to"),
            ("--phone", "the phone number, with the country code: +49 40 1234567"),
            ("--website", "the studio's website: https://elbe.example"),
            ("--timezone", "an IANA time zone, e.g. Europe/Berlin (default: this computer's)"),
            ("--language", "en, de, ru, fr or es: the dashboard's, and the portals' unless a "
                           "client has another (default: en)"),
            ("--holidays", "whose public holidays are not business days: DE, or DE-HH"),
            ("--logo", "an SVG, PNG, JPEG or GIF file, copied into content/images"),
            ("--logo-dark", "the logo's variant for dark mode (the same proportions)"),
            ("--accent", "the studio's colour, #rrggbb; a colour too light is refused with "
                         "the nearest one that is dark enough"),
            ("--languages", "the agreement languages to keep, e.g. en,de (default: English and "
                            "the studio's language); the others' templates are removed")):
        init_parser.add_argument(option, metavar=option.removeprefix("--").upper().replace("-", "_"),
                                 help=help_text + '; "" leaves it out')
    init_parser.add_argument("--logo-height", type=_logo_height, metavar="PX",
                             help=f"the logo's height on the page (default: "
                                  f"{studio_init.LOGO_HEIGHT} pixels; the width follows its "
                                  "proportions)")
    init_parser.add_argument("--force", action="store_true",
                             help="change the settings of a studio that already ran init")
    init_parser.set_defaults(run=init)

    token_parser = commands.add_parser(
        "token", help="print a fresh token (for the studio dashboard)",
        description="Print a fresh 128-bit token, e.g. for COURTSIDE_STUDIO_TOKEN.")
    token_parser.set_defaults(run=token)

    links_parser = commands.add_parser(
        "links", parents=[settings], help="list the link of every published portal",
        description="List the private link and calendar link of every published project "
                    "(with drafts marked, in a preview), and the studio dashboard's when a "
                    "studio token is set, marked as the studio's own.")
    links_parser.add_argument("--json", action="store_true", help="print a JSON list")
    links_parser.set_defaults(run=links)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run  # each command's function (set_defaults)
    try:
        with interrupts.command():
            return run(args)
    except CourtsideError as error:
        report(error.problems)
        print(error.summary, file=sys.stderr)
        return EXIT_PROBLEMS
    except edit.EditError as error:
        print(_terminal(f"courtside: {error}"), file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        # The reader went away (`courtside links | head -1`): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:
        print(f"courtside: {system_error(error)}", file=sys.stderr)
        return EXIT_SYSTEM
    except (KeyboardInterrupt, Exception) as error:
        if interrupt_behind(error) is None:
            raise
        # Edits are written in one step: an interrupt leaves the old file.
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
