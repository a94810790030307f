"""Agreement templates: the studio's standard text with per-project terms.

A template is Markdown in ``content/agreements/NAME.md`` with Jinja
placeholders such as ``{{ terms.response_days.client }}``. Every placeholder
is checked against each project's values before anything is written, so a
missing term is a precise error instead of a blank in a client's agreement.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from .filters import FILTERS
from .model import Client, Project
from .problems import Problem, display_path

_ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                            keep_trailing_newline=True)
# The same wording helpers as the theme: {{ terms.grace_days.client | business_days }}.
_ENV.filters.update(FILTERS)
_DEFAULT_FILTERS = {"default", "d"}


@dataclass(frozen=True)
class Placeholder:
    """A value a template reads, such as ``("terms", "grace_days", "client")``."""

    chain: tuple[str, ...]
    line: int

    def __str__(self) -> str:
        return "{{ " + ".".join(self.chain) + " }}"


@dataclass(frozen=True)
class AgreementTemplate:
    name: str
    path: Path
    template: jinja2.Template
    placeholders: tuple[Placeholder, ...]

    def missing(self, context: Mapping[str, Any]) -> list[Placeholder]:
        """Placeholders that ``context`` has no value for."""
        return [p for p in self.placeholders if not _resolves(p.chain, context)]

    def render(self, context: Mapping[str, Any]) -> str:
        """The agreement as Markdown, for a context ``missing`` accepted."""
        return self.template.render(context)


def agreement_context(studio: Mapping[str, Any], client: Client, project: Project) -> dict:
    """What a template can read: ``studio``, ``client``, ``project``, ``terms``."""
    return {
        "studio": dict(studio),
        "client": {"name": client.name},
        "project": {"title": project.title},
        "terms": dict(project.agreement.terms),
    }


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
def _load_template(name: str, path: Path, version) -> tuple[AgreementTemplate | None, list[Problem]]:
    shown = display_path(path)
    try:
        source = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(shown, 0, 0, "", "agreement template not found")]
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(shown, 0, 0, "", f"cannot read agreement template: {error}")]
    try:
        tree = _ENV.parse(source, name=name, filename=str(path))
        template = _ENV.from_string(tree)
    except jinja2.TemplateSyntaxError as error:
        return None, [Problem(shown, error.lineno or 0, 0, "", f"template syntax: {error.message}")]
    return AgreementTemplate(name, path, template, tuple(_placeholders(tree))), []


def _placeholders(tree: nodes.Node) -> list[Placeholder]:
    """Every value chain the template reads, outside ``| default(...)``."""
    local_names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    found: list[Placeholder] = []

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Filter) and node.name in _DEFAULT_FILTERS:
            for child in node.iter_child_nodes():
                if child is not node.node:
                    visit(child)
            return
        chain = _chain(node)
        if chain is not None:
            if chain[0] not in local_names:
                found.append(Placeholder(chain, node.lineno))
            return
        for child in node.iter_child_nodes():
            visit(child)

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


def _resolves(chain: tuple[str, ...], context: Mapping[str, Any]) -> bool:
    value: Any = context
    for part in chain:
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True
