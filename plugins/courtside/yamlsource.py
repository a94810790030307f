"""Read one YAML document into plain data, keeping where every value stood.

PyYAML's ``safe_load`` forgets line numbers, keeps the last of two equal keys
without a word, raises a bare ``ValueError`` for ``2026-13-01``, recurses
once per level of nesting (a deeply nested file overflows the C stack) and
expands alias chains until memory runs out. So the text is only *parsed*
into events (with the C parser when it is there), and the events are built
into JSON-like data here, in one pass and without recursion, with a map from
each key path to its ``(line, column)``, a limit on nesting and a budget for
what aliases expand to. Dates stay the text they were written as; the schema
and the model check and parse them.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .problems import Problem

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # the C parser is several times faster; the pure one gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

KeyPath = tuple[str | int, ...]
Location = tuple[int, int]

#: Values one document may expand to. A client file with a dozen projects has
#: a few thousand; an alias chain ("billion laughs") reaches this after a few
#: thousand steps instead of exhausting memory.
MAX_VALUES = 100_000
#: Levels of nesting. A client file needs seven.
MAX_DEPTH = 40

_TAG = "tag:yaml.org,2002:"
_CONSTRUCTED_TAGS = {_TAG + name for name in ("int", "float", "bool", "null")}
_TEXT_TAGS = {_TAG + "str", _TAG + "timestamp"}
_COLLECTION_TAGS = {None, "!", _TAG + "map", _TAG + "seq"}


class _Drop(enum.Enum):
    KEY = enum.auto()


#: Stands for the key of a value that must be read but not kept (a duplicate
#: key, a merge key, a key that is not a plain name).
_DROP: Final = _Drop.KEY


@dataclass
class Document:
    """A YAML document as plain data plus the location of every value and key."""

    data: Any
    file: str
    values: dict[KeyPath, Location] = field(default_factory=dict)
    keys: dict[KeyPath, Location] = field(default_factory=dict)
    #: Scalars that YAML turned into something other than text, as written:
    #: ``14:00`` is the integer 840 to YAML, and a message must say "14:00".
    written: dict[KeyPath, str] = field(default_factory=dict)
    #: The text it was read from.
    text: str = field(default="", repr=False)

    def locate(self, path: KeyPath, *, key: bool = False) -> Location:
        """Where the value at ``path`` (or, with ``key``, its key) starts. For
        a path that does not exist (a missing key), the line that introduces
        the nearest enclosing value."""
        if key and path in self.keys:
            return self.keys[path]
        if path in self.values:
            return self.values[path]
        while path and path not in self.values:
            path = path[:-1]
        return self.keys.get(path) or self.values.get(path, (1, 1))

    def problem(self, path: KeyPath, message: str, *, key: bool = False,
                severity: str = "error") -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.file, line, column, format_path(path), message, severity)


#: Characters no page, feed or XML may carry: C0 controls but tab and line
#: breaks, DEL and C1 controls (a word processor's line break is U+000B).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Nor these, which no XML or YAML file may hold either: the non-characters
#: U+FFFE and U+FFFF (a YAML escape writes them), and lone surrogates (how
#: Python keeps a byte of a command line that is not UTF-8).
_NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: What YAML counts as a line's end (its marks do too): a CR alone is one.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def control_character(text: str) -> str | None:
    """Why ``text`` cannot be shown: the first control character (or other
    character no text may hold) in it."""
    if (found := _CONTROL.search(text)) is not None:
        return (f"holds a control character (U+{ord(found.group()):04X}, often pasted from a word "
                "processor); remove it or retype the text")
    if (found := _NOT_TEXT.search(text)) is not None:
        return (f"holds U+{ord(found.group()):04X}, which is no character of any text (a byte "
                "that is not UTF-8, or a broken copy); remove it or retype the text")
    return None


def format_path(path: KeyPath) -> str:
    """``("projects", 0, "due")`` → ``projects[0].due``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Stop(Exception):
    """Reading cannot go on; the problem says why."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _Mark(Protocol):
    """Where the parser is: PyYAML's ``Mark`` and the C parser's alike."""

    line: int
    column: int


def _mark(mark: _Mark | None) -> Location:
    """A mark as (line, column), counted from 1; the start of the file when
    the parser gave none."""
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def read_document(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse ``text``; YAML errors and every oddity become problems."""
    builder = _Builder(file)
    parser = _Loader(text)
    try:
        event: yaml.Event | None = None
        while not isinstance(event, yaml.StreamEndEvent):
            event = parser.get_event()
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "maximum nesting depth" in (error.problem or ""):
            # libyaml (PyYAML 6.0.4 on) has a nesting limit of its own, far
            # above ours, and reads ahead far enough to hit it before the
            # builder sees the 41st level: it is the same mistake.
            return None, [Problem(file, *(_mark(mark) if mark else (1, 1)), "",
                                  f"nested more than {MAX_DEPTH} levels deep")]
        reason = ", ".join(part for part in (error.context, error.problem) if part) or "not valid YAML"
        # The C parser does not say the character was a tab; the text does.
        at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
        if at_tab or "tab" in reason or "\t" in reason:
            reason += " (a tab: indent with spaces, not tabs)"
        return None, [Problem(file, *(_mark(mark) if mark else (1, 1)), "", f"not valid YAML: {reason}")]
    except yaml.reader.ReaderError as error:  # a character YAML forbids: at it, in one line
        # Found in the text: libyaml counts the position in UTF-8 bytes. The
        # first forbidden character is what the reader stopped at.
        found = text.find(chr(error.character)) if isinstance(error.character, int) else -1
        lines = _LINE_BREAK.split(text[:found if found >= 0 else min(max(error.position, 0), len(text))])
        line, column = len(lines), len(lines[-1]) + 1
        return None, [Problem(file, line, column, "",
                              f"not valid YAML: {error.reason}"
                              + (f" (U+{error.character:04X}); remove it or retype the text"
                                 if isinstance(error.character, int) else ""))]
    except yaml.YAMLError as error:  # e.g. a reader error without a mark
        return None, [Problem(file, 1, 1, "", f"not valid YAML: {error}")]
    except _Stop as stop:
        return None, [stop.problem]
    finally:
        parser.dispose()
    if not builder.has_root:
        return None, [Problem(file, 1, 1, "", "the file holds no YAML document")]
    builder.document.data, builder.document.text = builder.root, text
    return builder.document, builder.problems


