"""A mistake in a client file stops the build with a precise message, no
traceback, and the previous output left alone.

The messages are checked in-process with ``courtside check``, which loads
and checks the files with the build's own loader and prints the lines a
build prints; real builds (``e2e``) show that a build stops on them."""

from __future__ import annotations

import json
import re
import sys

import pytest
import yaml

from helpers import EXAMPLE_TOKENS, tree

GOOD_PROJECT = """\
name: Beta GmbH
projects:
  - id: app
    title: App
    token: Zx8qW3rT5yU7iO9pA1sD2f
    milestones:
      - title: Brief
        owner: client
        due: 2026-11-30
    agreement:
      template: short
      terms:
        response_days: {studio: 1, client: 2}
"""



def assert_clean_failure(result):
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def beta(empty_site):
    (empty_site.root / "content" / "agreements" / "short.md").write_text(
        "We answer within {{ terms.response_days.studio | business_days }}.\n", "utf-8")
    return empty_site


@pytest.mark.parametrize("edit, where, message", [
    (("due: 2026-11-30", "due: 2026-13-01"), ":9:14: projects[0].milestones[0].due",
     '"2026-13-01" is not a date'),
    (("due: 2026-11-30", "due: 2026-02-30"), ":9:14: projects[0].milestones[0].due",
     "is not a date"),
    (("        owner: client", "        ownr: client"), ":8:9: projects[0].milestones[0].ownr",
     "unknown key; did you mean owner?"),
    (("        owner: client", "        owner: customer"), ":8:16: projects[0].milestones[0].owner",
     "use one of: studio, client"),
    (("    title: App\n", "    title: App\n    title: Application\n"), ":5:5: projects[0].title",
     "duplicate key (first given on line 4)"),
    (("  - id: app", "  - id: App_1"), ":3:9: projects[0].id", "lowercase letters"),
    (("token: Zx8qW3rT5yU7iO9pA1sD2f", "token: tooshort"), ":5:12: projects[0].token",
     "22 to 64 URL-safe characters"),
    (("name: Beta GmbH\n", ""), ":1:1: name", "required key is missing"),
    (("      template: short", "      template: long"), ":11:17: projects[0].agreement.template",
     "agreement template 'long': agreement template not found"),
    (("due: 2026-11-30", "due: 20261130"), ":9:14: projects[0].milestones[0].due",
     "20261130 is not a date"),
])
def test_a_mistake_is_reported_at_its_file_line_and_key(beta, courtside, edit, where, message):
    beta.write_client("beta", GOOD_PROJECT.replace(*edit))
    result = courtside(beta, "check")
    assert_clean_failure(result)
    assert f"clients/beta.yaml{where}: " in result.stdout, result.stdout
    line = next(text for text in result.stdout.splitlines() if where in text)
    assert message in line


@pytest.mark.e2e
def test_a_good_file_builds(beta):
    beta.write_client("beta", GOOD_PROJECT)
    result = beta.build()
    assert result.returncode == 0, result.stderr
    assert "We answer within" in beta.portal_file("Zx8qW3rT5yU7iO9pA1sD2f").read_text("utf-8")


def test_every_error_in_every_file_is_checked_in_one_run(beta, courtside):
    beta.write_client("beta", GOOD_PROJECT.replace("owner: client", "ownr: client")
                      .replace("due: 2026-11-30", "due: 2026-11-31"))
    beta.write_client("gamma", GOOD_PROJECT.replace("Zx8qW3rT5yU7iO9pA1sD2f", "Gq8qW3rT5yU7iO9pA1sD2f")
                      .replace("due: 2026-11-30", "due: soon"))
    result = courtside(beta, "check")
    assert_clean_failure(result)
    problems = [text for text in result.stdout.splitlines() if text.startswith("clients/")]
    assert [p.split(":")[0] for p in problems] == ["clients/beta.yaml", "clients/beta.yaml",
                                                   "clients/gamma.yaml"]
    assert result.stdout.splitlines()[-1] == "courtside: 2 client files checked: 3 errors, 0 warnings"


