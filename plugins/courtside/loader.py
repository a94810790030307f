"""Client files in, typed model out, with every mistake found in one pass.

Each file is read once: composed into located data (``yamlsource``), checked
against the schema (``schema``), turned into the model, then checked for what
a schema cannot say (unique ids and tokens, agreement placeholders). Problems
carry file, line, column and key path; nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict, cast

from unidecode import unidecode

from .agreement import AgreementTemplate, agreement_context, load_template, localized_name
from .files import real_path
from .i18n import SOURCE, base_language
from .model import (
    Agreement,
    Change,
    Client,
    Contact,
    LogEntry,
    Milestone,
    Notice,
    Party,
    Project,
    Reminder,
    with_studio_terms,
)
from .problems import Problem, display_path
from .rules import local_due_time, local_today
from .schema import (
    checked_date,
    checked_reminders,
    parse_date,
    parse_due,
    repeated_reminders,
    schema_problems,
)
from .settings import CourtsideSettings, read_notices
from .tokens import token_problem
from .workdays import Closure, closure_problem
from .yamlsource import Document, KeyPath, read_document

CLIENT_SUFFIX = ".yaml"
CLIENT_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
#: A client file larger than this is a mistake (or an attack), not a client.
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class TokenSite:
    """Where a project's token is written, for the check across files."""

    token: str
    problem: Problem  # file, line, column and key path of the token; no message yet
    client_id: str
    project_id: str


@dataclass(frozen=True)
class Portfolio:
    """Every client of the studio, and the agreement templates they use."""

    clients: tuple[Client, ...] = ()
    templates: Mapping[str, AgreementTemplate] = field(default_factory=dict)
    #: Each published project's template, in its language: (client id, project id) -> name.
    template_names: Mapping[tuple[str, str], str] = field(default_factory=dict)
    #: Every client file that was read, including those with errors.
    files: tuple[Path, ...] = ()
    #: Where every loaded project's token stands.
    token_sites: tuple[TokenSite, ...] = ()
    #: Whether drafts get portals: in a preview, never in production
    #: (``CourtsideSettings.drafts``).
    drafts: bool = False
    #: Each loaded client's located data, by client id (its history is read as edits of it).
    documents: Mapping[str, Document] = field(default_factory=dict)

    def published(self) -> Iterator[tuple[Client, Project]]:
        """``(client, project)`` for every project that gets a portal in
        this build: drafts too in a preview."""
        for client in self.clients:
            for project in client.projects:
                if project.built(self.drafts):
                    yield client, project


def slugify(title: str) -> str:
    """A milestone's default id. Kept deliberately simple and fixed, because
    calendar entries are identified by it: changing it would duplicate them."""
    return re.sub(r"[^a-z0-9]+", "-", unidecode(title).lower()).strip("-")


