"""Agreement templates: the studio's standard text with per-project terms.

A template is Markdown in ``content/agreements/NAME.md`` with Jinja
placeholders such as ``{{ terms.response_days.client }}``. Every placeholder
is checked against each project's values before anything is written, so a
missing term is a precise error instead of a blank in a client's agreement.

The values fill in as plain text, as the page shows them everywhere else
(the ball-in-court panel quotes the same consequences): a ``*`` in a term is
a star, not emphasis. That also makes the Markdown the same for every
project: it is rendered with a mark in each value's place, once per build
for all the projects that share a template, and the escaped values replace
the marks. Only a value inside a link's address or another attribute, where
no text can go, is part of the Markdown.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .files import read_regular
from .filters import FILTERS, words_of
from .i18n import SOURCE, base_language, isolated, language_problem
from .markup import render_markdown
from .model import Client, Project
from .problems import Problem, display_path

#: Marks stand in for values while the Markdown is rendered: characters of
#: Unicode's private use area, which Markdown treats as letters.
_FIRST_MARK, _LAST_MARK = 0xE000, 0xF8FF
_MARKS = re.compile("[\uE000-\uF8FF]")
#: markdown-it escapes ``<`` and ``>`` in text, so these are its tags.
_TAG = re.compile(r"(<[^>]*>)")
#: Where the render context keeps the marking state; not a name a template can use.
_MARKING = "courtside:marking"
#: ASCII punctuation, which a backslash makes plain text in Markdown.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _as_markdown_text(value: Any) -> str:
    """``value`` written into Markdown so that it reads as the text it is."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(value).splitlines()))


@pass_context
def _mark(context: Context, value: object) -> object:
    """Each ``{{ ... }}`` result, while an agreement is rendered: a mark, or
    the value as Markdown text for the places no mark can go (``in_markdown``
    is None for every value). Outside that, the value as it is."""
    marking = context.get(_MARKING)
    if marking is None:
        return value
    values, in_markdown = marking
    values.append(value)
    index = len(values) - 1
    if in_markdown is None or index in in_markdown:
        return _as_markdown_text(value)
    return chr(_FIRST_MARK + index)


#: Where the render context keeps the portal's language; not a name a template can use.
_LANGUAGE = "courtside:language"


def _in_language(name: str) -> Callable[..., Any]:
    """The theme's filter ``name`` in the language of the agreement's portal."""
    @pass_context
    def apply(context: Context, *args: Any) -> Any:
        return words_of(context.get(_LANGUAGE) or SOURCE).filters()[name](*args)
    return apply


_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                            keep_trailing_newline=True, finalize=_mark)
# The same wording helpers as the theme, in the portal's language:
# {{ terms.grace_days.client | business_days }}.
_ENV.filters.update({name: _in_language(name) for name in FILTERS})
_DEFAULT_FILTERS = {"default", "d"}


@dataclass(frozen=True)
class Placeholder:
    """A value a template reads, such as ``("terms", "grace_days", "client")``."""

    chain: tuple[str, ...]
    line: int
    #: Whether the template writes the value itself (``{{ terms.x }}``,
    #: ``{{ terms.x | business_days }}``), not only tests or passes it.
    printed: bool = False

    def __str__(self) -> str:
        return "{{ " + ".".join(self.chain) + " }}"


@dataclass(frozen=True)
class AgreementTemplate:
    name: str
    path: Path
    template: jinja2.Template
    placeholders: tuple[Placeholder, ...]
    #: Whether the template's own text uses the characters of the marks.
    has_marks: bool = False

    @property
    def language(self) -> str:
        """What the template is written in: ``standard.de`` German, the base
        template (``standard``) the source language."""
        return template_language(self.name)

    def missing(self, context: Mapping[str, Any]) -> list[Placeholder]:
        """Placeholders that ``context`` has no value for."""
        return [p for p in self.placeholders if not _resolves(p.chain, context)]

    def per_party(self, context: Mapping[str, Any]) -> list[Placeholder]:
        """Placeholders the template writes whose value in ``context`` is one
        for each party (``{studio: 2, client: 1}``): the template must name
        the party, ``{{ terms.revisions.studio }}``."""
        return [p for p in self.placeholders
                if p.printed and isinstance(_value(p.chain, context), Mapping)]

    def render_html(self, context: Mapping[str, Any], *, heading_offset: int = 0) -> Markup:
        """The agreement as HTML, each value as text (see the module's notes),
        for a context ``missing`` accepted."""
        in_markdown: set[int] = set()
        for _ in range(2):  # the second time with the values whose mark landed in a tag
            values: list[Any] = []
            shape = self.template.render({**context, _MARKING: (values, in_markdown)})
            if self.has_marks or len(values) > _LAST_MARK - _FIRST_MARK or any(
                    _MARKS.search(str(values[i])) for i in in_markdown):
                break
            html, misplaced = _shaped(shape, heading_offset, len(values), frozenset(in_markdown))
            if not misplaced:
                return Markup(_MARKS.sub(functools.partial(_unmark, values), html))
            in_markdown |= misplaced
        # Marks cannot be told from the text here: every value goes into the
        # Markdown as text (only in a code span would its backslashes show).
        markdown = self.template.render({**context, _MARKING: ([], None)})
        return render_markdown(markdown, heading_offset=heading_offset)


def _unmark(values: Sequence[object], mark: re.Match[str]) -> str:
    """The value a mark stands for, escaped, and isolated (``i18n.isolated``):
    a mark is in the text, where a value is part of the template's sentence."""
    return escape(isolated(str(values[ord(mark[0]) - _FIRST_MARK])))


