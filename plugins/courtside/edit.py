"""The studio's commands that write client files: ``new``, ``add-project``,
``rotate``, ``decide`` and ``done``.

Client files are written by hand and kept in git, so an edit must change only
what it is asked to: every comment, blank line, quote and key order stays.
Files are read and written with ruamel.yaml's round-trip mode, and before a
file is replaced the edit is checked against the original text: a command
that would touch any other line refuses instead of writing. Line endings stay
as the file has them, and every edit is written atomically under an
exclusive lock (``files``): two commands at once never lose an edit.

``decide`` and ``done`` splice one value into the text where it stands (and
add at most one key beside it), then prove the edit before writing it: the
diff is exactly the lines meant, the data read back is the old data with
just that change, and the loader finds no error in the new text (a date after
today or before the project's start is refused as ``courtside check`` would).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from . import files, interrupts
from .i18n import SOURCE, language
from .loader import CLIENT_ID, CLIENT_SUFFIX, not_a_file, not_a_folder, slugify
from .problems import Problem, display_path
from .schema import SCHEMA_FILE
from .tokens import new_token
from .yamlsource import KeyPath, control_character, format_path, read_document


class EditError(Exception):
    """The edit cannot be made; the message says why."""


def client_path(folder: Path, client_id: str) -> Path:
    if not CLIENT_ID.fullmatch(client_id):
        raise EditError(f"{client_id!r} cannot be a client id: use lowercase letters, digits "
                        "and hyphens, starting with a letter or digit")
    return folder / f"{client_id}{CLIENT_SUFFIX}"


def _round_trip(text: str) -> YAML:
    """A ruamel.yaml instance that writes the way ``text`` is written."""
    _, sequence_indent, dash_offset = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=max(sequence_indent - dash_offset, 2) if dash_offset else sequence_indent,
                sequence=sequence_indent, offset=dash_offset)
    return yaml


@contextlib.contextmanager
def _editing(path: Path) -> Iterator[tuple[str, str]]:
    """The file's text (with ``\n`` line ends) and its line ending, under an
    exclusive lock held until the edit is written."""
    if not path.is_file():
        raise missing_client(path)
    try:
        with files.locked(path) as data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise EditError(f"{path} is not UTF-8 text; fix it first (courtside check)") from None
            # CRLF, or a CR alone (old Mac files, which YAML reads too).
            newline = "\r\n" if "\r\n" in text else "\r" if "\n" not in text and "\r" in text else "\n"
            yield text.replace(newline, "\n"), newline
    except files.Busy:
        raise EditError(f"another command is editing {path} right now; nothing was changed, "
                        "try again when it has finished") from None


def _parse(path: Path, text: str) -> tuple[YAML, CommentedMap]:
    try:
        yaml = _round_trip(text)
        data = yaml.load(text)
    except YAMLError as error:
        document, problems = read_document(text, display_path(path))
        if document is None or problems:  # said as `courtside check` says it, at its line
            where = problems[0] if problems else f"{display_path(path)}: not valid YAML"
            raise EditError(f"{where}; fix it first (courtside check), nothing was changed") from None
        # YAML allows a tab where it separates (`due:<tab>2026-…`, `…<tab># note`);
        # ruamel.yaml does not. A space in its place keeps every line and column,
        # which is all the edits take from it: they splice into the text as written.
        spaced = text.replace("\t", " ")
        try:
            yaml = _round_trip(spaced)
            data = yaml.load(spaced)
        except YAMLError:
            mark = getattr(error, "problem_mark", None)
            where = f"{display_path(path)}:{mark.line + 1}:{mark.column + 1}" if mark else display_path(path)
            raise EditError(f"{where}: this command cannot read what the build reads here "
                            "(edit the file by hand); nothing was changed") from None
    if not isinstance(data, CommentedMap) or not isinstance(data.get("projects"), CommentedSeq):
        raise EditError(f"{path} has no list of projects; fix it first (courtside check)")
    return yaml, data


def _project(data: CommentedMap, path: Path, project_id: str) -> CommentedMap:
    return data["projects"][_project_index(data, path, project_id)]  # type: ignore[no-any-return]


def _project_index(data: CommentedMap, path: Path, project_id: str) -> int:
    for index, project in enumerate(data["projects"]):
        if isinstance(project, CommentedMap) and project.get("id") == project_id:
            return index
    raise no_project(path, project_id,
                     [str(p.get("id")) for p in data["projects"] if isinstance(p, CommentedMap)])


def no_project(path: Path, project_id: str, known: list[str]) -> EditError:
    """No project ``project_id`` in the client file: say which there are."""
    return EditError(f"{path} has no project {project_id!r} (it has: {', '.join(known) or 'none'})"
                     + _did_you_mean(project_id, known))


def _did_you_mean(given: str, known: list[str]) -> str:
    close = difflib.get_close_matches(given, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def missing_client(path: Path) -> EditError:
    """No file for this client id: say which clients there are, or, when
    something else has its name, what the loader says of it."""
    if os.path.lexists(path) and (why := not_a_file(path, files.real_path(path.parent))):
        return EditError(f"{path}: {why}")
    known = sorted(p.name.removesuffix(CLIENT_SUFFIX) for p in path.parent.glob(f"*{CLIENT_SUFFIX}")
                   if CLIENT_ID.fullmatch(p.name.removesuffix(CLIENT_SUFFIX)) and p.is_file())
    given = path.name.removesuffix(CLIENT_SUFFIX)
    return EditError(f"{path} does not exist (clients: {', '.join(known) or 'none'})"
                     + _did_you_mean(given, known))


def _replace(path: Path, text: str, newline: str) -> None:
    """Write ``text`` (``\n`` line ends) to ``path`` in one step, with the
    file's own line ending."""
    interrupts.finish_uninterrupted()
    files.write_atomically(path, text.replace("\n", newline).encode("utf-8"))