def client_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The client files in ``folder``, sorted; misnamed files, and anything
    named like a client file that is not a regular file inside the folder,
    are problems: a client's portals never vanish without a word. No folder
    is no clients (a studio that has none yet: git keeps no empty folder)."""
    if why := not_a_folder(folder):
        return [], [Problem(display_path(folder), 0, 0, "", why)]
    if not folder.exists():
        return [], []
    files, problems = [], []
    inside = real_path(folder)
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.suffix not in (CLIENT_SUFFIX, ".yml") and not path.is_file():
            continue  # a folder or link that does not look like a client file
        if why := not_a_file(path, inside):
            problems.append(Problem(display_path(path), 0, 0, "", why))
            continue
        if path.suffix == ".yml":
            problems.append(Problem(display_path(path), 1, 1, "",
                                    f"client files end in {CLIENT_SUFFIX}; rename it"))
        elif path.suffix == CLIENT_SUFFIX:
            if CLIENT_ID.fullmatch(path.stem):
                files.append(path)
            else:
                problems.append(Problem(
                    display_path(path), 1, 1, "",
                    "a client file's name is its id: use lowercase letters, digits and "
                    "hyphens, starting with a letter or digit (or start it with _ "
                    "to keep a file that is not a client)"))
    return files, problems


def not_a_folder(folder: Path) -> str | None:
    """Why the clients folder ``folder`` cannot hold client files, or None
    (also when there is none yet)."""
    if not folder.exists():
        if folder.is_symlink():  # one that leads back to itself (settings resolved the others)
            return "the clients folder is a symbolic link to nothing; remove it or point it at the folder"
        return None
    if not folder.is_dir():
        return "the clients folder is a file; client files go into a folder of that name"
    return None


def no_folder_yet(folder: Path) -> str | None:
    """What a build and ``courtside check`` say of a clients folder that is not
    there (a new site, or a ``clients_path`` mistyped), or None."""
    if folder.exists() or folder.is_symlink():
        return None
    return (f"no clients folder ({display_path(folder)}/) yet, so no portals; "
            "`courtside new` creates it with a client's file")


def not_a_file(path: Path, folder: Path) -> str | None:
    """Why ``path`` cannot be read as a client file, or None."""
    if path.is_symlink():
        if not path.exists():
            return "a symbolic link to nothing; remove it or point it at the client's file"
        if folder not in real_path(path).parents:
            return "a symbolic link out of the clients folder; keep client files inside it"
    if path.is_dir():
        return "a folder named like a client file; client files are files"
    if not path.is_file():
        return "not a regular file (a pipe or a device?); client files are plain files"
    return None


def load_portfolio(options: CourtsideSettings, only: list[Path] | None = None,
                   environ: Mapping[str, str] = os.environ,
                   moment: dt.datetime | None = None) -> tuple[Portfolio, list[Problem]]:
    """Load and check every client file (or ``only`` these); the portfolio
    holds the clients that loaded, the problems say what is wrong. With the
    build's ``moment``, nothing may be done after it."""
    if only is not None:
        named: dict[Path, Path] = {}
        for path in only:  # the same file named twice is one file (check f.yaml ./f.yaml)
            named.setdefault(real_path(path), path)
        files = list(named.values())
        problems: list[Problem] = []
    else:
        files, problems = client_files(options.clients_folder)
    clients: list[Client] = []
    documents: dict[str, Document] = {}
    for path in files:
        client, document, file_problems = load_client(path, options.timezone, moment,
                                                       options.language)
        if client is not None:  # the studio's default terms under the file's own
            client = with_studio_terms(client, options.terms)
        problems += file_problems
        if client is not None and document is not None:  # a client comes with its document
            clients.append(client)
            documents[client.id] = document
    problems += _password_problems(clients, documents, options, environ)
    sites = tuple(_token_sites(clients, documents))
    problems += duplicate_tokens(sites, options.studio_token)
    templates, names, template_problems = _check_agreements(
        clients, documents, options.agreements_folder, options.studio, options.drafts)
    problems += template_problems
    return (Portfolio(tuple(clients), templates, names, tuple(files), sites, options.drafts,
                      documents), sorted(problems))


def load_client(path: Path, default_timezone: str, moment: dt.datetime | None = None,
                default_language: str = SOURCE
                ) -> tuple[Client | None, Document | None, list[Problem]]:
    """One client file: the client, its located data, and its problems."""
    shown = display_path(path)
    try:
        if not path.is_file():  # a pipe or a device could be read for ever
            return None, None, [Problem(shown, 0, 0, "", "not a regular file; client files "
                                        "are plain files")]
        with path.open("rb") as file:  # at most the limit, whatever stat says
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return None, None, [Problem(shown, 1, 1, "", f"file is over {MAX_FILE_BYTES:,} "
                                        f"bytes; a client file may be at most {MAX_FILE_BYTES:,}")]
        text = data.decode("utf-8-sig")  # a BOM is accepted and ignored
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, None, [Problem(shown, line, column, "", "not UTF-8 text (save the file "
                                    "as UTF-8)")]
    except OSError as error:
        return None, None, [Problem(shown, 1, 1, "", f"cannot read: {error.strerror}")]

    return client_from_text(text, path, default_timezone, moment, default_language)


