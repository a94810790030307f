"""A client file's past versions, each read as an edit of the version after it.

History reads every committed version of every client file (``gitlog``), and
reading each with the loader (YAML, schema, model, checks) is what that
costs. Two versions a day apart differ in a line or two: a due date moved, a
``done`` set, a term changed. So the versions are read from the newest back
(the newest is the one the build loaded), and a version that differs from the
one after it only in plain lines is that version with those lines' values
replaced, their keys removed or added:

- only the changed lines are read (``_fragment``: by the loader's own reader,
  each on its own);
- only the mappings and list items they are in are checked by the schema
  (``schema.part_is_valid``);
- only the steps, log entries, agreement, project or client they belong to
  are built again, by the loader's own functions, and checked by its checks
  (``loader._project_problems`` when the edit is inside one project);
  everything else, down to the model's objects, is the newer version's own,
  so the history compares only what changed (``history`` passes over what
  is the same object).

Anything else is read whole by the loader (``client_from_text``): the same
client, only slower. A version the loader refuses is always the loader's to
read; the next older one is read against the last version that loaded.

Why a changed line can be read on its own. A line is taken only when it is
a blank line, a comment, ``key: value`` in a block mapping (maybe as a list
item's first key, ``- key: value``), or a list item all on one line
(``- {id: x, due: 2026-11-06}``), with a value that starts on the line and
is no block scalar, alias, anchor or tag, no tab or byte-order mark on it.
The newer version's line must read on its own exactly as it reads in its
file: the same keys and values, of the same types, at the same columns,
nothing else starting on the line, its mapping or list a block one
(``Base.is_block``: a line inside a flow mapping reads otherwise). Such a
line is complete: a value that went on to the next line (a plain text
continued, a quoted text or a flow mapping left open) reads differently on
its own, and after a value that ends on its line, a line indented further is
a YAML error. So the older version's line, in the same place with the same
indentation and dash, read on its own as one complete key and value (or
item), reads in its file exactly as on its own, and the lines around it read
as they do in the newer version. Keys added or removed (a ``done`` set, a
``start`` added) are plain keys of one mapping with a key of its own right
above or right below them that stays, below a line that ends its value or
opens a mapping; blank lines and comments may change in the same places.
What this module does not read as an edit:

- a list item added or removed, a key at another indentation, a line inside
  a block scalar or a value over several lines;
- a key added where its mapping has it already (written twice, or filled in
  by the schema's default, as a project's ``status``);
- in a file with an alias, anything in a value an alias uses, and any line
  with ``&`` or ``*`` on it;
- a file with a carriage return or a line break other than ``\n``, more
  values than the reader reads (``MAX_VALUES``), or nesting near its limit.

Everything here is pure: texts in, clients out.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from .loader import (
    _agreement,
    _client,
    _client_problems,
    _log_entry,
    _milestone,
    _number_problems,
    _project,
    _project_problems,
    client_from_text,
)
from .model import (
    Client,
    Project,
    agreement_with_studio_terms,
    project_with_studio_terms,
    with_studio_terms,
)
from .schema import part_is_valid
from .yamlsource import (
    MAX_DEPTH,
    MAX_VALUES,
    Document,
    KeyPath,
    Location,
    _Loader,
    read_document,
)

#: ``key: value``, maybe as a list item's first key: the key a plain name, the
#: value starting on the line with no block scalar (| >), alias, anchor, tag,
#: reserved character or comment.
_KEY_VALUE = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z0-9_][A-Za-z0-9_-]*):"
                        r" +(?P<value>[^\s#|>*&!?%@`].*)")
#: ``- value``: a list item all on its line (a flow mapping, a text), the same characters left out.
_ITEM = re.compile(r"(?P<indent> *)(?P<dash>- +)(?P<value>[^\s#|>*&!?%@`-].*)")
#: A blank line or a comment.
_EMPTY = re.compile(r" *(?:#.*)?")
#: Line breaks that YAML counts and ``str.split("\n")`` does not (and CR).
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
#: What starts on a line, as ``(column, kind, path)``.
VALUE, KEY = 0, 1
Entry = tuple[int, int, KeyPath]
#: The parts of a project whose edits need only the project's own checks.
_PROJECT_PARTS = frozenset({("milestones",), ("log",), ("agreement",)})
#: Lines added or removed further apart than this are not an edit of a few values.
MAX_HUNK_LINES = 200


def _other_breaks(text: str) -> bool:
    return any(character in text for character in _OTHER_BREAKS)  # far faster than a regex


@dataclass(frozen=True)
class _Fragment:
    """One line read on its own: a key and its value, a list item, or nothing
    (a blank line, a comment)."""

    text: str
    key: str | None = None
    item: bool = False  # "- value", all of the item on the line
    value: Any = None
    #: Where the key starts (the item's value, for an item), from 1.
    column: int = 0
    dash: bool = False  # a list dash before the key or value
    #: What starts on the line, by path from the key's mapping (the key
    #: first) or from the item (the item itself is ``()``).
    entries: frozenset[Entry] = frozenset()

    @property
    def empty(self) -> bool:
        return self.key is None and not self.item

    @property
    def prefix(self) -> str:
        """The indentation and dash before the key or item."""
        return self.text[:self.column - 1]


@functools.lru_cache(maxsize=8192)  # the same lines come back version after version
def _fragment(text: str) -> _Fragment | None:
    """``text`` read on its own, when it is a blank line, a comment, one
    ``key: value`` (``_KEY_VALUE``) or one list item (``_ITEM``) that the
    loader's reader reads without a problem, all on the line; None otherwise."""
    if "\t" in text or "\ufeff" in text or _other_breaks(text):
        return None  # a tab, or a byte-order mark (at the start of a file, nothing; in it, an error)
    if _EMPTY.fullmatch(text):
        return _Fragment(text) if _readable(text) else None
    match = _KEY_VALUE.fullmatch(text) or _ITEM.fullmatch(text)
    if match is None:
        return None
    document, problems = read_document(text, "")
    if document is None or problems or _number_problems(document):
        return None
    data, under = document.data, cast(KeyPath, ())
    dash = match["dash"] is not None
    if dash:
        if not (isinstance(data, list) and len(data) == 1):
            return None
        data, under = data[0], (0,)
    key = match.groupdict().get("key")
    if key is None:  # an item: its own value and what is in it
        column = match.start("value") + 1
    else:
        if not (isinstance(data, dict) and len(data) == 1 and key in data):
            return None
        data, under, column = data[key], (*under, key), match.start("key") + 1
    at = len(under) - (key is not None)  # entries are counted from the key, or from the item
    located = [(place, kind, path[at:]) for kind, places in ((VALUE, document.values),
                                                             (KEY, document.keys))
               for path, place in places.items() if path[:len(under)] == under]
    if any(line != 1 for (line, _), _, _ in located):
        return None  # the value goes on past the line (a flow mapping left open)
    entries = frozenset((column_, kind, path) for (_, column_), kind, path in located)
    if ((column, KEY, (key,)) if key is not None else (column, VALUE, ())) not in entries:
        return None
    return _Fragment(text, key, key is None, data, column, dash, entries)