@pytest.mark.e2e
def test_every_error_in_every_file_is_reported_in_one_run(beta):
    beta.write_client("beta", GOOD_PROJECT.replace("owner: client", "ownr: client")
                      .replace("due: 2026-11-30", "due: 2026-11-31"))
    beta.write_client("gamma", GOOD_PROJECT.replace("Zx8qW3rT5yU7iO9pA1sD2f", "Gq8qW3rT5yU7iO9pA1sD2f")
                      .replace("due: 2026-11-30", "due: soon"))
    result = beta.build()
    assert_clean_failure(result)
    problems = [text for text in result.stderr.splitlines() if text.startswith("clients/")]
    assert [p.split(":")[0] for p in problems] == ["clients/beta.yaml", "clients/beta.yaml",
                                                   "clients/gamma.yaml"]
    assert "2 errors" not in result.stdout  # three: a misspelt key, two bad dates
    assert "3 errors in the client files" in " ".join(result.stdout.split())


def test_an_unknown_placeholder_names_the_template_and_the_name(beta, courtside):
    (beta.root / "content" / "agreements" / "short.md").write_text(
        "Intro.\n\nDeposit: {{ terms.deposit }}.\n", "utf-8")
    beta.write_client("beta", GOOD_PROJECT)
    result = courtside(beta, "check")
    assert_clean_failure(result)
    assert re.search(r"clients/beta\.yaml:12:7: projects\[0\]\.agreement\.terms: "
                     r"no value for \{\{ terms\.deposit \}\}, which "
                     r"content/agreements/short\.md:3 uses", result.stdout), result.stdout


def test_a_token_used_twice_is_an_error_naming_both_places(beta, courtside):
    beta.write_client("beta", GOOD_PROJECT)
    beta.write_client("gamma", GOOD_PROJECT)
    result = courtside(beta, "check")
    assert_clean_failure(result)
    assert "clients/gamma.yaml:5:12: projects[0].token: this token is already used by " \
           "clients/beta.yaml:5" in result.stdout


def test_a_milestone_id_used_twice_is_an_error(beta, courtside):
    beta.write_client("beta", GOOD_PROJECT.replace("    agreement:", """\
      - title: Brief
        owner: studio
        due: 2026-12-04
    agreement:"""))
    result = courtside(beta, "check")
    assert_clean_failure(result)
    assert "projects[0].milestones[1].title: milestone id 'brief' is already used by " \
           "milestones[0] (ids default to the title; give this one an id)" in result.stdout


@pytest.mark.parametrize("text, message", [
    ("name: [unclosed\n", "not valid YAML"),
    ("", "the file holds no YAML document"),
    ("- just\n- a list\n", "expected a mapping of keys to values, got a list"),
    ("name: A\n\tprojects: []\n", "not valid YAML"),
    ("name: !!python/object:os.system x\nprojects: []\n", "unsupported YAML tag"),
])
def test_broken_yaml_is_an_error_not_a_traceback(beta, courtside, text, message):
    beta.write_client("beta", text)
    result = courtside(beta, "check")
    assert_clean_failure(result)
    assert message in result.stdout and "clients/beta.yaml:" in result.stdout


@pytest.mark.e2e
def test_a_failed_build_leaves_the_previous_output_exactly_as_it_was(site):
    # publishconf.py empties the output folder before building; a client
    # mistake must be found before that happens.
    first = site.build("publishconf.py", env={"SITEURL": "https://portals.example"})
    assert first.returncode == 0, first.stderr
    before, beside = tree(site.output), sorted(p.name for p in site.root.iterdir())
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace("due: 2026-11-06", "due: 2026-11-31"), "utf-8")
    second = site.build("publishconf.py", env={"SITEURL": "https://portals.example"})
    assert_clean_failure(second)
    assert "clients/acme.yaml:" in second.stderr
    assert tree(site.output) == before
    assert site.portal_file(EXAMPLE_TOKENS["acme", "website-redesign"]).exists()
    # The pages built before the mistake was found are not left lying around.
    assert sorted(p.name for p in site.root.iterdir()) == beside


def test_wrong_settings_are_checked_up_front(site, courtside):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text("utf-8").replace('"timezone": "Europe/Berlin",',
                                                    '"timezone": "Europe/Berlni", "studios": 1,'))
    result = courtside(site, "check")
    assert_clean_failure(result)
    assert 'settings: COURTSIDE.timezone: "Europe/Berlni" is not a known time zone' in result.stdout
    assert "settings: COURTSIDE.studios: unknown key; did you mean studio?" in result.stdout