def client_from_text(text: str, path: Path, default_timezone: str,
                     moment: dt.datetime | None = None, default_language: str = SOURCE
                     ) -> tuple[Client | None, Document | None, list[Problem]]:
    """A client file's text, read and checked as ``load_client`` does: the
    file on disk, or one of its past versions (``history``)."""
    shown = display_path(path)
    document, problems = read_document(text, shown)
    if document is None:
        return None, None, problems
    problems += schema_problems(document)
    if problems:
        return None, document, _with_token_fixes(problems, document, path.stem)
    problems += _number_problems(document)
    if problems:
        return None, document, problems
    client = _client(document, path, default_timezone, default_language)
    problems = _with_token_fixes(problems + _client_problems(client, document)
                                 + (_future_problems(client, document, moment) if moment else []),
                                 document, path.stem)
    failed = any(problem.severity == "error" for problem in problems)
    return (None if failed else client), document, problems


def rotate_hint(client_id: str, project_id: str) -> str:
    """The command that gives a project a good token."""
    return f"run: courtside rotate {client_id} {project_id}"


_TOKEN_PATH = re.compile(r"projects\[(\d+)\]\.token")


def _with_token_fixes(problems: list[Problem], document: Document, client_id: str) -> list[Problem]:
    """A token problem says the command that fixes it."""
    fixed = []
    for problem in problems:
        match = _TOKEN_PATH.fullmatch(problem.path)
        project = _project_id(document, int(match[1])) if match else None
        if project:
            problem = dataclasses.replace(
                problem, message=f"{problem.message}; {rotate_hint(client_id, project)}")
        fixed.append(problem)
    return fixed