def _readable(text: str) -> bool:
    """Whether the loader's parser reads ``text`` (a comment may hold a
    character no YAML file may)."""
    try:
        for _ in yaml.parse(text, Loader=_Loader):
            pass
    except yaml.YAMLError:
        return False
    return True


def _same(one: Any, other: Any) -> bool:
    """Equal, and of the same types all the way down (1 == True == 1.0 in Python)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return list(one) == list(other) and all(_same(one[k], other[k]) for k in one)
    if isinstance(one, list):
        return len(one) == len(other) and all(_same(a, b) for a, b in zip(one, other, strict=True))
    return bool(one == other)


def _size(data: Any) -> int:
    """The values in ``data``, each time it is used (as the reader counts them)."""
    size, stack = 0, [data]
    while stack:
        value = stack.pop()
        size += 1
        if isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value
    return size


def _at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


@dataclass(frozen=True)
class _KeyLine:
    """The first key on a line: where it stands, in which mapping."""

    column: int
    mapping: KeyPath
    key: str
    dash: bool  # a list dash before it: the key opens a list item


@dataclass(frozen=True)
class _Placed:
    """A line of a version with what it holds: a key of the mapping at
    ``at``, the list item at ``at``, or nothing."""

    fragment: _Fragment
    at: KeyPath = ()


class Base:
    """A version the loader read: its text, data and where every key and value
    starts, looked up by line."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.lines = document.text.split("\n")
        self.key_at, self.key_paths = list(document.keys.values()), list(document.keys)
        self.value_at, self.value_paths = list(document.values.values()), list(document.values)
        self.placed: dict[int, _Placed | None] = {}
        self.blocks: dict[KeyPath, bool] = {}
        #: Values anchored (``&name``) where an alias uses one: what is in them is in two places.
        self.anchored: tuple[KeyPath, ...] = ()
        #: The values the reader counted (``yamlsource.MAX_VALUES``): aliases count what they stand for.
        self.count = len(self.value_at)

    @classmethod
    def of(cls, document: Document) -> Base | None:
        """A base for reading older versions; None for a file this module does
        not read (other line breaks, positions out of order)."""
        text = document.text
        if not text or _other_breaks(text):
            return None
        base = cls(document)
        if base.key_at != sorted(base.key_at) or base.value_at != sorted(base.value_at):
            return None
        if "*" in text and any(base._character(at) == "*" for at in base.value_at):
            # An alias: the value anchored is in two places, and nothing in it may change.
            base.anchored = tuple(path for at, path in zip(base.value_at, base.value_paths, strict=True)
                                  if base._character(at) == "&")
            base.count = _size(document.data)
        return base

    @property
    def aliased(self) -> bool:
        return bool(self.anchored)

    def _character(self, at: Location) -> str:
        line, column = at
        return self.lines[line - 1][column - 1:column] if line <= len(self.lines) else ""

    def _entries(self, line: int) -> list[Entry]:
        found: list[Entry] = []
        for at, paths, kind in ((self.value_at, self.value_paths, VALUE),
                                (self.key_at, self.key_paths, KEY)):
            start = bisect.bisect_left(at, (line, 0))
            end = bisect.bisect_left(at, (line + 1, 0), start)
            found += [(at[i][1], kind, paths[i]) for i in range(start, end)]
        return found

    def is_block(self, path: KeyPath) -> bool:
        """Whether the mapping or list at ``path`` is a block one: a block
        mapping starts at its first key, a block list at its first dash (a
        flow one at its bracket, an anchored or tagged one at its anchor or tag)."""
        known = self.blocks.get(path)
        if known is None:
            start = self.document.values.get(path)
            value = _at(self.document.data, path) if start is not None else None
            if start is None:
                known = False
            elif isinstance(value, dict):
                index = bisect.bisect_left(self.key_at, start)
                known = index < len(self.key_at) and self.key_at[index] == start \
                    and self.key_paths[index][:-1] == path
            else:
                known = isinstance(value, list) and self._character(start) == "-"
            self.blocks[path] = known
        return known

    def line(self, number: int) -> _Placed | None:
        """Line ``number`` (from 1) as it reads in this version: a blank line, a
        comment, or a ``key: value`` or list item that reads on its own as it
        does here; None for any other line."""
        if number not in self.placed:
            self.placed[number] = self._read_in_place(number)
        return self.placed[number]

    def _read_in_place(self, number: int) -> _Placed | None:
        fragment = _fragment(self.lines[number - 1])
        if fragment is None or fragment.empty:
            return None if fragment is None else _Placed(fragment)
        entries = self._entries(number)
        kind = VALUE if fragment.item else KEY
        found = [path for column, k, path in entries if k == kind and column == fragment.column]
        if len(found) != 1:
            return None
        path = found[0]
        if fragment.item:  # the item at ``path`` in its list
            at = path
            if not (path and isinstance(path[-1], int) and self.is_block(path[:-1])):
                return None
            container, under = path[:-1], len(path)
        else:  # the key at ``path`` in its mapping
            at = path[:-1]
            if path[-1] != fragment.key or not self.is_block(at):
                return None
            container, under = at, len(at)
        # What may start on the line besides the key (item) and its value: the
        # mapping the key opens, and the list the dash opens (at its first item).
        opened = {(fragment.column, VALUE, container)} if not fragment.item else set()
        if fragment.dash:
            item = path if fragment.item else container
            if item and item[-1] == 0:
                opened.add((len(fragment.prefix.rstrip()), VALUE, item[:-1]))
        own = set()
        for column, k, entry_path in entries:
            if entry_path[:len(path)] == path:
                own.add((column, k, entry_path[under:]))
            elif (column, k, entry_path) not in opened:
                return None  # something else starts on the line
        if own != fragment.entries or not _same(_at(self.document.data, path), fragment.value):
            return None
        return _Placed(fragment, at)

    def key_line(self, number: int) -> _KeyLine | None:
        """The first key on line ``number``, when it is in a block mapping."""
        keys = [(column, path) for column, kind, path in self._entries(number) if kind == KEY]
        if not keys:
            return None
        column, path = min(keys)
        if not self.is_block(path[:-1]):
            return None
        return _KeyLine(column, path[:-1], str(path[-1]),
                        self.lines[number - 1][:column - 1].strip() != "")

    def opens_a_value(self, number: int) -> bool:
        """Whether line ``number`` ends with a key whose value starts on a later line."""
        entries = self._entries(number)
        if not entries:
            return False
        column, kind, path = max(entries, key=lambda entry: (entry[0], entry[1]))
        return kind == KEY and self.is_block(path[:-1])