def rotate(path: Path, project_id: str) -> str:
    """Give a project a fresh token, changing nothing else; returns it."""
    with _editing(path) as (text, newline):
        _, data = _parse(path, text)
        project = _project(data, path, project_id)
        token = new_token()
        if "token" not in project:
            raise EditError(f"{path}: project {project_id!r} has no token line; add "
                            f"'token: {token}' under its id")
        # Splice the new token in where the old one stands: the one line
        # changes, byte for byte, whatever the file's style.
        line, column = project.lc.value("token")
        lines = text.splitlines(keepends=True)
        old = str(project["token"])
        start = lines[line].index(old, column)
        lines[line] = lines[line][:start] + token + lines[line][start + len(old):]
        _replace(path, "".join(lines), newline)
    return token


#: The loader's errors in a client file's text (``client_from_text``, with
#: the settings and the moment of the command).
Checker = Callable[[Path, str], list[Problem]]


@dataclass(frozen=True)
class Recorded:
    """What ``decide`` or ``done`` wrote, for the command's one line."""

    #: ``clients/acme.yaml:19``: the file and the line of the value written.
    where: str
    #: The change request's text, or the milestone's id.
    what: str
    #: The change request's number; the date it was proposed.
    number: int = 0
    proposed: str = ""
    #: The done date it replaced, when ``done --date`` corrected one.
    replaced: str | None = None


def decide(path: Path, project_id: str, wanted: str, status: str, day: dt.date,
           check: Checker) -> Recorded:
    """Approve or decline a proposed change request: its ``status`` changes
    (one token) and ``decided: DAY`` is added beside it."""
    if status not in ("approved", "declined"):
        raise ValueError(status)
    with _editing(path) as (text, newline):
        _, data = _parse(path, text)
        p_index = _project_index(data, path, project_id)
        number, l_index, entry = _change_request(path, project_id, data["projects"][p_index],
                                                 wanted)
        change: CommentedMap = entry["change"]
        at: KeyPath = ("projects", p_index, "log", l_index, "change")
        line, column = change.lc.value("status") if "status" in change else entry.lc.value("change")
        where = f"{display_path(path)}:{line + 1}:{column + 1}: {format_path(at + ('status',))}"
        if change.get("status") != "proposed":
            decided = f" (decided {change['decided']})" if "decided" in change else ""
            raise EditError(f"{where}: change request {number} is already "
                            f"{change.get('status')}{decided}; only a proposed change can be "
                            "decided (a changed mind is a new change request; a mistake, fix "
                            "its status and decided lines by hand)")
        lines = text.splitlines(keepends=True)
        token = re.compile(r"(['\"]?)proposed\1").match(lines[line], column)
        if token is None:
            raise _cannot_keep(path, f"decide {project_id} {wanted}")
        start, end = token.start(), token.end()
        quote = token[1]
        lines[line] = f"{lines[line][:start]}{quote}{status}{quote}{lines[line][end:]}"
        _add_key(lines, change, "status", line, start + len(status) + 2 * len(quote),
                 "decided", day)
        edited = "".join(lines)
        _prove(path, text, edited, at, {"status": status, "decided": day.isoformat()}, check,
               f"decide {project_id} {wanted}")
        _replace(path, edited, newline)
        return Recorded(f"{display_path(path)}:{line + 1}", " ".join(str(entry["text"]).split()),
                        number, str(entry.get("date")))


