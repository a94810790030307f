"""The studio's commands that write client files: ``new``, ``add-project``
and ``rotate``.

Client files are written by hand and kept in git, so an edit must change only
what it is asked to: every comment, blank line, quote and key order stays.
Files are read and written with ruamel.yaml's round-trip mode, and before a
file is replaced the edit is checked against the original text: a command
that would touch any other line refuses instead of writing. Line endings stay
as the file has them, and every edit is written atomically under an
exclusive lock (``files``): two commands at once never lose an edit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import os
from collections.abc import Iterator
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from . import files
from .loader import CLIENT_ID, CLIENT_SUFFIX
from .schema import SCHEMA_FILE
from .tokens import new_token


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
        raise EditError(f"{path} does not exist")
    try:
        with files.locked(path) as data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise EditError(f"{path} is not UTF-8 text; fix it first (courtside check)") from None
            yield text.replace("\r\n", "\n"), "\r\n" if "\r\n" in text else "\n"
    except files.Busy:
        raise EditError(f"another command is editing {path} right now; nothing was changed, "
                        "try again when it has finished") from None


def _parse(path: Path, text: str) -> tuple[YAML, CommentedMap]:
    try:
        yaml = _round_trip(text)
        data = yaml.load(text)
    except YAMLError as error:
        raise EditError(f"{path} cannot be read ({error.__class__.__name__}); "
                        "fix it first (courtside check)") from None
    if not isinstance(data, CommentedMap) or not isinstance(data.get("projects"), CommentedSeq):
        raise EditError(f"{path} has no list of projects; fix it first (courtside check)")
    return yaml, data


def _project(data: CommentedMap, path: Path, project_id: str) -> CommentedMap:
    for project in data["projects"]:
        if isinstance(project, CommentedMap) and project.get("id") == project_id:
            return project
    known = ", ".join(str(p.get("id")) for p in data["projects"] if isinstance(p, CommentedMap))
    raise EditError(f"{path} has no project {project_id!r} (it has: {known or 'none'})")


def _replace(path: Path, text: str, newline: str) -> None:
    """Write ``text`` (``\n`` line ends) to ``path`` in one step, with the
    file's own line ending."""
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


def add_project(path: Path, project_id: str, title: str, today: dt.date) -> str:
    """Append a project with a fresh token, the agreement of the project
    before it and one first milestone; returns the token."""
    if not CLIENT_ID.fullmatch(project_id):
        raise EditError(f"{project_id!r} cannot be a project id: use lowercase letters, digits "
                        "and hyphens, starting with a letter or digit")
    title = _text(title, "title")
    with _editing(path) as (text, newline):
        return _add_project(path, text, newline, project_id, title, today)


def _add_project(path: Path, text: str, newline: str, project_id: str, title: str,
                 today: dt.date) -> str:
    yaml, data = _parse(path, text)
    if any(isinstance(p, CommentedMap) and p.get("id") == project_id for p in data["projects"]):
        raise EditError(f"{path} already has a project {project_id!r}")
    token = new_token()
    project = CommentedMap(id=project_id, title=title, token=token, start=today)
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
    project["milestones"] = [CommentedMap(title="Kickoff call", owner="studio",
                                          due=first_due(today))]
    data["projects"].append(project)
    _keep_anchors(data)
    out = io.StringIO()
    yaml.dump(data, out)
    _only_added(path, text, out.getvalue())
    _replace(path, out.getvalue(), newline)
    return token


def _text(value: str, what: str) -> str:
    """A name or title as given, on one line; never empty."""
    value = " ".join(value.split())
    if not value:
        raise EditError(f"the {what} must not be empty")
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
        raise EditError(f"{path} is written in a style this command cannot keep exactly; "
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
    start: {today}
    agreement:
      template: standard
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 5, client: 10}}
        consequences:
          studio: We take 10% off the fee for the current phase.
          client: The project pauses and moves to our next free slot.
        deposit: 50%
        payment_days: 14
    milestones:
      - title: Kickoff call
        owner: studio
        due: {first_due}
"""


def new_client(folder: Path, client_id: str, name: str, *, project_id: str, title: str,
               today: dt.date, schema: Path) -> tuple[Path, str]:
    """Create a ready-to-edit client file; returns its path and the token."""
    path = client_path(folder, client_id)
    if path.exists():
        raise EditError(f"{path} already exists")
    if not CLIENT_ID.fullmatch(project_id):
        raise EditError(f"{project_id!r} cannot be a project id")
    name, title = _text(name, "name"), _text(title, "title")
    token = new_token()
    dump = YAML(typ="safe", pure=True)
    dump.width = 4096

    def scalar(value: str) -> str:
        out = io.StringIO()
        dump.dump(value, out)
        return out.getvalue().removesuffix("\n...\n").strip()

    text = NEW_CLIENT.format(
        schema=os.path.relpath(schema, folder), name=name.replace("\n", " "),
        name_yaml=scalar(name), title_yaml=scalar(title), client=client_id, project=project_id,
        token=token, today=today.isoformat(), first_due=first_due(today).isoformat())
    folder.mkdir(parents=True, exist_ok=True)
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