@dataclass
class Known:
    """A version that loaded, with what reading the version before it needs."""

    client: Client
    data: Any
    base: Base
    #: Each line: its number in ``base``'s text, or what replaced it.
    origins: list[int | _Placed]
    lines: list[str]
    text: str
    #: The values the reader counts in it (``Base.count``).
    count: int

    @classmethod
    def of(cls, document: Document, client: Client) -> Known | None:
        """The version the loader read into ``document`` and ``client`` (with
        the studio's terms); None when this module cannot read edits of it."""
        base = Base.of(document)
        if base is None:
            return None
        return cls(client, document.data, base, list(range(1, len(base.lines) + 1)), base.lines,
                   document.text, base.count)

    def placed(self, index: int) -> _Placed | None:
        origin = self.origins[index]
        return origin if isinstance(origin, _Placed) else self.base.line(origin)

    def key_line(self, index: int) -> _KeyLine | None:
        origin = self.origins[index]
        if isinstance(origin, _Placed):
            fragment = origin.fragment
            return _KeyLine(fragment.column, origin.at, fragment.key, fragment.dash) \
                if fragment.key is not None else None
        return self.base.key_line(origin)

    def opens_a_value(self, index: int) -> bool:
        origin = self.origins[index]
        return not isinstance(origin, _Placed) and self.base.opens_a_value(origin)