def done(path: Path, project_id: str, milestone_id: str, day: dt.date, *, correct: bool,
         check: Checker) -> Recorded:
    """Mark a milestone done on ``day``: ``done: DAY`` after its ``due``. With
    ``correct`` (a date the studio gave), an existing done date is replaced."""
    command = f"done {project_id} {milestone_id}"
    with _editing(path) as (text, newline):
        _, data = _parse(path, text)
        p_index = _project_index(data, path, project_id)
        m_index, milestone = _milestone(path, project_id, data["projects"][p_index],
                                        milestone_id)
        at: KeyPath = ("projects", p_index, "milestones", m_index)
        lines = text.splitlines(keepends=True)
        replaced = None
        if "done" in milestone:
            line, column = milestone.lc.value("done")
            where = f"{display_path(path)}:{line + 1}:{column + 1}: {format_path(at + ('done',))}"
            replaced = str(milestone["done"])
            if not correct:
                raise EditError(f"{where}: {milestone_id!r} is already done ({replaced}); "
                                "give --date to correct the day it was finished")
            if replaced == day.isoformat():
                raise EditError(f"{where}: {milestone_id!r} is already done on {replaced}; "
                                "nothing to change")
            token = re.compile(r"(['\"]?)(\d{4}-\d{2}-\d{2})\1").match(lines[line], column)
            if token is None or token[2] != replaced:
                raise _cannot_keep(path, command)
            start, end = token.span(2)
            lines[line] = lines[line][:start] + day.isoformat() + lines[line][end:]
        else:
            if "due" not in milestone:
                raise EditError(f"{display_path(path)}: {format_path(at)} has no due date; "
                                "fix it first (courtside check)")
            line, column = milestone.lc.value("due")
            end = _scalar_end(lines[line], column)
            if end < 0:
                raise _cannot_keep(path, command)
            _add_key(lines, milestone, "due", line, end, "done", day)
            line += not milestone.fa.flow_style()
        edited = "".join(lines)
        _prove(path, text, edited, at, {"done": day.isoformat()}, check, command)
        _replace(path, edited, newline)
        return Recorded(f"{display_path(path)}:{line + 1}", milestone_id, replaced=replaced)


def _change_request(path: Path, project_id: str, project: CommentedMap,
                    wanted: str) -> tuple[int, int, CommentedMap]:
    """The change request ``wanted`` names: its number among the project's
    change requests in file order, or the start of its text (any case and
    spacing) when only one starts so. Returns its number, its index in the
    log and its entry."""
    requests = [(index, entry) for index, entry in enumerate(project.get("log") or [])
                if isinstance(entry, CommentedMap) and isinstance(entry.get("change"), CommentedMap)]
    shown = display_path(path)
    if not requests:
        raise EditError(f"{shown}: project {project_id!r} has no change requests (a log entry "
                        "with change: {status: proposed})")
    texts = [_folded(str(entry.get("text", ""))) for _, entry in requests]

    def listed(numbers: list[int]) -> str:
        return "; ".join(f"{n} {_short(str(requests[n - 1][1].get('text', '')))} "
                         f"({requests[n - 1][1]['change'].get('status')}, "
                         f"{requests[n - 1][1].get('date')})" for n in numbers)

    every = list(range(1, len(requests) + 1))
    if wanted.isdigit() and 1 <= int(wanted) <= len(requests):
        number = int(wanted)
        return number, *requests[number - 1]
    key = _folded(wanted)
    found = [n for n, text in zip(every, texts, strict=True) if key and text.startswith(key)]
    if len(found) == 1:
        return found[0], *requests[found[0] - 1]
    if found:
        raise EditError(f"{shown}: {len(found)} change requests of project {project_id!r} start "
                        f"with {wanted!r}: {listed(found)}; give its number or more of its text")
    starts = {text[:len(key)]: n for n, text in reversed(list(zip(every, texts, strict=True)))}
    close = difflib.get_close_matches(key, list(starts), n=1) if key and not key.isdigit() else []
    hint = f"; did you mean {starts[close[0]]}?" if close else ""
    raise EditError(f"{shown}: project {project_id!r} has no change request {wanted!r} "
                    f"(give its number in file order, or the start of its text: {listed(every)})"
                    + hint)


