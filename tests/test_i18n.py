"""The client's language: the ``language`` key, its default from
``DEFAULT_LANG``, the fallback of a regional variant, and the catalogs.
In-process; the built pages in every language are in ``test_languages.py``."""

from __future__ import annotations

import json
import textwrap
import unicodedata
from pathlib import Path

import pytest

from courtside.i18n import (
    FSI,
    PDI,
    SHIPPED,
    base_language,
    isolated,
    language,
    language_problem,
    text_direction,
)
from courtside.loader import load_client
from courtside.problems import CourtsideError
from courtside.settings import courtside_settings

GOOD = """\
name: Bäckerei Müller & Söhne
language: de-AT
projects:
  - id: web
    title: Webseite
    token: Web5iteTest0Token1Abcde
    milestones:
      - {id: text, title: Texte, owner: client, due: 2026-11-20}
  - id: shop
    title: Shop
    token: Sh0pTest0Token1Abcdefgh
    language: en-GB
    milestones:
      - {id: text, title: Texts, owner: client, due: 2026-11-20}
"""


def load(tmp_path: Path, text: str, **options):
    path = tmp_path / "mueller.yaml"
    path.write_text(textwrap.dedent(text), "utf-8")
    client, _, problems = load_client(path, "Europe/Berlin", **options)
    return client, [(p.line, p.column, p.path, p.message) for p in problems]


def test_a_client_and_a_project_name_their_language(tmp_path):
    client, problems = load(tmp_path, GOOD)
    assert problems == []
    web, shop = client.projects
    assert client.language == "de-AT" and web.language is None and shop.language == "en-GB"
    assert client.language_of(web) == "de-AT" and client.language_of(shop) == "en-GB"


def test_without_a_language_the_site_default_applies(tmp_path):
    text = GOOD.replace("language: de-AT\n", "")
    assert load(tmp_path, text)[0].language == "en"
    assert load(tmp_path, text, default_language="fr")[0].language == "fr"


def test_an_unshipped_language_is_an_error_at_its_line_listing_the_shipped_ones(tmp_path):
    _, problems = load(tmp_path, GOOD.replace("de-AT", "it"))
    assert problems == [(2, 11, "language", '"it" is not a shipped language; use one of: '
                         "en, de, ru, fr, es (a regional variant such as de-AT or en-GB falls "
                         "back to its language)")]


@pytest.mark.parametrize("tag, base", [("de", "de"), ("de-AT", "de"), ("de-CH", "de"),
                                       ("en-GB", "en"), ("es-MX", "es"), ("fr-CA", "fr"),
                                       ("ru-RU", "ru")])
def test_a_regional_variant_falls_back_to_its_language(tag, base):
    assert language_problem(tag) is None
    assert base_language(tag) == base


def test_the_default_language_comes_from_the_settings():
    settings = {"PATH": "content", "COURTSIDE": {"studio": {"name": "S"}}}
    assert courtside_settings(settings).language == "en"
    assert courtside_settings({**settings, "DEFAULT_LANG": "ru"}).language == "ru"
    with pytest.raises(CourtsideError) as raised:
        courtside_settings({**settings, "DEFAULT_LANG": "it"})
    assert [(p.path, p.message.split(";")[0]) for p in raised.value.problems] == [
        ("DEFAULT_LANG", '"it" is not a shipped language')]


def test_every_shipped_language_reads_left_to_right():
    assert {text_direction(tag) for tag in SHIPPED} == {"ltr"}
    assert text_direction("ar") == "rtl"


@pytest.mark.parametrize(("tag", "weekday"), [
    ("en", 6), ("en-US", 6), ("en-GB", 0), ("de", 0), ("de-AT", 0), ("ru", 0), ("fr", 0),
    ("es", 0), ("es-MX", 6)])
def test_a_week_starts_where_the_tags_region_starts_it(tag, weekday):
    """A tag without a region takes its language's likeliest (CLDR): ``en``
    is American, and its weeks start on Sunday."""
    assert language(tag).first_weekday == weekday


def test_a_catalog_is_compiled_once_per_process_from_its_po_file():
    from courtside.i18n import translations

    assert translations("de-AT") is translations("de") is translations("de-CH")
    assert not list(Path(__file__).resolve().parents[1].glob("plugins/courtside/locale/**/*.mo"))


