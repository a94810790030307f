"""The agreement on the page: the studio's template filled in with each
project's values, which show as the text the client file gives, wherever
the template puts them."""

from __future__ import annotations

import json
import os

import pytest

from helpers import text_of

#: Every test reads the agreement on a page a real build wrote.
pytestmark = pytest.mark.e2e

TEMPLATE = """\
Between {{ studio.name }} and **{{ client.name }}**, for {{ project.title }}.

## Late

Past {{ terms.grace_days.client | business_days }}: {{ terms.consequences.client }}

Deposit: `{{ terms.deposit }}`. [Write to us](mailto:{{ studio.email }} "{{ client.name }}")
"""


def client_file(name: str, token: str, consequence: str) -> str:
    # JSON strings are YAML strings: any text, quoted safely.
    return f"""\
name: {json.dumps(name)}
projects:
  - id: site
    title: New site
    token: {token}
    agreement:
      template: mine
      terms:
        grace_days: {{studio: 5, client: 10}}
        consequences: {{studio: We pay., client: {json.dumps(consequence)}}}
        deposit: "30% *up front*"
    milestones:
      - {{title: Brief, owner: client, due: 2026-11-20}}
"""


@pytest.fixture
def agreement_site(empty_site):
    (empty_site.root / "content" / "agreements" / "mine.md").write_text(TEMPLATE, "utf-8")
    return empty_site


TOKENS = {"a": "Agr33mentTest0Token1Abc", "b": "Agr33mentTest0Token2Abc"}


def build(site, consequences: dict[str, str], names=None):
    for key, consequence in consequences.items():
        name = (names or {}).get(key, f"Client {key.upper()}")
        site.write_client(f"client-{key}", client_file(name, TOKENS[key], consequence))
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return {key: site.portal(TOKENS[key]).select_one("section.agreement") for key in consequences}


def test_values_are_text_where_the_template_puts_them(agreement_site):
    markdownish = "We *pause* the work & re-plan <b>it</b> -- see [here](https://x.example)."
    agreement = build(agreement_site, {"a": markdownish})["a"]
    assert f"Past 10 business days: {markdownish}" in text_of(agreement)
    assert not agreement.find("b") and not agreement.find("em")
    assert [a["href"] for a in agreement.find_all("a")] == ["mailto:hello@northwind.example"]
    # The template's own Markdown still renders around the values.
    assert agreement.find("strong").get_text() == "Client A"
    assert agreement.find("code").get_text() == "30% *up front*"
    heading = agreement.find(["h3", "h4"])
    assert heading is not None and heading.get_text() == "Late"


def test_the_same_value_reads_the_same_in_the_panel_and_the_agreement(agreement_site):
    consequence = "Work pauses; it's *your* turn & we wait."
    page_agreement = build(agreement_site, {"a": consequence})["a"]
    panel = agreement_site.portal(TOKENS["a"]).select_one("section.court")
    assert consequence in text_of(panel)
    assert consequence in text_of(page_agreement)


def test_a_value_inside_a_link_is_part_of_the_link(agreement_site):
    agreement = build(agreement_site, {"a": "We wait."}, names={"a": 'Quote " & Co'})["a"]
    [link] = agreement.find_all("a")
    assert link["href"] == "mailto:hello@northwind.example"
    assert link["title"] == 'Quote " & Co'
    assert link.get_text() == "Write to us"
    assert agreement.find("strong").get_text() == 'Quote " & Co'


def test_projects_sharing_a_template_each_get_their_own_values(agreement_site):
    agreements = build(agreement_site, {"a": "A waits.", "b": "B waits."})
    for key, agreement in agreements.items():
        other = "b" if key == "a" else "a"
        text = text_of(agreement)
        assert f"Client {key.upper()}" in text and f"{key.upper()} waits." in text
        assert f"Client {other.upper()}" not in text and f"{other.upper()} waits." not in text


def test_a_template_using_private_use_characters_keeps_them(agreement_site):
    # The characters that stand in for values while the Markdown is
    # rendered: a template may contain them (icon fonts use them) too.
    path = agreement_site.root / "content" / "agreements" / "mine.md"
    path.write_text("Icon \ue000\ue001 for {{ client.name }}: {{ terms.consequences.client }}\n", "utf-8")
    agreement = build(agreement_site, {"a": "We *wait*."})["a"]
    assert "Icon \ue000\ue001 for Client A: We *wait*." in text_of(agreement)


def _self_loop(path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize("odd", [os.mkfifo, _self_loop], ids=["a named pipe", "a link to itself"])
def test_a_template_that_is_no_file_is_an_error_naming_it(agreement_site, odd):
    """A named pipe in the template's place is not waited on for ever, and a
    link to itself is not read: both are errors naming the template."""
    agreement_site.write_client("client-a", client_file("Client A", TOKENS["a"], "We wait."))
    template = agreement_site.root / "content" / "agreements" / "mine.md"
    template.unlink()
    odd(template)
    for result in agreement_site.courtside("check"), agreement_site.build():
        out = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in out, out
        assert "agreement template 'mine': cannot read agreement template" in out
        assert "(content/agreements/mine.md)" in out and "[Errno" not in out
    assert not agreement_site.output.exists()