def _milestone(path: Path, project_id: str, project: CommentedMap,
               wanted: str) -> tuple[int, CommentedMap]:
    """The milestone with id ``wanted`` (its ``id``, else made from its title)."""
    ids: list[str] = []
    for index, milestone in enumerate(project.get("milestones") or []):
        if not isinstance(milestone, CommentedMap):
            continue
        ids.append(str(milestone.get("id") or slugify(str(milestone.get("title", "")))))
        if ids[-1] == wanted:
            return index, milestone
    raise EditError(f"{display_path(path)}: project {project_id!r} has no milestone {wanted!r} "
                    f"(its milestones: {', '.join(ids) or 'none'})" + _did_you_mean(wanted, ids))


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _short(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= length else text[:length - 1] + "…")


def _scalar_end(line: str, column: int) -> int:
    """Where the scalar starting at ``column`` ends in a flow collection
    (quoted, or plain up to a comma, bracket or comment); -1 if unclear."""
    quote = line[column:column + 1]
    if quote in ("'", '"'):
        pattern = r"'(?:[^']|'')*'" if quote == "'" else r'"(?:[^"\\]|\\.)*"'
        quoted = re.compile(pattern).match(line, column)
        return quoted.end() if quoted else -1
    plain = re.compile(r"[^,\[\]{}#\n]*").match(line, column)
    return column + len(plain[0].rstrip()) if plain and plain[0].strip() else -1


def _add_key(lines: list[str], mapping: CommentedMap, beside: str, line: int, end: int,
             key: str, day: dt.date) -> None:
    """Add ``key: day`` to ``mapping`` after its key ``beside``: in a flow
    mapping right after that value (``end``), in a block mapping on a new line
    below it, at the same indentation."""
    if mapping.fa.flow_style():
        lines[line] = f"{lines[line][:end]}, {key}: {day.isoformat()}{lines[line][end:]}"
        return
    if not lines[line].endswith("\n"):
        lines[line] += "\n"
    indent = mapping.lc.key(beside)[1]
    lines.insert(line + 1, f"{' ' * indent}{key}: {day.isoformat()}\n")


def _cannot_keep(path: Path, command: str) -> EditError:
    return EditError(f"{display_path(path)} is written in a style this command cannot keep "
                     f"exactly; nothing was changed (edit it by hand, or courtside check it: "
                     f"{command})")


def _prove(path: Path, before: str, after: str, at: KeyPath, changes: dict[str, str],
           check: Checker, command: str) -> None:
    """Refuse the edit unless it changes one line and adds at most one, reads
    back as the old data with just ``changes`` at ``at``, and leaves the file
    without an error the loader would report."""
    removed, added = _changed_lines(before, after)
    old, _ = read_document(before, display_path(path))
    new, _ = read_document(after, display_path(path))
    expected = None
    if old is not None:
        expected = _plain(old.data)
        target: object = expected
        for part in at:
            target = target[part]  # type: ignore[index]
        if not isinstance(target, dict):
            raise _cannot_keep(path, command)
        target.update(changes)
    if (len(removed) > 1 or len(added) > len(removed) + 1 or new is None
            or expected is None or new.data != expected):
        raise _cannot_keep(path, command)
    errors = check(path, after)
    if errors:
        if found := check(path, before):  # its first, where check names it; check lists them all
            more = f"{len(found) - 1} more, " if len(found) > 1 else ""
            raise EditError(f"{found[0]}; fix it first ({more}courtside check), nothing was changed")
        # Named where it is in the file as it is: a line the edit would have
        # added is not there, so the line it would follow is named instead.
        line, column = _place_before(before, after, errors[0].line, errors[0].column)
        raise EditError(f"{dataclasses.replace(errors[0], line=line, column=column)}"
                        "; nothing was changed")