AGREEMENT = """\
name: Polyglot
language: {language}
projects:
  - id: one
    title: One
    token: Web5iteTest0Token1Abcde
    agreement:
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 5, client: 21}}
        consequences: {{studio: A, client: B}}
        deposit: 30%
        payment_days: 14
    milestones:
      - {{id: text, title: Texte, owner: client, due: 2026-11-20}}
  - id: two
    title: Two
    token: Sh0pTest0Token1Abcdefgh
    agreement: {{template: short}}
    milestones:
      - {{id: text, title: Texts, owner: client, due: 2026-11-20}}
"""


def portfolio_in(tmp_path: Path, language: str):
    import shutil

    from courtside.loader import load_portfolio
    from courtside.settings import CourtsideSettings
    from helpers import EXAMPLE_SITE

    agreements = tmp_path / "agreements"
    shutil.copytree(EXAMPLE_SITE / "content" / "agreements", agreements)
    (agreements / "short.md").write_text("{{ client.name }}.\n", "utf-8")
    clients = tmp_path / "clients"
    clients.mkdir()
    (clients / "polyglot.yaml").write_text(AGREEMENT.format(language=language), "utf-8")
    options = CourtsideSettings(studio={"name": "Studio"}, timezone="Europe/Berlin",
                                clients_folder=clients, agreements_folder=agreements, siteurl="")
    return load_portfolio(options)


@pytest.mark.parametrize("tag, name", [("de", "standard.de"), ("de-AT", "standard.de"),
                                       ("ru", "standard.ru"), ("fr", "standard.fr"),
                                       ("es", "standard.es"), ("en-GB", "standard")])
def test_a_project_gets_the_agreement_in_its_language(tmp_path, tag, name):
    from courtside.agreement import agreement_context

    portfolio, problems = portfolio_in(tmp_path, tag)
    client = portfolio.clients[0]
    assert portfolio.template_names[client.id, "one"] == name
    assert [p for p in problems if p.severity == "error"] == []
    html = portfolio.templates[name].render_html(
        agreement_context({"name": "Studio"}, client, client.projects[0], tag))
    from courtside.filters import words_of
    assert words_of(tag).business_days(21) in html  # the terms' counts in the language too


def test_a_language_without_the_template_falls_back_and_warns_once(tmp_path):
    portfolio, problems = portfolio_in(tmp_path, "de")
    assert portfolio.template_names[portfolio.clients[0].id, "two"] == "short"
    assert [(p.line, p.path, p.severity, p.message) for p in problems] == [
        (2, "language", "warning", "agreement template 'short' has no de version "
         f"({tmp_path / 'agreements' / 'short.de.md'}); the portal shows "
         f"{tmp_path / 'agreements' / 'short.md'}")]


@pytest.mark.parametrize("tag, message", [
    ("de_AT", '"de_AT" is written with "_"; write "de-AT" (BCP 47 tags use "-")'),
    (" de", '"de" has spaces around it'.replace('"de"', '" de"') + '; write "de"'),
    ("", "no language given; write one of: en, de, ru, fr, es"),
    ("de-XX", '"de-XX" is not a known variant of de; write de, or de with a region, such as de-AT'),
    ("x-klingon", '"x-klingon" is not a shipped language; use one of: en, de, ru, fr, es'),
])
def test_a_wrong_language_tag_gets_one_message_saying_what_to_write(tmp_path, tag, message):
    _, problems = load(tmp_path, GOOD.replace("language: de-AT", f"language: {json.dumps(tag)}"))
    assert len(problems) == 1
    assert problems[0][2] == "language" and problems[0][3].startswith(message)


def test_every_right_to_left_letter_and_bidirectional_control_is_isolated_and_nothing_else():
    """``isolated`` passes most texts by one regular expression: it must
    let no strong right-to-left character of this Python's Unicode through,
    nor an embedding, override or isolate of the text's own (a stray PDI is
    left out, an open isolate closed: tests/test_bidi.py)."""
    controls = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    for code in range(0x110000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or code in controls:
            continue
        right_to_left = unicodedata.bidirectional(char) in ("R", "AL")
        assert (isolated(f"a{char}b") == f"{FSI}a{char}b{PDI}") is right_to_left, hex(code)
    for code in controls - {0x2066, 0x2067, 0x2068, 0x2069}:
        assert isolated(f"a{chr(code)}b") == f"{FSI}a{chr(code)}b{PDI}", hex(code)
    assert isolated(f"a{PDI}b") == f"{FSI}ab{PDI}"
    assert isolated("a\u2066b") == f"{FSI}a\u2066b{PDI}{PDI}"