@pytest.mark.e2e
def test_wrong_settings_are_reported_up_front(site):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text("utf-8").replace('"timezone": "Europe/Berlin",',
                                                    '"timezone": "Europe/Berlni", "studios": 1,'))
    result = site.build()
    assert_clean_failure(result)
    assert 'settings: COURTSIDE.timezone: "Europe/Berlni" is not a known time zone' in result.stderr
    assert "settings: COURTSIDE.studios: unknown key; did you mean studio?" in result.stderr
    assert not site.output.exists()


WARNED = GOOD_PROJECT.replace("""        due: 2026-11-30
""", """        due: 2026-11-30
      - title: Sign-off
        owner: client
        due: 2026-11-20
      - title: Launch
        owner: studio
        due: 2062-12-01
""")


@pytest.mark.e2e
def test_warnings_print_but_do_not_fail_the_build(beta):
    beta.write_client("beta", WARNED)
    result = beta.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("warning: clients/beta.yaml:12:14: projects[0].milestones[1].due: due 2026-11-20, "
            "before the milestone listed above it (2026-11-30)") in result.stderr
    assert ("warning: clients/beta.yaml:15:14: projects[0].milestones[2].due: due 2062-12-01, "
            "more than two years from the project's first date") in result.stderr
    assert beta.portal_file("Zx8qW3rT5yU7iO9pA1sD2f").exists()


@pytest.mark.e2e
def test_fatal_warnings_fail_the_build_before_output_is_touched(beta):
    beta.write_client("beta", GOOD_PROJECT)
    assert beta.build().returncode == 0
    before = tree(beta.output)
    beta.write_client("beta", WARNED)
    result = beta.run(sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "--fatal", "warnings")
    assert_clean_failure(result)
    assert "clients/beta.yaml:12:14: projects[0].milestones[1].due: due 2026-11-20" in result.stderr
    assert tree(beta.output) == before


def test_check_reports_warnings_and_fails_on_them_only_when_asked(beta, courtside):
    beta.write_client("beta", WARNED)
    plain = courtside(beta, "check")
    assert plain.returncode == 0
    assert plain.stdout.splitlines()[-1] == "courtside: 1 client file checked: 0 errors, 2 warnings"
    assert ("warning: clients/beta.yaml:12:14: projects[0].milestones[1].due: due 2026-11-20, "
            "before the milestone listed above it (2026-11-30)") in plain.stdout
    assert ("warning: clients/beta.yaml:15:14: projects[0].milestones[2].due: due 2062-12-01, "
            "more than two years from the project's first date") in plain.stdout
    as_json = json.loads(courtside(beta, "check", "--format", "json").stdout)
    assert [(p["line"], p["column"], p["severity"]) for p in as_json] == [
        (12, 14, "warning"), (15, 14, "warning")]
    assert courtside(beta, "check", "--fatal", "warnings").returncode == 1


def test_a_nonexistent_local_time_is_a_warning(beta, courtside):
    beta.write_client("beta", GOOD_PROJECT.replace("due: 2026-11-30", "due: 2027-03-28 02:30")
                      .replace("    title: App\n", "    title: App\n    start: 2027-03-01\n"))
    result = courtside(beta, "check", "--format", "json")
    [warning] = json.loads(result.stdout)
    assert warning["severity"] == "warning" and warning["path"] == "projects[0].milestones[0].due"
    assert "02:30 does not exist on 2027-03-28 in Europe/Berlin" in warning["message"]


def test_check_without_problems(site, courtside):
    result = courtside(site, "check")
    assert (result.returncode, result.stdout) == (0, "courtside: 3 client files checked: no problems\n")