# --- reading an older text as an edit ----------------------------------------------------------


def _common_prefix(one: str, other: str) -> int:
    low, high = 0, min(len(one), len(other))
    while low < high:  # one[:low] == other[:low]; compare the next stretch only
        middle = (low + high + 1) // 2
        if one[low:middle] == other[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(one: str, other: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if one[len(one) - middle:len(one) - low] == other[len(other) - middle:len(other) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _hunks(newer: Known, text: str) -> list[tuple[int, int, list[str]]] | None:
    """Where ``text`` differs from ``newer``'s: ``(first, end, lines)``, the
    newer lines ``first`` to ``end`` (from 0, end excluded) replaced by
    ``lines``, last hunk first; None when they differ too much."""
    was = newer.text
    prefix = _common_prefix(was, text)
    suffix = _common_suffix(was, text, min(len(was), len(text)) - prefix)
    first = was.count("\n", 0, prefix)
    end = first + was.count("\n", prefix, len(was) - suffix) + 1
    start = was.rfind("\n", 0, prefix) + 1
    stop = text.find("\n", len(text) - suffix)
    lines = text[start:stop if stop >= 0 else len(text)].split("\n")
    newer_lines = newer.lines[first:end]
    hunks = []
    if len(lines) == len(newer_lines):  # lines replaced: each run of changed ones is a hunk
        run = None
        for offset, (was, now) in enumerate(zip(newer_lines, lines, strict=True)):
            if was != now:
                run = run if run is not None else offset
            elif run is not None:
                hunks.append((first + run, first + offset, lines[run:offset]))
                run = None
        if run is not None:
            hunks.append((first + run, end, lines[run:]))
    elif max(len(lines), len(newer_lines)) > MAX_HUNK_LINES:
        return None
    else:
        matcher = difflib.SequenceMatcher(None, newer_lines, lines, autojunk=False)
        hunks = [(first + i1, first + i2, lines[j1:j2])
                 for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    return hunks[::-1]


@dataclass
class _Edit:
    """What one hunk does to one mapping's keys, or to one list item."""

    at: KeyPath  # the mapping, or the list item
    removed: list[str] = dataclasses.field(default_factory=list)
    added: list[tuple[str, Any]] = dataclasses.field(default_factory=list)
    #: Where the added keys go: after this key, or (``before``) before it.
    anchor: str | None = None
    before: bool = False
    #: Values replaced in place (a key kept, or renamed: old key -> (new key, value)).
    replaced: dict[str, tuple[str, Any]] = dataclasses.field(default_factory=dict)
    #: The list item's new value.
    item: Any = None
    is_item: bool = False


def _hunk_edit(newer: Known, first: int, end: int, lines: list[str], changed: set[int]
               ) -> tuple[list[_Edit], list[_Placed]] | None:
    """What replacing newer lines ``first``..``end`` by ``lines`` does to the
    data, and the lines as placed; None when it is not a plain edit.
    ``changed`` holds every newer line that any hunk replaces."""
    was = [newer.placed(index) for index in range(first, end)]
    now = [_fragment(line) for line in lines]
    if any(line is None for line in was) or any(line is None for line in now):
        return None
    placed: list[_Placed] = [line for line in was if line is not None]
    fragments: list[_Fragment] = [fragment for fragment in now if fragment is not None]
    if len(placed) == len(fragments) and all(
            not one.fragment.empty and one.fragment.item == other.item
            and one.fragment.prefix == other.prefix and (one.fragment.key is None) == (other.key is None)
            and (not other.dash or other.item or one.fragment.key == other.key)
            for one, other in zip(placed, fragments, strict=True)):
        return _replacement(placed, fragments)
    return _keys_added_or_removed(newer, first, end, placed, fragments, changed)


def _replacement(was: list[_Placed], now: list[_Fragment]) -> tuple[list[_Edit], list[_Placed]]:
    """Lines replaced one for one, each by a ``key: value`` (or a list item)
    at the same place: with the same indentation and dash, in the same mapping (list)."""
    edits: dict[KeyPath, _Edit] = {}
    for line, fragment in zip(was, now, strict=True):
        if fragment.item:
            edits[line.at] = _Edit(line.at, item=fragment.value, is_item=True)
            continue
        assert line.fragment.key is not None and fragment.key is not None
        edit = edits.setdefault(line.at, _Edit(line.at))
        edit.replaced[line.fragment.key] = (fragment.key, fragment.value)
    return list(edits.values()), [_Placed(fragment, line.at)
                                  for line, fragment in zip(was, now, strict=True)]


def _keys_added_or_removed(newer: Known, first: int, end: int, was: list[_Placed],
                           now: list[_Fragment], changed: set[int]
                           ) -> tuple[list[_Edit], list[_Placed]] | None:
    """Plain keys of one mapping removed and added (and blank or comment
    lines changed), below a line that ends a value or opens one, next to a
    key of the same mapping that stays."""
    if any(line.fragment.dash for line in was) or any(fragment.dash for fragment in now):
        return None  # a list item, or its first key: the item itself
    beside = _beside(newer, first, end, changed)
    if beside is None:
        return None
    after, before = beside
    columns = {line.fragment.column for line in was if not line.fragment.empty} \
        | {fragment.column for fragment in now if not fragment.empty}
    if not columns:  # blank lines and comments only
        return [], [_Placed(fragment) for fragment in now]
    if len(columns) != 1:
        return None
    column = columns.pop()
    mappings = {line.at for line in was if not line.fragment.empty}
    if len(mappings) > 1:
        return None
    mapping = mappings.pop() if mappings else None
    if after is not None and after.column == column and mapping in (None, after.mapping):
        anchor, in_front = after, False
    elif before is not None and before.column == column and mapping in (None, before.mapping):
        anchor, in_front = before, True
    else:
        return None  # no key of the mapping beside the edit to say where it is
    edit = _Edit(anchor.mapping, [line.fragment.key for line in was if line.fragment.key is not None],
                 [(fragment.key, fragment.value) for fragment in now if fragment.key is not None],
                 anchor.key, in_front)
    return [edit], [_Placed(fragment, anchor.mapping if fragment.key else ()) for fragment in now]


def _beside(newer: Known, first: int, end: int, changed: set[int]
            ) -> tuple[_KeyLine | None, _KeyLine | None] | None:
    """The keys on the lines above and below newer lines ``first``..``end``
    (blank lines and comments between left out), each when it is a plain
    key of a block mapping; None when the line above may go on past its end
    (a text over several lines: no place to edit) or either is in another
    hunk (its lines are not the newer ones any more)."""
    above = first - 1
    while above >= 0 and _EMPTY.fullmatch(newer.lines[above]):
        above -= 1
    below = end
    while below < len(newer.lines) and _EMPTY.fullmatch(newer.lines[below]):
        below += 1
    if any(index in changed for index in (*range(max(above, 0), first), *range(end, below + 1))):
        return None
    after: _KeyLine | None = None
    if above >= 0:
        line = newer.placed(above)
        if line is not None and not line.fragment.empty:  # a key's value or an item, all on the line
            after = newer.key_line(above) if line.fragment.key is not None else None
        elif not newer.opens_a_value(above):
            return None
    following = newer.key_line(below) if below < len(newer.lines) else None
    return after, following if following is not None and not following.dash else None


def _apply(data: Any, edits: list[_Edit]
           ) -> tuple[Any, dict[KeyPath, Any], dict[KeyPath, Any]] | None:
    """``data`` with ``edits`` made, copying only the lists and mappings on the
    way to each edited one (everything else is shared); the edited mappings
    and list items by path; and the parts the schema must check again by
    path (a value replaced under a key kept, or else the whole mapping). None
    when an edit does not fit (a key added twice)."""
    root = _copy(data)
    copied: dict[KeyPath, Any] = {(): root}

    def container(path: KeyPath) -> Any:
        if path not in copied:
            parent = container(path[:-1])
            parent[path[-1]] = copied[path] = _copy(parent[path[-1]])
        return copied[path]

    changed: dict[KeyPath, Any] = {}
    checks: dict[KeyPath, Any] = {}
    for edit in edits:
        if edit.is_item:
            items = container(edit.at[:-1])
            items[edit.at[-1]] = changed[edit.at] = checks[edit.at] = edit.item
            continue
        mapping = changed[edit.at] = container(edit.at)
        if any(key not in mapping for key in (*edit.removed, *edit.replaced)) \
                or edit.added and edit.anchor not in mapping:
            return None
        if not edit.removed and not edit.added \
                and all(new == old for old, (new, _) in edit.replaced.items()):
            for key, (_, value) in edit.replaced.items():  # values replaced, the keys as they were
                mapping[key] = checks[(*edit.at, key)] = value
            continue
        checks[edit.at] = mapping
        rekeyed = _rekeyed(mapping, edit)
        if rekeyed is None:
            return None
        mapping.clear()
        mapping.update(rekeyed)
    return root, changed, checks


def _rekeyed(mapping: dict[str, Any], edit: _Edit) -> dict[str, Any] | None:
    """``mapping`` with ``edit``'s keys removed, renamed and added where the
    text has them; None when a key would be there twice (written twice, or
    one the schema filled in: the loader says what happens)."""
    renamed = {old: new for old, (new, _) in edit.replaced.items() if new != old}
    kept = set(mapping) - set(edit.removed) - set(renamed)
    new_keys = [*renamed.values(), *(key for key, _ in edit.added)]
    if len(set(new_keys)) != len(new_keys) or kept & set(new_keys):
        return None
    result: dict[str, Any] = {}
    added = dict(edit.added)
    for key, value in mapping.items():
        if edit.before and key == edit.anchor:
            result.update(added)
        if key in edit.replaced:
            new, new_value = edit.replaced[key]
            result[new] = new_value
        elif key not in edit.removed:
            result[key] = value
        if not edit.before and key == edit.anchor:
            result.update(added)
    return result


def _edits(newer: Known, hunks: list[tuple[int, int, list[str]]]
           ) -> tuple[list[_Edit], list[int | _Placed], list[str], int] | None:
    """What the ``hunks`` do to the newer version's data, and the older
    version's lines (as placed, and as text) and count of values; None when
    one is not a plain edit."""
    edits: list[_Edit] = []
    origins, lines = list(newer.origins), list(newer.lines)
    changed = {index for first, end, _ in hunks for index in range(first, end)}
    count = newer.count
    for first, end, replacement in hunks:  # the last first: the earlier ones' lines stay put
        if newer.base.aliased and any("&" in line or "*" in line
                                      for line in (*replacement, *newer.lines[first:end])):
            return None  # an anchor or alias added, moved or removed
        found = _hunk_edit(newer, first, end, replacement, changed)
        if found is None:
            return None
        hunk_edits, placed = found
        if any(edit.at[:len(anchored)] == anchored
               for edit in hunk_edits for anchored in newer.base.anchored):
            return None  # inside a value an alias uses too
        if any(len(line.at) + len(path) >= MAX_DEPTH - 1
               for line in placed for _, _, path in line.fragment.entries):
            return None  # nested as deep as the reader allows, or deeper
        count += sum(_values(line) for line in placed) - sum(
            _values(line) for index in range(first, end) if (line := newer.placed(index)) is not None)
        edits += hunk_edits
        origins[first:end] = placed
        lines[first:end] = replacement
    if count > MAX_VALUES:
        return None  # the reader would stop: more values than it reads
    return edits, origins, lines, count


def _values(line: _Placed) -> int:
    """The values that start on ``line``."""
    return sum(kind == VALUE for _, kind, _ in line.fragment.entries)


def _copy(container: Any) -> Any:
    return list(container) if isinstance(container, list) else dict(container)


@dataclass(frozen=True)
class Reader:
    """Reads a client file's versions as the loader does, each older one as
    an edit of the one after it where it can."""

    path: Path
    timezone: str
    language: str
    #: The studio's default terms, under every version's (``with_studio_terms``).
    terms: Mapping[str, Any]

    def older(self, text: str, newer: Known | None) -> tuple[Client | None, Known | None]:
        """The version ``text``, older than ``newer``: its client (None when the
        loader would not load it), and what to read the next older one against."""
        if newer is not None:
            patched = self._patched(text, newer)
            if patched is not None:
                return patched.client, patched
        client, document, _ = client_from_text(text, self.path, self.timezone,
                                               default_language=self.language)
        if client is None or document is None:
            return None, newer
        client = with_studio_terms(client, self.terms)
        return client, Known.of(document, client) or newer

    def _patched(self, text: str, newer: Known) -> Known | None:
        if text == newer.text:
            return newer
        hunks = _hunks(newer, text)
        found = _edits(newer, hunks) if hunks is not None else None
        if found is None:
            return None
        edits, origins, lines, count = found
        applied = _apply(newer.data, edits)
        if applied is None:
            return None
        data, parts, checks = applied
        if not all(part_is_valid(path, part) for path, part in checks.items()):
            return None
        client = self._client(newer, data, parts)
        if client is None:
            return None
        return Known(client, data, newer.base, origins, lines, text, count)

    def _client(self, newer: Known, data: Any, changed: Mapping[KeyPath, Any]) -> Client | None:
        """The client of the edited ``data``: only what an edited mapping
        belongs to is built again; None when the loader's checks find an error."""
        document = Document(data, newer.base.document.file, newer.base.document.values,
                            newer.base.document.keys)
        if any(len(path) < 2 or path[0] != "projects" for path in changed):
            client = with_studio_terms(_client(document, self.path, self.timezone, self.language),
                                       self.terms)
            problems = _client_problems(client, document)
        else:
            projects = list(newer.client.projects)
            edited = sorted({path[1] for path in changed if isinstance(path[1], int)})
            for index in edited:
                parts = [path[2:] for path in changed if path[1] == index]
                projects[index] = self._project(projects[index], data["projects"][index], parts)
            client = dataclasses.replace(newer.client, projects=tuple(projects))
            if all(path[2:3] in _PROJECT_PARTS for path in changed):
                # A milestone, log entry or the agreement: the checks of its project are enough
                # (the schedule's warnings are warnings).
                problems = [problem for index in edited
                            for problem in _project_problems(client, index, document)]
            else:  # the project's own keys: its id, its token
                problems = _client_problems(client, document)
        return None if any(problem.severity == "error" for problem in problems) else client

    def _project(self, project: Project, data: Any, parts: list[KeyPath]) -> Project:
        """``project`` with the parts of it at ``parts`` (paths in the
        project's data) built again from ``data``, as ``loader._project`` builds them."""
        if all(len(part) >= 2 and part[0] in ("milestones", "log") for part in parts):
            milestones, log = list(project.milestones), list(project.log)
            for name, index, *_ in parts:
                assert isinstance(index, int)
                if name == "milestones":
                    milestones[index] = _milestone(data["milestones"][index])
                else:
                    log[index] = _log_entry(data["log"][index])
            touched = {part[0] for part in parts}
            # A list nothing in which changed is kept as it was: the history compares less.
            return dataclasses.replace(
                project, milestones=tuple(milestones) if "milestones" in touched else project.milestones,
                log=tuple(log) if "log" in touched else project.log)
        if all(part[:1] == ("agreement",) for part in parts):
            return dataclasses.replace(project, agreement=agreement_with_studio_terms(
                _agreement(data["agreement"]), self.terms))
        return project_with_studio_terms(_project(data), self.terms)


__all__ = ["Base", "Known", "Location", "Reader"]
