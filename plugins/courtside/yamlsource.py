"""Read one YAML document into plain data, keeping where every value stood.

PyYAML's ``safe_load`` forgets line numbers, keeps the last of two equal keys
without a word and raises a bare ``ValueError`` for ``2026-13-01``. So the
text is only *composed* into nodes (with the C parser when it is there) and
the nodes are turned into JSON-like data here, one pass, with a map from each
key path to its ``(line, column)``. Dates stay the text they were written as;
the schema and the model check and parse them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problem

try:  # the C parser is several times faster; the pure one gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

KeyPath = tuple[str | int, ...]
Location = tuple[int, int]

#: Values one document may expand to. A client file with a dozen projects has
#: a few thousand; an alias chain ("billion laughs") reaches this in
#: microseconds instead of exhausting memory.
MAX_VALUES = 100_000

_TAG = "tag:yaml.org,2002:"
_CONSTRUCTED_TAGS = {_TAG + name for name in ("int", "float", "bool", "null")}
_TEXT_TAGS = {_TAG + "str", _TAG + "timestamp"}


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


def format_path(path: KeyPath) -> str:
    """``("projects", 0, "due")`` → ``projects[0].due``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _TooLarge(Exception):
    pass


def _mark(node: yaml.Node) -> Location:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_document(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Compose ``text`` and convert it; YAML errors become problems."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = ", ".join(part for part in (error.context, error.problem) if part) or "not valid YAML"
        if "\t" in reason or "found character '\\t'" in reason:
            reason += " (indent with spaces, not tabs)"
        return None, [Problem(file, line, column, "", f"not valid YAML: {reason}")]
    except yaml.YAMLError as error:  # e.g. a reader error without a mark
        return None, [Problem(file, 1, 1, "", f"not valid YAML: {error}")]
    if root is None:
        return None, [Problem(file, 1, 1, "", "the file holds no YAML document")]

    document = Document(data=None, file=file)
    problems: list[Problem] = []
    converter = _Converter(document, problems)
    try:
        document.data = converter.convert(root, ())
    except _TooLarge:
        return None, [Problem(
            file, *_mark(root), "",
            f"the document expands to more than {MAX_VALUES:,} values "
            "(an alias/anchor chain?); write the values out instead")]
    return document, problems


class _Converter:
    def __init__(self, document: Document, problems: list[Problem]):
        self.document = document
        self.problems = problems
        self.budget = MAX_VALUES
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge
        self.document.values.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (index,))
                    for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        if node.tag in _TEXT_TAGS:
            return node.value
        if node.tag in _CONSTRUCTED_TAGS:
            self.document.written[path] = node.value
            return self.constructor.construct_object(node)
        self.problems.append(self.document.problem(
            path, f"unsupported YAML tag {node.tag.replace(_TAG, '!!')}; "
            "write plain text, numbers, dates, lists and mappings"))
        return node.value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.problems.append(Problem(
                    self.document.file, *_mark(key_node), _path_text(path, "<<"),
                    "merge keys (<<) are not supported; write the keys out"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(
                    self.document.file, *_mark(key_node), _path_text(path, None),
                    "a key must be a plain name, not a list or mapping"))
                continue
            # Keys are names, so take them as written: ``on:`` or ``1:`` must
            # not become True or 1 behind the studio's back.
            key = key_node.value
            if key in result:
                first_line = self.document.keys[path + (key,)][0]
                self.problems.append(Problem(
                    self.document.file, *_mark(key_node), _path_text(path, key),
                    f"duplicate key (first given on line {first_line}); "
                    "YAML would silently keep only the last one"))
                continue
            self.document.keys[path + (key,)] = _mark(key_node)
            result[key] = self.convert(value_node, path + (key,))
        return result


def _path_text(path: KeyPath, key: str | None) -> str:
    return format_path(path + (key,)) if key is not None else format_path(path)