@functools.lru_cache(maxsize=256)
def _shaped(shape: str, heading_offset: int, count: int,
            as_markdown: frozenset[int]) -> tuple[str, frozenset[int]]:
    """The Markdown of an agreement's shape (its text with a mark for each
    value) as HTML, and the marks misplaced in it. Many projects share a
    shape, since the marks stand for what differs: rendered once for all."""
    html = render_markdown(shape, heading_offset=heading_offset)
    return html, frozenset(_misplaced_marks(html, count, as_markdown))


def _misplaced_marks(html: str, count: int, as_markdown: set[int] | frozenset[int]) -> set[int]:
    """The values whose mark is not exactly once in the text of ``html``:
    inside a tag (a link's address, an image's description) or changed by
    the Markdown (percent-encoded in an address)."""
    in_text: Counter[int] = Counter()
    misplaced: set[int] = set()
    for position, part in enumerate(_TAG.split(html)):
        for mark in _MARKS.findall(part):
            index = ord(mark) - _FIRST_MARK
            if position % 2:  # a tag
                misplaced.add(index)
            else:
                in_text[index] += 1
    return misplaced | {index for index in range(count)
                        if index not in as_markdown and in_text[index] != 1}


def agreement_context(studio: Mapping[str, Any], client: Client, project: Project,
                      language: str = SOURCE) -> dict[str, Any]:
    """What a template can read: ``studio``, ``client``, ``project``, ``terms``
    (a Jinja context). Its filters count in ``language``, the template's own:
    a fallback to the base template says "21 business days", not an English
    sentence around "21 Arbeitstage"."""
    return {
        "studio": dict(studio),
        "client": {"name": client.name},
        "project": {"title": project.title},
        "terms": dict(project.agreement.terms),
        _LANGUAGE: language,
    }


def template_language(name: str) -> str:
    """``standard.de-AT`` → ``de-AT``; ``standard`` → the source language."""
    _, dot, variant = name.rpartition(".")
    return variant if dot and language_problem(variant) is None else SOURCE


def localized_name(name: str, tag: str, folder: Path) -> str:
    """The template ``name`` in the language ``tag``: ``standard.de-AT``,
    else ``standard.de``, else ``standard`` itself (the source language's)."""
    for variant in dict.fromkeys((tag, base_language(tag))):
        if base_language(variant) != SOURCE and (folder / f"{name}.{variant}.md").is_file():
            return f"{name}.{variant}"
    return name


def load_template(name: str, folder: Path) -> tuple[AgreementTemplate | None, list[Problem]]:
    path = folder / f"{name}.md"
    try:
        stat = path.stat()
    except OSError:
        stat = None
    # Parsed once per process and file version: a build loads every client
    # file on its own, and they mostly share one template.
    return _load_template(name, path, stat and (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _load_template(name: str, path: Path, version: tuple[int, int] | None
                   ) -> tuple[AgreementTemplate | None, list[Problem]]:
    shown = display_path(path)
    try:
        source = read_regular(path).decode("utf-8-sig")  # a named pipe: not waited on
    except FileNotFoundError:
        return None, [Problem(shown, 0, 0, "", "agreement template not found")]
    except OSError as error:  # a folder, a pipe, a link that leads back to itself
        return None, [Problem(shown, 0, 0, "", f"cannot read agreement template: {error.strerror}")]
    except UnicodeDecodeError as error:
        return None, [Problem(shown, 0, 0, "", f"cannot read agreement template: {error}")]
    try:
        tree = _ENV.parse(source, name=name, filename=str(path))
        template = _ENV.from_string(tree)
    except jinja2.TemplateSyntaxError as error:
        return None, [Problem(shown, error.lineno or 0, 0, "", f"template syntax: {error.message}")]
    return AgreementTemplate(name, path, template, tuple(_placeholders(tree)),
                             has_marks=bool(_MARKS.search(source))), []


def _placeholders(tree: nodes.Node) -> list[Placeholder]:
    """Every value chain the template reads, outside ``| default(...)``, and
    whether it writes it (in ``{{ }}``, through any filters)."""
    local_names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    found: list[Placeholder] = []

    def visit(node: nodes.Node, printed: bool = False) -> None:
        if isinstance(node, nodes.Filter) and node.name in _DEFAULT_FILTERS:
            for child in node.iter_child_nodes():
                if child is not node.node:
                    visit(child)
            return
        chain = _chain(node)
        if chain is not None:
            if chain[0] not in local_names:
                found.append(Placeholder(chain, node.lineno, printed))
            return
        for child in node.iter_child_nodes():
            # What is written: an output's own expressions, and what their filters filter.
            visit(child, isinstance(node, nodes.Output) or (
                printed and isinstance(node, nodes.Filter) and child is node.node))

    visit(tree)
    return found


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    """``terms.a.b`` or ``terms["a"]`` as ``("terms", "a", "b")``; None for
    anything that is not a plain lookup."""
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return (node.name,)
    if isinstance(node, nodes.Getattr):
        inner = _chain(node.node)
        return inner + (node.attr,) if inner else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
            and isinstance(node.arg.value, str):
        inner = _chain(node.node)
        return inner + (node.arg.value,) if inner else None
    return None


#: What a chain names when the context has no value for it.
_MISSING = object()


def _value(chain: tuple[str, ...], context: Mapping[str, Any]) -> Any:
    """The value ``chain`` names in ``context``, or ``_MISSING``."""
    value: Any = context
    for part in chain:
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _resolves(chain: tuple[str, ...], context: Mapping[str, Any]) -> bool:
    return _value(chain, context) is not _MISSING