def test_every_client_file_names_the_schema_for_editors_and_passes_it(tmp_path):
    # The tests' example site, the studio's own clients/ (whatever it holds,
    # none included), and a file `courtside new` writes.
    import datetime as dt

    import jsonschema

    from courtside.edit import new_client
    from courtside.schema import client_schema
    from helpers import EXAMPLE_SITE, REPO

    schema = client_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    (tmp_path / "plugins").symlink_to(REPO / "plugins")
    made, _ = new_client(tmp_path / "clients", "zeta", "Zeta & Co", project_id="site", title="Site",
                         today=dt.date(2026, 11, 23),
                         schema=tmp_path / "plugins" / "courtside" / "client.schema.json")
    paths = [*sorted((EXAMPLE_SITE / "clients").glob("*.yaml")),
             *sorted((REPO / "clients").glob("*.yaml")), made]
    assert len(paths) >= 4
    # Each names the schema where a site keeps it, beside clients/.
    assert (made.parent / "../plugins/courtside/client.schema.json").resolve().is_file()
    for path in paths:
        first = path.read_text("utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../plugins/courtside/client.schema.json"
        # The editor's view: YAML as an editor's language server reads it
        # (dates as text), checked by the plain schema, no Courtside code.
        data = yaml.load(path.read_text("utf-8"), Loader=TextDatesLoader)
        jsonschema.Draft202012Validator(schema).validate(data)


class TextDatesLoader(yaml.SafeLoader):
    """YAML 1.2 as editors read it: a date is text."""


TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def test_a_raw_control_character_is_named_at_its_line_in_one_line(empty_site, courtside):
    """Typed into a comment, where YAML forbids it too: `check` named line 1,
    column 1 and added the parser's own second line ('in "<unicode string>",
    position 78')."""
    empty_site.write_client("acme", "name: Acme\n# Bell\x07 & Co\nprojects: []\n")
    result = courtside(empty_site, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "clients/acme.yaml:2:7: not valid YAML: control characters are not allowed (U+0007); "
        "remove it or retype the text")


@pytest.mark.parametrize("name, newline", [("Bäckerei Größe Süßwaren Grüße Straße Öfen", "\n"),
                                           ("Пекарня Иванова и сыновья", "\n"),
                                           ("Acme", "\r")], ids=["umlauts", "cyrillic", "old-mac"])
def test_a_raw_control_character_is_named_at_its_line_in_any_file(empty_site, courtside,
                                                                   name, newline):
    """The parser's C reader counts the position in UTF-8 bytes, so a German
    or Russian name above the bell moved it to a later line (3:6, 4:6); and
    a file with old Mac line ends (a CR alone, which YAML and the commands
    read) had every one named at line 1."""
    empty_site.write_client("acme", newline.join([f"name: {name}", "# Bell\x07 & Co",
                                                 "projects: []", ""]))
    result = courtside(empty_site, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "clients/acme.yaml:2:7: not valid YAML: control characters are not allowed (U+0007); "
        "remove it or retype the text")


@pytest.mark.parametrize("escape", ["\\uFFFF", "\\uFFFE"])
def test_an_escaped_non_character_is_an_error_at_its_line(tmp_path, escape):
    """Written as an escape ('"Web\\uFFFF"'), a non-character passed `check`,
    and the build wrote an Atom feed no XML parser reads (U+FFFE and U+FFFF
    are no XML characters; half a surrogate pair YAML refuses itself)."""
    from courtside.loader import load_client

    path = tmp_path / "acme.yaml"
    path.write_text(f'name: Acme\nprojects:\n  - id: web\n    title: "Web{escape}"\n'
                    "    token: ControlCharTokenAbcdef\n    milestones:\n"
                    "      - {id: a, title: A, owner: client, due: 2026-11-20}\n", "utf-8")
    client, _, problems = load_client(path, "Europe/Berlin")
    assert client is None
    assert [(p.line, p.path) for p in problems] == [(4, "projects[0].title")]
    assert f"holds U+{escape[2:].upper()}, " in problems[0].message


def test_a_control_character_is_an_error_at_its_line_not_a_crashed_build(tmp_path):
    # Word's line break (U+000B) pasted into a title: no page or feed (XML) can carry it.
    from courtside.loader import load_client
    from courtside.problems import CourtsideError
    from courtside.settings import courtside_settings

    path = tmp_path / "acme.yaml"
    path.write_text("name: Acme\nprojects:\n  - id: web\n    title: \"Web\\vsite\"\n"
                    "    token: ControlCharTokenAbcdef\n    milestones:\n"
                    "      - {id: a, title: A, owner: client, due: 2026-11-20}\n", "utf-8")
    client, _, problems = load_client(path, "Europe/Berlin")
    assert client is None
    assert [(p.line, p.path) for p in problems] == [(4, "projects[0].title")]
    assert "control character (U+000B" in problems[0].message
    with pytest.raises(CourtsideError) as raised:
        courtside_settings({"PATH": "content", "COURTSIDE": {"studio": {"name": "Studio\x0c"}}})
    assert [p.path for p in raised.value.problems] == ["COURTSIDE.studio.name"]
