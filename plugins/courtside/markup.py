"""Markdown from client files and agreement templates, rendered safely.

Raw HTML is shown as text, not interpreted; ``javascript:``, ``vbscript:``,
``file:`` and ``data:`` links are dropped by markdown-it's own link check; and
every link gets ``rel="noopener noreferrer"`` so following it tells nobody
the portal's secret address.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup


def _link_open(renderer: RendererHTML, tokens: Sequence[Token], index: int, options: OptionsDict,
               env: EnvType) -> str:
    tokens[index].attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, index, options, env)


def _heading_open(renderer: RendererHTML, tokens: Sequence[Token], index: int, options: OptionsDict,
                  env: EnvType) -> str:
    # Markdown inside a page section starts below the section's own heading.
    token = tokens[index]
    level = min(int(token.tag[1]) + env.get("heading_offset", 0), 6)
    token.tag = f"h{level}"
    return renderer.renderToken(tokens, index, options, env)


def _heading_close(renderer: RendererHTML, tokens: Sequence[Token], index: int, options: OptionsDict,
                   env: EnvType) -> str:
    return _heading_open(renderer, tokens, index, options, env)


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"])
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    return md


#: One line of words that Markdown leaves as it is: it starts with a letter
#: (no list, heading or code), and has none of the characters that mark up,
#: escape or get typographic replacements.
_PLAIN = re.compile(r"[^\W\d_](?:[\w ,;:?!./%€-]*[\w.!?%€])?")
_REPLACED = ("--", "..", "!!", "??", ",,", "  ", "_")


def is_plain(text: str) -> bool:
    return bool(_PLAIN.fullmatch(text)) and not any(seq in text for seq in _REPLACED)


@functools.lru_cache(maxsize=4096)  # projects share agreement texts; Markup is immutable
def render_markdown(text: str | None, *, heading_offset: int = 0) -> Markup:
    """HTML for ``text``, safe to put on a page as it is; ``heading_offset``
    moves its headings down (1: ``#`` becomes ``<h2>``)."""
    if not text:
        return Markup("")
    line = text.removesuffix("\n")  # a YAML block scalar ends in a line break
    if is_plain(line):  # most notes and log lines: skip the parser, same output
        return Markup(f"<p>{line}</p>\n")
    return Markup(_renderer().render(text, {"heading_offset": heading_offset}))