def _place_before(before: str, after: str, line: int, column: int) -> tuple[int, int]:
    """The line of ``before`` that line ``line`` of ``after`` stands for (or
    the one a line ``after`` added follows), and ``column`` where that line
    still holds the same text up to it (else 0: a place it does not have)."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, first, end, new_first, new_end in matcher.get_opcodes():
        if new_first < line <= new_end:
            if tag in ("equal", "replace") and line - new_first <= end - first:
                at = first + line - new_first
                same = 0 < column <= len(old[at - 1]) and old[at - 1][:column] == new[line - 1][:column]
                return at, column if same else 0
            return first + min(line - new_first - 1, end - first), 0
    return line, column


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    for line in list(diff)[2:]:  # after the ---/+++ header
        if line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    return removed, added


@dataclass(frozen=True)
class Placeholders:
    """What ``new`` and ``add-project`` write for the studio to replace, in
    the studio's language (``COURTSIDE["studio"]["language"]``)."""

    first_milestone: str
    studio_consequence: str
    client_consequence: str
    #: The title ``new`` gives a project when none is given, with ``%(client)s``.
    project_title: str


def placeholders(tag: str) -> Placeholders:
    from babel.numbers import format_percent

    words = language(tag)
    _ = words.gettext
    # As a studio would type it: a plain space where the locale has a no-break one.
    share = " ".join(format_percent(0.1, locale=words.locale).split())
    return Placeholders(
        first_milestone=_("Kickoff call"),
        studio_consequence=_("We take %(share)s off the fee for the current phase.") % {
            "share": share},
        client_consequence=_("The project pauses and moves to our next free slot."),
        project_title=_("%(client)s project"))


def add_project(path: Path, project_id: str, title: str, today: dt.date, *,
                draft: bool = False, words: Placeholders | None = None) -> str:
    """Append a project with a fresh token, the agreement of the project
    before it and one first milestone (``status: draft`` with ``draft``);
    returns the token."""
    if not CLIENT_ID.fullmatch(project_id):
        raise EditError(f"{project_id!r} cannot be a project id: use lowercase letters, digits "
                        "and hyphens, starting with a letter or digit")
    title = _text(title, "title")
    with _editing(path) as (text, newline):
        return _add_project(path, text, newline, project_id, title, today, draft,
                            words or placeholders(SOURCE))


def _add_project(path: Path, text: str, newline: str, project_id: str, title: str,
                 today: dt.date, draft: bool, words: Placeholders) -> str:
    yaml, data = _parse(path, text)
    if any(isinstance(p, CommentedMap) and p.get("id") == project_id for p in data["projects"]):
        raise EditError(f"{display_path(path)} already has a project {project_id!r}")
    token = new_token()
    project = CommentedMap(id=project_id, title=title, token=token)
    if draft:
        project["status"] = "draft"
    project["start"] = today
    previous = next((p for p in reversed(data["projects"]) if isinstance(p, CommentedMap)
                     and isinstance(p.get("agreement"), CommentedMap)), None)
    if previous is not None:
        agreement = CommentedMap()
        for key in ("template", "terms"):
            if key in previous["agreement"]:
                # A plain copy: sharing the object would make it a YAML anchor,
                # and a deep copy would carry the original's anchor and comments.
                agreement[key] = _plain(previous["agreement"][key])
        project["agreement"] = agreement
    project["milestones"] = [CommentedMap(title=words.first_milestone, owner="studio",
                                          due=first_due(today))]
    data["projects"].append(project)
    _keep_anchors(data)
    out = io.StringIO()
    yaml.dump(data, out)
    _only_added(path, text, out.getvalue())
    _replace(path, out.getvalue(), newline)
    return token


def _text(value: str, what: str) -> str:
    """A name or title as given, on one line; never empty, and nothing the
    file could not hold or a page not show."""
    value = " ".join(value.split())
    if not value:
        raise EditError(f"the {what} must not be empty")
    if why := control_character(value):
        raise EditError(f"the {what} {why}")
    return value


