"""The catalogs: every phrase of the code and templates, as ``babel.cfg``
extracts it, is translated in every shipped language, none fuzzy, with the
same placeholders; counts take the language's plural forms. In-process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from courtside.filters import words_of
from courtside.i18n import SHIPPED, SOURCE

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "plugins" / "courtside" / "locale"
TRANSLATED = [tag for tag in SHIPPED if tag != SOURCE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> Catalog:
    with (REPO / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            str(REPO), method_map, options_map, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


@pytest.fixture(scope="module")
def messages() -> set[object]:
    return {message.id for message in extracted() if message.id}


def read(tag: str) -> Catalog:
    with (LOCALE / tag / "LC_MESSAGES" / "courtside.po").open("rb") as file:
        return read_po(file, locale=tag)


def test_the_template_catalog_is_up_to_date(messages):
    with (LOCALE / "courtside.pot").open("rb") as file:
        template = {message.id for message in read_po(file) if message.id}
    assert template == messages, "run make messages"


@pytest.mark.parametrize("tag", TRANSLATED)
def test_every_phrase_is_translated_and_none_is_fuzzy(tag, messages):
    catalog = read(tag)
    assert sorted(map(str, messages - {m.id for m in catalog if m.id})) == []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms) and not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for form in forms:
            # A plural form may leave the count out ("the only milestone"); nothing else.
            assert set(PLACEHOLDER.findall(form)) - wanted == set(), (message.id, form)
            assert wanted - set(PLACEHOLDER.findall(form)) <= {"count", "num"}, (message.id, form)


def test_no_compiled_catalog_is_committed():
    assert list(LOCALE.rglob("*.mo")) == []


PLURALS = {
    "en": ["1 business day", "2 business days", "5 business days", "11 business days",
           "21 business days", "22 business days"],
    "de": ["1 Arbeitstag", "2 Arbeitstage", "5 Arbeitstage", "11 Arbeitstage",
           "21 Arbeitstage", "22 Arbeitstage"],
    "ru": ["1 рабочий день", "2 рабочих дня", "5 рабочих дней", "11 рабочих дней",
           "21 рабочий день", "22 рабочих дня"],
    "fr": ["1 jour ouvré", "2 jours ouvrés", "5 jours ouvrés", "11 jours ouvrés",
           "21 jours ouvrés", "22 jours ouvrés"],
    "es": ["1 día hábil", "2 días hábiles", "5 días hábiles", "11 días hábiles",
           "21 días hábiles", "22 días hábiles"],
}


@pytest.mark.parametrize("tag", SHIPPED)
def test_counts_take_the_languages_plural_forms(tag):
    assert [words_of(tag).business_days(n) for n in (1, 2, 5, 11, 21, 22)] == PLURALS[tag]


def test_dates_follow_the_locale():
    import datetime as dt

    day = dt.date(2026, 12, 4)
    assert {tag: words_of(tag).long_date(day) for tag in SHIPPED} == {
        "en": "Fri 4 Dec 2026", "de": "Fr., 4. Dez. 2026", "ru": "пт, 4 дек. 2026\u202fг.",
        "fr": "ven. 4 déc. 2026", "es": "vie, 4 dic 2026"}
    assert {words_of(tag).clock_time(dt.time(14, 5)) for tag in SHIPPED} == {"14:05"}
