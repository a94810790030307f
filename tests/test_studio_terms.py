"""Standard terms set once: the studio's default terms (COURTSIDE["terms"])
under each project's, key by key; where each term comes from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from courtside.loader import load_portfolio
from courtside.model import merged_terms, term_sources
from courtside.problems import CourtsideError
from courtside.settings import CourtsideSettings, courtside_settings
from helpers import EXAMPLE_SITE, EXAMPLE_TOKENS, text_of

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "courtside"
DEFAULTS = {"deposit": "30%", "payment_days": 30, "grace_days": {"studio": 5, "client": 10}}

CLIENT = """\
name: Acme
projects:
  - id: web
    title: Website
    token: AcmeWebTokenAbcdefgh01
    agreement:
      terms:
        response_days: {studio: 1, client: 3}
        grace_days: {studio: 3, client: 10}
        consequences: {studio: A discount., client: The project pauses.}
        payment_days: 14
    milestones:
      - {id: content, title: Content, owner: client, due: 2026-11-20}
"""


def test_a_projects_terms_win_key_by_key_over_the_studios():
    assert merged_terms(DEFAULTS, {"payment_days": 14, "grace_days": {"studio": 3}}) == {
        "deposit": "30%", "payment_days": 14, "grace_days": {"studio": 3, "client": 10}}
    assert merged_terms({}, {"a": 1}) == {"a": 1} and merged_terms({"a": 1}, {}) == {"a": 1}
    assert term_sources(DEFAULTS, {"payment_days": 14, "grace_days": {"studio": 3}}) == [
        (("deposit",), "30%", False), (("payment_days",), 14, True),
        (("grace_days", "studio"), 3, True), (("grace_days", "client"), 10, False)]


def portfolio(tmp_path: Path, terms: dict):
    agreements = tmp_path / "agreements"
    shutil.copytree(EXAMPLE_SITE / "content" / "agreements", agreements)
    clients = tmp_path / "clients"
    clients.mkdir()
    (clients / "acme.yaml").write_text(CLIENT, "utf-8")
    options = CourtsideSettings(studio={"name": "Studio"}, timezone="Europe/Berlin",
                                clients_folder=clients, agreements_folder=agreements, siteurl="",
                                terms=terms)
    return load_portfolio(options)


def test_a_term_missing_from_the_file_comes_from_the_studio(tmp_path):
    loaded, problems = portfolio(tmp_path, DEFAULTS)
    assert [p for p in problems if p.severity == "error"] == []
    terms = loaded.clients[0].projects[0].agreement.terms
    assert terms["deposit"] == "30%" and terms["payment_days"] == 14
    assert terms["grace_days"] == {"studio": 3, "client": 10}


def test_without_the_studios_default_the_missing_term_is_still_an_error(tmp_path):
    _, problems = portfolio(tmp_path / "none", {})
    assert any("deposit" in p.message and p.severity == "error" for p in problems)


def test_the_studios_terms_are_checked_as_a_client_files_are():
    with pytest.raises(CourtsideError) as raised:
        courtside_settings({"PATH": "content", "COURTSIDE": {
            "studio": {"name": "S"}, "terms": {"grace_days": {"studio": -1, "client": 2}}}})
    assert [p.path for p in raised.value.problems] == ["COURTSIDE.terms.grace_days.studio"]


def test_the_settings_schema_terms_are_the_client_schemas():
    client = json.loads((PLUGIN / "client.schema.json").read_text("utf-8"))
    settings = json.loads((PLUGIN / "settings.schema.json").read_text("utf-8"))
    assert settings["$defs"]["terms"] == client["$defs"]["agreement"]["properties"]["terms"]
    for name in ("days_per_party", "days", "text", "reminder", "term", "term_value"):
        assert settings["$defs"][name] == client["$defs"][name]


def test_check_explains_where_each_term_comes_from(site, courtside):
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8")
                        + '\nCOURTSIDE["terms"] = {"deposit": "30%", "payment_days": 30}\n', "utf-8")
    client = site.clients / "acme.yaml"
    client.write_text(client.read_text("utf-8").replace("        deposit: 50%\n", ""), "utf-8")
    result = courtside(site, "check", "--explain-terms", "acme", "website-redesign")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "terms.deposit: 30%    (settings: COURTSIDE.terms)" in lines
    assert any(line.startswith("terms.payment_days: 14    (clients/acme.yaml:") for line in lines)
    wrong = courtside(site, "check", "--explain-terms", "acme", "nope")
    assert wrong.returncode == 1 and "website-redesign" in wrong.stderr


# --- terms of the studio's own naming, per party ----------------------------------------------

PER_PARTY = "Revision rounds: {{ terms.revisions.studio }} from us, {{ terms.revisions.client }} " \
    "of yours. Kick-off: {{ terms.kickoff.studio }}.\n"


def per_party_site(site, template: str = PER_PARTY):
    (site.root / "content" / "agreements" / "rounds.md").write_text(template, "utf-8")
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8") + '\nCOURTSIDE["terms"] = '
                        '{"kickoff": {"studio": "in Berlin", "client": "in Hamburg"}}\n', "utf-8")
    client = site.clients / "acme.yaml"
    text = client.read_text("utf-8")
    client.write_text(text.replace("      terms:\n", "      template: rounds\n      terms:\n", 1)
                      .replace("        deposit: 50%\n", "        deposit: 50%\n"
                               "        revisions: {studio: 3, client: 2}\n", 1), "utf-8")
    return site


def test_any_term_may_be_one_value_for_each_party(site, courtside):
    per_party_site(site)
    result = courtside(site, "check", "clients/acme.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    explained = courtside(site, "check", "--explain-terms", "acme", "website-redesign").stdout
    lines = explained.splitlines()
    assert any(line.startswith("terms.revisions.studio: 3    (clients/acme.yaml:") for line in lines)
    assert any(line.startswith("terms.revisions.client: 2    (clients/acme.yaml:") for line in lines)
    assert "terms.kickoff.studio: in Berlin    (settings: COURTSIDE.terms)" in lines


@pytest.mark.e2e
def test_the_agreement_reads_each_partys_value(site):
    per_party_site(site)
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    agreement = site.portal(EXAMPLE_TOKENS["acme", "website-redesign"]).select_one(
        "section.agreement")
    assert "Revision rounds: 3 from us, 2 of yours. Kick-off: in Berlin." in text_of(agreement)


def test_a_per_party_term_written_whole_is_an_error_at_its_line(site, courtside):
    per_party_site(site, "Revision rounds: {{ terms.revisions }}.\n"
                         "{% if terms.revisions %}Counted per side.{% endif %}\n")
    result = courtside(site, "check", "--format", "json", "clients/acme.yaml")
    assert result.returncode == 1
    [problem] = json.loads(result.stdout)
    line = next(number for number, text in enumerate(
        (site.clients / "acme.yaml").read_text("utf-8").splitlines(), 1) if "revisions:" in text)
    assert (problem["line"], problem["path"]) == (
        line, "projects[0].agreement.terms.revisions")
    # Only what the template writes: testing the term (the {% if %}) is fine.
    assert problem["message"] == (
        "terms.revisions has a value for each party, and content/agreements/rounds.md:1 writes "
        "it whole; write {{ terms.revisions.studio }} or {{ terms.revisions.client }} there")