def _project_id(document: Document, index: int) -> str | None:
    try:
        project_id = document.data["projects"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return project_id if isinstance(project_id, str) and CLIENT_ID.fullmatch(project_id) else None


# A client file as the schema (client.schema.json) describes it: what
# ``_client`` reads once ``schema_problems`` found nothing wrong.

class _ContactData(TypedDict, total=False):
    name: str
    email: str
    phone: str


_ClosureData = TypedDict("_ClosureData", {"from": str, "to": NotRequired[str]})


class _ChangeData(TypedDict):
    status: Literal["proposed", "approved", "declined"]
    days: NotRequired[int]
    cost: NotRequired[str]
    after: NotRequired[str]
    decided: NotRequired[str]


_NoticeData = TypedDict("_NoticeData", {"text": str, "from": str, "until": NotRequired[str],
                                         "kind": NotRequired[Literal["info", "warning"]]})


class _LogEntryData(TypedDict):
    date: str
    by: Party
    text: str
    change: NotRequired[_ChangeData]


class _MilestoneData(TypedDict):
    id: NotRequired[str]
    title: str
    owner: Party
    due: str
    done: NotRequired[str]
    note: NotRequired[str]


class _AgreementData(TypedDict, total=False):
    template: str
    signed: str
    #: Per-party terms and the template's own: text, numbers, true or false.
    terms: dict[str, Any]
    clauses: str


class _ProjectData(TypedDict):
    id: str
    title: str
    token: str
    status: NotRequired[Literal["active", "paused", "done", "archived", "draft"]]
    paused_reason: NotRequired[str]
    start: NotRequired[str]
    password_env: NotRequired[str]
    calendar: NotRequired[bool]
    language: NotRequired[str]
    agreement: NotRequired[_AgreementData]
    milestones: list[_MilestoneData]
    log: NotRequired[list[_LogEntryData]]
    notices: NotRequired[list[_NoticeData]]
    reminders: NotRequired[list[str]]


class _ClientData(TypedDict):
    name: str
    contact: NotRequired[_ContactData]
    language: NotRequired[str]
    timezone: NotRequired[str]
    holidays: NotRequired[str]
    closed: NotRequired[list[_ClosureData]]
    notices: NotRequired[list[_NoticeData]]
    reminders: NotRequired[list[str]]
    projects: list[_ProjectData]


def _client(document: Document, path: Path, default_timezone: str,
            default_language: str) -> Client:
    data = cast(_ClientData, document.data)  # valid against the schema
    contact = data.get("contact")
    return Client(
        id=path.stem,
        name=data["name"],
        timezone=data.get("timezone", default_timezone),
        language=data.get("language", default_language),
        projects=tuple(_project(p) for p in data["projects"]),
        contact=Contact(**contact) if contact else None,
        source=path,
        holidays=data.get("holidays"),
        closed=tuple(Closure(checked_date(item["from"]), checked_date(item.get("to", item["from"])))
                     for item in data.get("closed", [])),
        notices=read_notices(cast(list[Mapping[str, Any]], data.get("notices", []))),
        reminders=_optional_reminders(data.get("reminders")),
    )


def _optional_reminders(texts: list[str] | None) -> tuple[Reminder, ...] | None:
    return checked_reminders(texts) if texts is not None else None


def _optional_date(text: str | None) -> dt.date | None:
    return parse_date(text) if text is not None else None


def _project(data: _ProjectData) -> Project:
    return Project(
        id=data["id"],
        title=data["title"],
        token=data["token"],
        status=data.get("status", "active"),
        paused_reason=data.get("paused_reason"),
        start=_optional_date(data.get("start")),
        password_env=data.get("password_env"),
        calendar=data.get("calendar", True),
        language=data.get("language"),
        agreement=_agreement(data.get("agreement", {})),
        milestones=tuple(_milestone(m) for m in data["milestones"]),
        log=tuple(_log_entry(entry) for entry in data.get("log", [])),
        notices=read_notices(cast(list[Mapping[str, Any]], data.get("notices", []))),
        reminders=_optional_reminders(data.get("reminders")),
    )


def _agreement(data: _AgreementData) -> Agreement:
    return Agreement(
        template=data.get("template", "standard"),
        signed=_optional_date(data.get("signed")),
        terms=data.get("terms", {}),
        clauses=data.get("clauses"),
    )


def _milestone(data: _MilestoneData) -> Milestone:
    due_and_time = parse_due(data["due"])
    assert due_and_time is not None, data["due"]  # the schema checked its format
    due, due_time = due_and_time
    return Milestone(
        id=data.get("id") or slugify(data["title"]),
        title=data["title"],
        owner=data["owner"],
        due=due,
        due_time=due_time,
        done=_optional_date(data.get("done")),
        note=data.get("note"),
    )


def _log_entry(data: _LogEntryData) -> LogEntry:
    change = data.get("change")
    return LogEntry(
        date=checked_date(data["date"]),
        by=data["by"],
        text=data["text"],
        change=Change(status=change["status"], days=change.get("days"), cost=change.get("cost"),
                      after=change.get("after"), decided=_optional_date(change.get("decided")))
        if change else None,
    )


def _client_problems(client: Client, document: Document) -> list[Problem]:
    """What the schema cannot say about one client file."""
    problems = _reminder_problems(document, ())
    seen_projects: dict[str, int] = {}
    for p_index, project in enumerate(client.projects):
        at = ("projects", p_index)
        if project.id in seen_projects:
            problems.append(document.problem(
                at + ("id",), f"{project.id!r} is already the id of projects[{seen_projects[project.id]}]"))
        seen_projects.setdefault(project.id, p_index)
        problems += _project_problems(client, p_index, document)
        problems += _schedule_warnings(client, project, document, at)
    for index, item in enumerate(client.closed):
        if why := closure_problem(item):
            problems.append(document.problem(("closed", index, "to"), why))
    problems += _notice_problems(client.notices, document, ())
    return problems


def _project_problems(client: Client, p_index: int, document: Document) -> list[Problem]:
    """What the schema cannot say about one project, found in the project
    alone: all of ``_client_problems`` but whether its id is unique, and the
    schedule's warnings (``_schedule_warnings``)."""
    project = client.projects[p_index]
    at = ("projects", p_index)
    problems = _reminder_problems(document, at)
    if weakness := token_problem(project.token):  # the schema checked the pattern
        problems.append(document.problem(at + ("token",), weakness))
    seen_milestones: dict[str, int] = {}
    for m_index, milestone in enumerate(project.milestones):
        m_at = at + ("milestones", m_index)
        if not milestone.id:
            problems.append(document.problem(
                m_at + ("title",), "cannot make an id from this title; give the milestone an id"))
        elif milestone.id in seen_milestones:
            given = "id" in document.data["projects"][p_index]["milestones"][m_index]
            problems.append(document.problem(
                m_at + (("id",) if given else ("title",)),
                f"milestone id {milestone.id!r} is already used by "
                f"milestones[{seen_milestones[milestone.id]}]"
                + ("" if given else " (ids default to the title; give this one an id)")))
        seen_milestones.setdefault(milestone.id, m_index)
        if milestone.done and project.start and milestone.done < project.start:
            problems.append(document.problem(
                m_at + ("done",), f"{milestone.done} is before the project's start "
                f"({project.start})"))
    problems += _change_problems(project, document, at)
    problems += _notice_problems(project.notices, document, at)
    return problems


def _reminder_problems(document: Document, at: KeyPath) -> list[Problem]:
    """A reminder given twice, at the second one."""
    where: Any = document.data
    for key in at:
        where = where[key]
    return [document.problem(at + ("reminders", index), why)
            for index, why in repeated_reminders(where.get("reminders") or [])]


def _notice_problems(notices: tuple[Notice, ...], document: Document,
                     at: KeyPath) -> list[Problem]:
    return [document.problem(at + ("notices", index, "until"), why)
            for index, notice in enumerate(notices) if (why := notice.problem())]


def _number_problems(document: Document) -> list[Problem]:
    """A number must be one: YAML reads ``.inf``, ``.nan`` and ``1e400`` as
    floats that no page can show."""
    problems: list[Problem] = []
    stack: list[tuple[KeyPath, Any]] = [((), document.data)]  # YAML's values: anything
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(document.problem(path, f"{document.written.get(path, value)} is not "
                                             "a number a page can show; write the number itself"))
        elif isinstance(value, dict):
            stack += [(path + (key,), item) for key, item in value.items()]
        elif isinstance(value, list):
            stack += [(path + (index,), item) for index, item in enumerate(value)]
    return problems


def _future_problems(client: Client, document: Document, moment: dt.datetime) -> list[Problem]:
    """Nothing is done after today: a ``done`` date in the future is a typo
    or a plan, and would read as a lateness nobody had. A log entry dated
    after today is allowed, with a warning."""
    today = local_today(moment, client.timezone)
    problems = []
    for p_index, project in enumerate(client.projects):
        for m_index, milestone in enumerate(project.milestones):
            if milestone.done is not None and milestone.done > today:
                problems.append(document.problem(
                    ("projects", p_index, "milestones", m_index, "done"),
                    f"{milestone.done} is after today ({today} in {client.timezone}); write "
                    "the day it was finished, once it is"))
        for l_index, entry in enumerate(project.log):
            decided = entry.change.decided if entry.change else None
            if decided is not None and decided > today:
                problems.append(document.problem(
                    ("projects", p_index, "log", l_index, "change", "decided"),
                    f"{decided} is after today ({today} in {client.timezone}); write the day "
                    "it was decided, once it is"))
            if entry.date > today:
                problems.append(document.problem(
                    ("projects", p_index, "log", l_index, "date"),
                    f"{entry.date} is after today ({today} in {client.timezone})",
                    severity="warning"))
    return problems


def _change_problems(project: Project, document: Document, at: KeyPath) -> list[Problem]:
    """An approved change's ``after`` must name a milestone of the project,
    and moves the forecast only with ``days``; a change is decided once it is
    no longer proposed, and not before it was proposed."""
    problems = []
    ids = [m.id for m in project.milestones]
    for index, entry in enumerate(project.log):
        change = entry.change
        if change is None:
            continue
        where = at + ("log", index, "change")
        if change.decided is not None and change.status == "proposed":
            problems.append(document.problem(
                where + ("decided",), "a proposed change has no decision yet; remove decided, "
                "or set status to approved or declined (courtside decide does both)"))
        elif change.decided is not None and change.decided < entry.date:
            problems.append(document.problem(
                where + ("decided",), f"{change.decided} is before the change was proposed "
                f"({entry.date}, the entry's date)"))
        if change.after is None:
            continue
        if change.after not in ids:
            close = difflib.get_close_matches(change.after, ids, n=1)
            problems.append(document.problem(
                where + ("after",), f"{change.after!r} is not a milestone of this project"
                + (f"; did you mean {close[0]}?" if close else f"; use one of: {', '.join(ids)}")))
        elif change.after == ids[-1]:
            problems.append(document.problem(
                where + ("after",), f"{change.after!r} is the last milestone: nothing comes "
                "after it to move", severity="warning"))
        if change.days is None:
            problems.append(document.problem(
                where + ("after",), "an approved change moves the milestones after "
                f"{change.after!r} by its days; give days, or leave after out"))
        elif change.days < 0:
            problems.append(document.problem(
                where + ("days",), "a change that saves time never moves the forecast "
                "earlier; move the due dates themselves if the plan is shorter",
                severity="warning"))
    return problems


#: A due date this far from the project's first date is probably a typo.
IMPLAUSIBLE_SPAN = dt.timedelta(days=2 * 365)


def _schedule_warnings(client: Client, project: Project, document: Document,
                       at: KeyPath) -> list[Problem]:
    """Things that are allowed but usually a slip of the keyboard."""
    warnings = []
    first = project.start or project.agreement.signed or project.milestones[0].due
    pairs = zip((None, *project.milestones), project.milestones, strict=False)
    for index, (before, milestone) in enumerate(pairs):
        due_at = at + ("milestones", index, "due")
        if before is not None and milestone.due < before.due:
            warnings.append(document.problem(
                due_at, f"due {milestone.due}, before the milestone listed above it "
                f"({before.due}); milestones are listed in the order the work happens",
                severity="warning"))
        if abs(milestone.due - first) > IMPLAUSIBLE_SPAN:
            warnings.append(document.problem(
                due_at, f"due {milestone.due}, more than two years from the project's "
                f"first date ({first}); a typo in the year?", severity="warning"))
        if milestone.due_time is not None and \
                local_due_time(milestone, client.timezone) != milestone.due_time:
            warnings.append(document.problem(
                due_at, f"{milestone.due_time:%H:%M} does not exist on {milestone.due} in "
                f"{client.timezone} (the clocks jump forward); it is read as the time after "
                "the jump", severity="warning"))
    return warnings


def _password_problems(clients: list[Client], documents: Mapping[str, Document],
                       options: CourtsideSettings, environ: Mapping[str, str]) -> list[Problem]:
    """A password-protected portal needs its password: a production build
    stops without it (never an unencrypted page); a preview shows the page
    unencrypted, marked as such."""
    problems = []
    for client in clients:
        for index, project in enumerate(client.projects):
            if project.built(options.drafts) and project.password_env \
                    and not environ.get(project.password_env):
                problems.append(documents[client.id].problem(
                    ("projects", index, "password_env"),
                    f"the environment variable {project.password_env} is not set, so this "
                    "portal cannot be encrypted" + (
                        "" if options.strict else "; this preview shows it unencrypted"),
                    severity="error" if options.strict else "warning"))
    return problems


def _token_sites(clients: list[Client], documents: Mapping[str, Document]) -> Iterator[TokenSite]:
    for client in clients:
        document = documents[client.id]
        for index, project in enumerate(client.projects):
            site = document.problem(("projects", index, "token"), "")
            yield TokenSite(project.token, site, client.id, project.id)


def duplicate_tokens(sites: Iterable[TokenSite], studio_token: str | None = None) -> list[Problem]:
    """A token opens exactly one private page, so it must be unique across
    clients and differ from the studio dashboard's."""
    problems: list[Problem] = []
    first_use: dict[str, str] = {}
    if studio_token:
        first_use[studio_token] = "the studio dashboard"
    for site in sites:
        if site.token in first_use:
            problems.append(dataclasses.replace(
                site.problem, message=f"this token is already used by {first_use[site.token]}; "
                f"give this project a fresh one; {rotate_hint(site.client_id, site.project_id)}"))
        else:
            first_use[site.token] = f"{site.problem.file}:{site.problem.line}"
    return problems


def _check_agreements(clients: list[Client], documents: Mapping[str, Document], folder: Path,
                      studio: Mapping[str, str], drafts: bool
                      ) -> tuple[dict[str, AgreementTemplate], dict[tuple[str, str], str], list[Problem]]:
    """Load each template once, in each language a project needs it (warning
    once where that language has none); every placeholder must have a value
    in every project the build publishes (``drafts``: drafts too) that uses it."""
    templates: dict[str, AgreementTemplate] = {}
    chosen: dict[tuple[str, str], str] = {}
    unusable: dict[str, str] = {}  # template name -> why
    problems: list[Problem] = []
    warned: set[tuple[str, str]] = set()
    for client in clients:
        document = documents[client.id]
        for index, project in enumerate(client.projects):
            if not project.built(drafts):
                continue
            at = ("projects", index, "agreement")
            language = base_language(client.language_of(project))
            name = chosen[client.id, project.id] = localized_name(
                project.agreement.template, client.language_of(project), folder)
            if name == project.agreement.template and language != SOURCE \
                    and (name, language) not in warned and (folder / f"{name}.md").is_file():
                warned.add((name, language))
                problems.append(document.problem(
                    _language_key(document, index), f"agreement template {name!r} has no "
                    f"{language} version ({display_path(folder / f'{name}.{language}.md')}); "
                    f"the portal shows {display_path(folder / f'{name}.md')}", severity="warning"))
            if name not in templates and name not in unusable:
                template, template_problems = load_template(name, folder)
                if template is None:
                    unusable[name] = template_problems[0].message
                    if template_problems[0].line:  # an error inside the template itself
                        problems += template_problems
                else:
                    templates[name] = template
            if name in unusable:
                problems.append(document.problem(
                    at + ("template",), f"agreement template {name!r}: {unusable[name]} "
                    f"({display_path(folder / (name + '.md'))})"))
                continue
            template = templates[name]
            context = agreement_context(studio, client, project)
            missing = template.missing(context)
            written = document.data["projects"][index].get("agreement") or {}
            if missing and "terms" not in written:
                # No terms at all: one problem that says what the template needs.
                names = sorted({".".join(p.chain[1:2]) for p in missing if p.chain[0] == "terms"})
                other = sorted({str(p) for p in missing if p.chain[0] != "terms"})
                problems.append(document.problem(
                    at if "agreement" in document.data["projects"][index] else at[:-1],
                    f"{'the default ' if 'template' not in written else ''}agreement template "
                    f"{name!r} ({display_path(template.path)}) needs terms: "
                    f"{', '.join(names + other)}; add them under agreement: terms:, or name "
                    "another template", key=True))
                continue
            for placeholder in missing:
                place = at + ("terms",) if placeholder.chain[0] == "terms" else at
                problems.append(document.problem(
                    place, f"no value for {placeholder}, which "
                    f"{display_path(template.path)}:{placeholder.line} uses", key=True))
            for placeholder in template.per_party(context):
                # At the term where the file writes it; else its terms, or its agreement.
                name = placeholder.chain[-1]
                given: KeyPath = ("terms", name) if placeholder.chain[:1] == ("terms",) \
                    and name in (written.get("terms") or {}) else \
                    ("terms",) if "terms" in written else ()
                chain = ".".join(placeholder.chain)
                problems.append(document.problem(
                    (*at, *given), f"{chain} has a value for each party, and "
                    f"{display_path(template.path)}:{placeholder.line} writes it whole; write "
                    f"{{{{ {chain}.studio }}}} or {{{{ {chain}.client }}}} there", key=True))
    return templates, chosen, problems


def _language_key(document: Document, index: int) -> KeyPath:
    """Where a project's language is written: its own key, else its client's."""
    if "language" in document.data["projects"][index]:
        return ("projects", index, "language")
    return ("language",) if "language" in document.data else ("projects", index)
