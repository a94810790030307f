"""The client's language: which languages ship, what a tag falls back to,
and each language's catalog.

Catalogs live as ``.po`` files in ``locale/<lang>/LC_MESSAGES/courtside.po``
and are compiled in memory the first time a language is used in a process
(Babel's ``read_po`` and ``write_mo`` into ``gettext.GNUTranslations``), so no
binary is committed and no page pays for a catalog. English is the source
language: its catalog is the identity, and an English page reads exactly as
the templates and filters write it.
"""

from __future__ import annotations

import gettext
import io
import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import TypeVar

#: The languages with a catalog, the source language first.
SHIPPED = ("en", "de", "ru", "fr", "es")
SOURCE = "en"
DOMAIN = "courtside"


def base_language(tag: str) -> str:
    """``"de-AT"`` → ``"de"``: the language a regional variant falls back to."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def language_problem(tag: str) -> str | None:
    """Why ``tag`` is not a language a portal can be written in, saying what
    to write instead; None when it (or the language it falls back to) ships."""
    from babel import Locale, UnknownLocaleError

    shown, shipped = json.dumps(tag, ensure_ascii=False), ", ".join(SHIPPED)
    if tag != tag.strip():
        return f"{shown} has spaces around it; write {json.dumps(tag.strip(), ensure_ascii=False)}"
    if not tag:
        return f"no language given; write one of: {shipped}"
    if "_" in tag and language_problem(tag.replace("_", "-")) is None:
        hyphenated = json.dumps(tag.replace("_", "-"))
        return f"{shown} is written with \"_\"; write {hyphenated} (BCP 47 tags use \"-\")"
    base = base_language(tag)
    if base in SHIPPED and "_" not in tag:
        try:
            Locale.parse(tag, sep="-")
            return None
        except (ValueError, UnknownLocaleError):
            return (f"{shown} is not a known variant of {base}; write {base}, or {base} with "
                    f"a region, such as {_REGION_EXAMPLES[base]}")
    return (f"{shown} is not a shipped language; use one of: {shipped} "
            "(a regional variant such as de-AT or en-GB falls back to its language)")


#: A regional variant of each shipped language, for messages.
_REGION_EXAMPLES = {"en": "en-GB", "de": "de-AT", "ru": "ru-RU", "fr": "fr-CA", "es": "es-MX"}


def locale_name(tag: str) -> str:
    """The Babel locale of a tag: ``"de-AT"`` → ``"de_AT"``."""
    from babel import Locale

    return str(Locale.parse(tag, sep="-"))


@cache
def text_direction(tag: str) -> str:
    """``ltr`` or ``rtl``, from the locale's data."""
    from babel import Locale

    return "rtl" if Locale.parse(tag, sep="-").text_direction == "rtl" else "ltr"


#: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: what they enclose takes
#: its own direction and leaves the sentence around it in its order.
FSI, PDI = "\u2068", "\u2069"
#: The bidirectional classes of the strong right-to-left characters.
_RIGHT_TO_LEFT = frozenset({"R", "AL"})
#: The bidirectional controls a text can hold (embeddings, overrides and
#: their end, isolates and their end): each changes the order of what
#: follows it, so a text with one is isolated whatever its letters.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
#: The blocks every such character is in (Hebrew to Arabic Extended-A, their
#: presentation forms, and the right-to-left scripts beyond the BMP), and the
#: controls: a text with none of them, such as any German or Russian one, is
#: passed in one regular expression search rather than asked of character by
#: character (10 times as fast).
_MAYBE_RIGHT_TO_LEFT = re.compile(
    f"[\u0590-\u08ff\u200f{BIDI_CONTROLS}\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_ISOLATE_CONTROL = re.compile("([\u2066-\u2069])")

_Text = TypeVar("_Text", bound=str)


def isolated(text: _Text) -> _Text:
    """``text`` safe to put into a sentence: a name, a title or a reason with
    a right-to-left letter in it (Arabic, Hebrew) enclosed in FSI … PDI, so
    that the numbers and punctuation around it keep their places ("для
    стороны شركة النور: 10 рабочих дней" would show the colon and the 10 on
    the other side of the name); any other text as it is, to the byte. The
    same characters work in HTML and in plain text (calendar feeds, Atom,
    a terminal). A text with a bidirectional control of its own (a stray
    PDI, an unclosed override) is isolated too, its isolates balanced, so
    that what it holds cannot reorder the sentence around it. A ``Markup``
    stays ``Markup``."""
    if text.isascii() or not _MAYBE_RIGHT_TO_LEFT.search(text):
        return text
    if _CONTROL.search(text):
        text = type(text)(_balanced(text))
    elif not any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in text):
        return text
    return FSI + text + PDI  # type: ignore[return-value]  # str + Markup is Markup


def one_stop(text: str) -> str:
    """A sentence whose last value ends in its own full stop ("2026 г.", a
    term's sentence) ends in one."""
    return text[:-1] if text.endswith("..") else text


def _balanced(text: str) -> str:
    """``text`` fit to be put between FSI and PDI: a PDI of its own with no
    isolate open before it (it would end the one around ``text`` early) left
    out, and one PDI added for each isolate it leaves open (the one after it
    would end that instead of its own). Its embeddings and overrides end
    with the isolate around it."""
    parts, open_isolates = [], 0
    for index, part in enumerate(_ISOLATE_CONTROL.split(text)):
        if index % 2 and part == PDI:
            if not open_isolates:
                continue
            open_isolates -= 1
        elif index % 2:
            open_isolates += 1
        parts.append(part)
    return "".join(parts) + PDI * open_isolates


def translations(tag: str) -> gettext.NullTranslations:
    """The compiled catalog of ``tag``'s language, once per process; the
    identity for the source language unless a studio gives it a catalog
    (``locale/en/LC_MESSAGES/courtside.po``) to change some of its phrases."""
    return _catalog(base_language(tag))


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    po = resources.files(__package__).joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")
    if language == SOURCE and not po.is_file():  # an English catalog only changes phrases
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Language:
    """One language a portal is written in: its tag, its locale's data and
    its catalog, whose ``gettext`` and ``ngettext`` the words go through."""

    def __init__(self, tag: str) -> None:
        from babel import Locale

        self.tag = tag
        self.base = base_language(tag)
        self.locale = Locale.parse(tag, sep="-")
        self.direction = text_direction(tag)
        self.catalog = translations(tag)
        self.gettext = self.catalog.gettext
        self.ngettext = self.catalog.ngettext

    @property
    def first_weekday(self) -> int:
        """The day a week starts on, 0 for Monday to 6 for Sunday (CLDR), in
        the tag's region or, when it names none, its language's most likely
        one: ``en`` is American and starts on Sunday, ``en-GB`` on Monday."""
        from babel import Locale
        from babel.core import get_global

        if self.locale.territory is None:
            likely = get_global("likely_subtags").get(self.locale.language)
            if likely:
                return Locale.parse(likely).first_week_day
        return self.locale.first_week_day


@cache
def language(tag: str) -> Language:
    return Language(tag)
