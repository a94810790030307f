"""Editing the settings file, ``pelicanconf.py``, as its author would: a
value replaced where it is written, every other line and comment kept.

The settings file is Python, so it is read with ``ast`` to find where each
key of the ``COURTSIDE = {...}`` dict is written, and only those places are
rewritten. A file that keeps its settings another way (built by code, or
spread over several statements) is refused rather than reformatted.
"""

from __future__ import annotations

import ast
import json
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from io import StringIO
from typing import Any

from .settings import SETTINGS_KEY

#: Lines longer than this are written one key a line.
WIDTH = 99


class NotEditable(Exception):
    """The settings file does not write ``COURTSIDE`` as one dict literal."""


def literal(value: Any, indent: int = 0, column: int | None = None) -> str:
    """``value`` (text, a number, True/False/None, lists and dicts of them)
    as Python source: double quotes, as the shipped settings write it, and
    one item a line, indented from ``indent``, when the value would reach
    past ``WIDTH`` from ``column`` (where it starts; ``indent`` by default)."""
    column = indent if column is None else column
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python string
    if isinstance(value, Mapping):
        pairs = [(f"{literal(key)}: ", item) for key, item in value.items()]
        opening, closing = "{", "}"
    elif isinstance(value, list | tuple):
        pairs = [("", item) for item in value]
        opening, closing = "[", "]"
    else:
        raise TypeError(f"{type(value).__name__} is not written into the settings")
    one_line = opening + ", ".join(head + literal(item) for head, item in pairs) + closing
    if column + len(one_line) + 1 <= WIDTH or not pairs:  # + 1: the comma after it
        return one_line
    inner = indent + 4
    return (opening + "\n"
            + "".join(" " * inner + head + literal(item, inner, inner + len(head)) + ",\n"
                      for head, item in pairs)
            + " " * indent + closing)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


class _Source:
    """The settings file's text, with ``ast``'s positions (lines from 1,
    columns in UTF-8 bytes) turned into offsets in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, byte_column: int) -> int:
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        return self.starts[line - 1] + len(text.encode("utf-8")[:byte_column].decode("utf-8"))

    def span(self, node: ast.expr | ast.stmt) -> tuple[int, int]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def has_comma_after(self, offset: int) -> bool:
        """Whether the first token after ``offset`` (comments and line
        breaks aside) is a comma."""
        rest = StringIO(self.text[offset:]).readline
        for token in tokenize.generate_tokens(rest):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                              tokenize.INDENT, tokenize.DEDENT):
                continue
            return token.type == tokenize.OP and token.string == ","
        return False


def _assignments(tree: ast.Module) -> dict[str, list[ast.Assign]]:
    """Top-level ``NAME = value`` statements, by name."""
    found: dict[str, list[ast.Assign]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            found.setdefault(statement.targets[0].id, []).append(statement)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            found.setdefault(statement.target.id, [])  # annotated: not ours to rewrite
    return found


def edited(text: str, courtside: Mapping[str, Any], pelican: Mapping[str, tuple[Any, str]],
           comments: Mapping[str, str] | None = None) -> str:
    """``text`` with each key of ``courtside`` set in its ``COURTSIDE`` dict
    (added before the closing brace when missing), each of ``pelican``'s
    top-level settings (name: (value, expression)) set to its value where
    it is written as a constant and, when it is not written at all, added
    after the dict as its expression; and each comment line of
    ``comments`` (old: new) replaced. Raises ``NotEditable``."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise NotEditable(f"line {error.lineno}: {error.msg}") from None
    source, assigned = _Source(text), _assignments(tree)
    statements = assigned.get(SETTINGS_KEY, [])
    if len(statements) != 1 or not isinstance(statements[0].value, ast.Dict):
        raise NotEditable(f"it does not write {SETTINGS_KEY} as one dict, {SETTINGS_KEY} = {{...}}")
    edits = _dict_edits(source, statements[0].value, courtside)
    added = []
    for name, (value, expression) in pelican.items():
        if name not in assigned:
            added.append(f"{name} = {expression}\n")
        elif len(assigned[name]) == 1 and isinstance(assigned[name][0].value, ast.Constant):
            edits.append(_Edit(*source.span(assigned[name][0].value), literal(value)))
    if added:
        end = source.span(statements[0])[1]
        edits.append(_Edit(end, end, "\n" + "".join(added)))
    for old, new in (comments or {}).items():
        at = text.find(old)
        if at >= 0:
            edits.append(_Edit(at, at + len(old), new))
    result = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        result = result[:edit.start] + edit.text + result[edit.end:]
    return result


def _dict_edits(source: _Source, written: ast.Dict, values: Mapping[str, Any]) -> list[_Edit]:
    """Each key of ``values`` set in the dict ``written``: its value
    replaced where the dict has the key, else the key added at its end."""
    keys = {key.value: (key, value) for key, value in zip(written.keys, written.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)}
    edits, missing = [], {}
    for key, value in values.items():
        if key not in keys:
            missing[key] = value
            continue
        start, end = source.span(keys[key][1])
        key_start = source.span(keys[key][0])[0]
        edits.append(_Edit(start, end, literal(value, key_start - source.line_start(key_start),
                                               start - source.line_start(start))))
    if missing:
        edits += _added_keys(source, written, missing)
    return edits


def _added_keys(source: _Source, written: ast.Dict, values: Mapping[str, Any]) -> list[_Edit]:
    """New keys at the end of the dict, written as the dict writes its keys:
    one a line (before the closing brace's line) or on one line."""
    closing = source.span(written)[1] - 1  # the closing brace
    last = written.values[-1] if written.values else None
    edits = []
    if last is not None and not source.has_comma_after(source.span(last)[1]):
        edits.append(_Edit(source.span(last)[1], source.span(last)[1], ","))
    first_key = written.keys[0] if written.keys else None
    if first_key is not None and source.lines[written.lineno - 1].rstrip().endswith("{"):
        key_start = source.span(first_key)[0]
        indent = key_start - source.line_start(key_start)
        lines = "".join(f"{' ' * indent}{literal(key)}: "
                        f"{literal(value, indent, indent + len(literal(key)) + 2)},\n"
                        for key, value in values.items())
        at = source.line_start(closing)
        return [*edits, _Edit(at, at, lines)]
    items = ", ".join(f"{literal(key)}: {literal(value)}" for key, value in values.items())
    return [*edits, _Edit(closing, closing, (" " if last is not None else "") + items)]