def _keep_anchors(value: object, seen: set[int] | None = None) -> None:
    """ruamel.yaml drops an anchor that no alias uses; the studio wrote it."""
    seen = set() if seen is None else seen
    if id(value) in seen:  # aliases share objects, and may even form a cycle
        return
    seen.add(id(value))
    # ruamel's collections and scalars alike.
    if hasattr(value, "yaml_anchor") and hasattr(value, "yaml_set_anchor"):
        anchor = value.yaml_anchor()
        if anchor is not None and anchor.value:
            value.yaml_set_anchor(anchor.value, always_dump=True)
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        _keep_anchors(child, seen)


def _plain(value: object) -> object:
    """``value`` as plain dicts and lists, without ruamel's comments and anchors."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _only_added(path: Path, before: str, after: str) -> None:
    """Refuse an edit that would change or drop any line of the file."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    if any(op in ("replace", "delete") for op, *_ in matcher.get_opcodes()):
        raise EditError(f"{display_path(path)} is written in a style this command cannot keep exactly; "
                        "add the project by hand (nothing was changed)")


def first_due(today: dt.date) -> dt.date:
    """Two business days from ``today``: a sensible first deadline to edit."""
    day, left = today, 2
    while left:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day


NEW_CLIENT = """\
# yaml-language-server: $schema={schema}
# {name}: one file per client. The format is in the README; check it with
# `courtside check`, list the links with `courtside links`.
name: {name_yaml}
# contact:
#   name: Jane Doe
#   email: jane@example.com
# timezone: Europe/Berlin       # default: the studio's time zone

projects:
  - id: {project}
    title: {title_yaml}
    # The secret part of the portal's link. Never edit it by hand:
    # `courtside rotate {client} {project}` makes a new one.
    token: {token}
{status}    start: {today}
    agreement:
      template: standard
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 5, client: 10}}
        consequences:
          studio: {studio_consequence}
          client: {client_consequence}
        deposit: 50%
        payment_days: 14
    milestones:
      - title: {first_milestone}
        owner: studio
        due: {first_due}
"""


#: The status line of a project made with ``--draft``.
DRAFT_LINE = """\
    # A draft: previews show it (make serve), production builds leave it out.
    # Publish it by changing this to active.
    status: draft
"""


def new_client(folder: Path, client_id: str, name: str, *, project_id: str, title: str,
               today: dt.date, schema: Path, draft: bool = False,
               words: Placeholders | None = None) -> tuple[Path, str]:
    """Create a ready-to-edit client file (its project a draft with
    ``draft``); returns its path and the token."""
    words = words or placeholders(SOURCE)
    path = client_path(folder, client_id)
    if path.exists():
        raise EditError(f"{path} already exists")
    if not CLIENT_ID.fullmatch(project_id):
        raise EditError(f"{project_id!r} cannot be a project id")
    name, title = _text(name, "name"), _text(title, "title")
    token = new_token()
    dump = YAML(typ="safe", pure=True)
    dump.width = sys.maxsize  # one line, however long: the template indents it

    def scalar(value: str) -> str:
        out = io.StringIO()
        dump.dump(value, out)
        return out.getvalue().removesuffix("\n...\n").strip()

    text = NEW_CLIENT.format(
        schema=os.path.relpath(schema, folder), name=name.replace("\n", " "),
        name_yaml=scalar(name), title_yaml=scalar(title), client=client_id, project=project_id,
        token=token, today=today.isoformat(), first_due=first_due(today).isoformat(),
        status=DRAFT_LINE if draft else "",
        first_milestone=scalar(words.first_milestone),
        studio_consequence=scalar(words.studio_consequence),
        client_consequence=scalar(words.client_consequence))
    if why := not_a_folder(folder):
        raise EditError(f"{display_path(folder)}: {why}")
    folder.mkdir(parents=True, exist_ok=True)
    interrupts.finish_uninterrupted()
    try:
        files.write_atomically(path, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise EditError(f"{path} already exists") from None
    return path, token


def schema_path(plugin_paths: tuple[Path, ...] = ()) -> Path:
    """The schema as the site sees it: in its plugins folder when it is there
    (so the path written into client files stays inside the repository), else
    where Python installed it."""
    for folder in plugin_paths:
        candidate = folder / __package__ / SCHEMA_FILE
        if candidate.is_file():
            return candidate
    from importlib import resources
    return Path(str(resources.files(__package__).joinpath(SCHEMA_FILE)))