@dataclass
class _Frame:
    """A mapping or list being built."""

    #: Parsed YAML, not yet validated: any value.
    container: dict[str, Any] | list[Any]
    #: None when the value is not kept (a list or mapping used as a key, and what is in it).
    path: KeyPath | None
    anchor: str | None
    values_before: int
    #: A list or mapping used as a key is read, to find its end, but kept nowhere.
    as_key: bool = False
    key: str | _Drop | None = None  # a mapping's pending key, once read


class _Builder:
    """Builds data from parser events, iteratively."""

    def __init__(self, file: str):
        self.document = Document(data=None, file=file)
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, values in it)
        self.values = 0
        self.documents = 0
        self.root: Any = None
        self.has_root = False
        self.constructor = SafeConstructor()

    # -- where the next value goes ---------------------------------------------------

    def _expecting_key(self) -> bool:
        top = self.stack[-1] if self.stack else None
        return top is not None and isinstance(top.container, dict) and top.key is None

    def _next_path(self) -> KeyPath | None:
        """The path of the value about to be read; None when it is not kept."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.path is None:
            return None
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        # A value is read only once its key is (``_expecting_key``).
        return top.path + (top.key,) if isinstance(top.key, str) else None

    def _place(self, value: Any) -> None:
        if not self.stack:
            self.root, self.has_root = value, True
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
        else:
            if isinstance(top.key, str):  # not _DROP; a value is placed once its key is read
                top.container[top.key] = value
            top.key = None

    def _count(self, amount: int, mark: _Mark | None) -> None:
        self.values += amount
        if self.values > MAX_VALUES:
            raise _Stop(Problem(self.document.file, *_mark(mark), "",
                                f"the document expands to more than {MAX_VALUES:,} values "
                                "(an alias/anchor chain?); write the values out instead"))

    def _problem(self, mark: _Mark | None, path: KeyPath | None, message: str) -> None:
        self.problems.append(Problem(self.document.file, *_mark(mark),
                                     format_path(path) if path else "", message))

    # -- events ------------------------------------------------------------------------

    def feed(self, event: yaml.Event | None) -> None:
        if type(event) is yaml.ScalarEvent:  # most events, first
            self._scalar(event)
        elif type(event) is yaml.MappingStartEvent or type(event) is yaml.SequenceStartEvent:
            self._start(event)
        elif type(event) is yaml.MappingEndEvent or type(event) is yaml.SequenceEndEvent:
            self._end()
        elif type(event) is yaml.AliasEvent:
            self._alias(event)
        elif type(event) is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise _Stop(Problem(self.document.file, *_mark(event.start_mark), "",
                                    "not valid YAML: expected a single document in the "
                                    "stream, but found another document"))

    def _not_a_key(self, mark: _Mark | None) -> None:
        """A list, mapping or alias where a mapping's key belongs."""
        top = self.stack[-1]
        self._problem(mark, top.path, "a key must be a plain name, not a list, mapping or alias")
        top.key = _DROP

    def _start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _Stop(Problem(self.document.file, *_mark(event.start_mark), "",
                                f"nested more than {MAX_DEPTH} levels deep"))
        as_key = self._expecting_key()
        path = None if as_key else self._next_path()
        if as_key:
            self._not_a_key(event.start_mark)
        self._count(1, event.start_mark)
        if path is not None:
            self.document.values.setdefault(path, _mark(event.start_mark))
        if event.tag not in _COLLECTION_TAGS:
            self._problem(event.start_mark, path, f"unsupported YAML tag {_short(event.tag)}; "
                          "write plain text, numbers, dates, lists and mappings")
        container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.stack.append(_Frame(container, path, event.anchor, self.values, as_key))

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, self.values - frame.values_before + 1)
        if not frame.as_key:
            self._place(frame.container)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        if self._expecting_key():
            self._key(event)
            return
        path = self._next_path()
        self._count(1, event.start_mark)
        if path is not None:
            self.document.values.setdefault(path, _mark(event.start_mark))
        tag = event.tag
        if tag is None or tag == "!":
            tag = _resolve(event.value, event.implicit)
        if tag in _TEXT_TAGS:
            value: Any = event.value
            if (control := control_character(value)) is not None:
                self._problem(event.start_mark, path, control)
        elif tag in _CONSTRUCTED_TAGS:
            if path is not None:
                self.document.written[path] = event.value
            # The C parser's marks are yaml._yaml.Mark, which types-PyYAML does
            # not accept for a node; the node only carries them along.
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,  # type: ignore[arg-type]
                                   event.style)
            value = self.constructor.yaml_constructors[tag](self.constructor, node)
        else:
            self._problem(event.start_mark, path, f"unsupported YAML tag {_short(tag)}; "
                          "write plain text, numbers, dates, lists and mappings")
            value = event.value
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self._place(value)

    def _key(self, event: yaml.ScalarEvent) -> None:
        top = self.stack[-1]
        tag = event.tag or _resolve(event.value, event.implicit)
        # Keys are names, so take them as written: ``on:`` or ``1:`` must not
        # become True or 1 behind the studio's back.
        key = event.value
        if tag == _TAG + "merge":
            self._problem(event.start_mark, _join(top.path, "<<"),
                          "merge keys (<<) are not supported; write the keys out")
            top.key = _DROP
        elif key in top.container or top.path is not None and top.path + (key,) in self.document.keys:
            first_line = self.document.keys.get(_join(top.path, key), (0, 0))[0]
            self._problem(event.start_mark, _join(top.path, key),
                          f"duplicate key (first given on line {first_line}); "
                          "YAML would silently keep only the last one")
            top.key = _DROP
        else:
            if top.path is not None:
                self.document.keys[top.path + (key,)] = _mark(event.start_mark)
            top.key = key

    def _alias(self, event: yaml.AliasEvent) -> None:
        if self._expecting_key():
            self._not_a_key(event.start_mark)
            return
        if event.anchor not in self.anchors:
            raise _Stop(Problem(self.document.file, *_mark(event.start_mark), "",
                                f"not valid YAML: the alias *{event.anchor} names no anchor above it"))
        value, size = self.anchors[event.anchor]
        # The anchored value is shared, not copied, but everything that reads
        # the data walks it again: count it every time it is used.
        self._count(size, event.start_mark)
        path = self._next_path()
        if path is not None:
            self.document.values.setdefault(path, _mark(event.start_mark))
        self._place(value)


@functools.lru_cache(maxsize=4096)  # files repeat their keys and many values
def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag YAML gives a plain scalar: int, bool, str, ..."""
    # types-PyYAML leaves BaseResolver.resolve unannotated; it returns the tag.
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return tag


_RESOLVER = Resolver()


def _join(path: KeyPath | None, key: str) -> KeyPath:
    return (path or ()) + (key,)


def _short(tag: str | None) -> str:
    return (tag or "").replace(_TAG, "!!")
