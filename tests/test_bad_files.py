"""One mistake per file, many files: each is found by ``courtside check`` at
its exact file, line, column and key path, with no traceback. In-process
through ``cli.main``; one real ``courtside check`` process shows the same."""

from __future__ import annotations

import json

import pytest

from helpers import new_site

BASE = """\
name: Beta GmbH
timezone: Europe/Berlin
projects:
  - id: app
    title: App
    token: Zx8qW3rT5yU7iO9pA1sD2f
    start: 2026-11-02
    milestones:
      - id: brief
        title: Brief
        owner: client
        due: 2026-11-30
        done: 2026-11-20
    log:
      - date: 2026-11-02
        by: client
        text: Asked for more.
        change:
          status: approved
          days: 3
    agreement:
      template: short
      signed: 2026-11-01
      terms:
        response_days: {studio: 1, client: 2}
"""


#: A project notice, inserted before the agreement (line 21 on).
NOTICE = """\
    notices:
      - text: Closed over Christmas.
        from: 2026-11-23
        until: 2026-12-23
        kind: warning
    agreement:"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# (case, file text, line, column, key path, words the message must contain)
CASES = [
    ("name is a number", edit("name: Beta GmbH", "name: 123"), 1, 7, "name", "expected text, got 123"),
    ("name missing", edit("name: Beta GmbH\n", ""), 1, 1, "name", "required key is missing"),
    ("top-level typo", edit("name: Beta GmbH", "nmae: Beta GmbH"), 1, 1, "nmae", "unknown key; did you mean name?"),
    ("unknown time zone", edit("Europe/Berlin", "Europe/Berln"), 2, 11, "timezone", "not a known time zone"),
    ("time zone is a region", edit("Europe/Berlin", "Europe"), 2, 11, "timezone", "not a known time zone"),
    ("time zone is a number", edit("timezone: Europe/Berlin", "timezone: 5"), 2, 11, "timezone", "not a known time zone"),
    ("no projects", edit(BASE[BASE.index("  - id: app"):], "").replace("projects:\n", "projects: []\n"), 3, 11, "projects", "needs at least one entry"),
    ("projects is a mapping", "name: B\nprojects:\n  app: 1\n", 3, 3, "projects", "expected a list, got a mapping"),
    ("projects missing", "name: Beta GmbH\n", 1, 1, "projects", "required key is missing"),
    ("project id with capitals", edit("id: app", "id: App"), 4, 9, "projects[0].id", '"App" is not allowed; use lowercase'),
    ("project id starts with hyphen", edit("id: app", "id: -app"), 4, 9, "projects[0].id", "starting with a letter or digit"),
    ("project id missing", edit("  - id: app\n    title: App", "  - title: App"), 4, 5, "projects[0].id", "required key is missing"),
    ("empty title", edit("title: App", "title: ''"), 5, 12, "projects[0].title", "must not be empty"),
    ("short token", edit("Zx8qW3rT5yU7iO9pA1sD2f", "short"), 6, 12, "projects[0].token", "22 to 64 URL-safe characters"),
    ("token with a slash", edit("Zx8qW3rT5yU7iO9pA1sD2f", "Zx8qW3rT5yU7iO9pA1sD/f"), 6, 12, "projects[0].token", "URL-safe"),
    ("token missing", edit("    token: Zx8qW3rT5yU7iO9pA1sD2f\n", ""), 4, 5, "projects[0].token", "required key is missing"),
    ("status misspelt", edit("    start:", "    status: activ\n    start:"), 7, 13, "projects[0].status", "use one of: active, paused, done, archived, draft (did you mean active?)"),
    ("impossible start date", edit("start: 2026-11-02", "start: 2026-11-31"), 7, 12, "projects[0].start", '"2026-11-31" is not a date (use YYYY-MM-DD)'),
    ("start in US order", edit("start: 2026-11-02", "start: 11/02/2026"), 7, 12, "projects[0].start", "is not a date"),
    ("calendar as text", edit("    start:", "    calendar: 'no'\n    start:"), 7, 15, "projects[0].calendar", "expected true or false"),
    ("paused reason is a list", edit("    start:", "    paused_reason: [a]\n    start:"), 7, 20, "projects[0].paused_reason", "expected text, got a list"),
    ("password variable malformed", edit("    start:", "    password_env: 1BAD\n    start:"), 7, 19, "projects[0].password_env", "name an environment variable"),
    ("no milestones", edit(BASE[BASE.index("      - id: brief"):BASE.index("    log:")], "").replace("milestones:\n", "milestones: []\n"), 8, 17, "projects[0].milestones", "needs at least one entry"),
    ("owner key misspelt", edit("owner: client", "ownr: client"), 11, 9, "projects[0].milestones[0].ownr", "unknown key; did you mean owner?"),
    ("agreement date left empty", edit("signed: 2026-11-01", "signed:"), 23, 14, "projects[0].agreement.signed", "nothing is not a date (use YYYY-MM-DD)"),
    ("owner unknown", edit("owner: client", "owner: customer"), 11, 16, "projects[0].milestones[0].owner", "use one of: studio, client"),
    ("month 13", edit("due: 2026-11-30", "due: 2026-13-01"), 12, 14, "projects[0].milestones[0].due", '"2026-13-01" is not a date'),
    ("30 February", edit("due: 2026-11-30", "due: 2026-02-30"), 12, 14, "projects[0].milestones[0].due", '"2026-02-30" is not a date'),
    ("date as a number", edit("due: 2026-11-30", "due: 20261130"), 12, 14, "projects[0].milestones[0].due", "20261130 is not a date"),
    ("time without a date", edit("due: 2026-11-30", "due: 14:00"), 12, 14, "projects[0].milestones[0].due", "14:00 is not a date"),
    ("hour 25", edit("due: 2026-11-30", "due: 2026-11-30 25:00"), 12, 14, "projects[0].milestones[0].due", "is not a date"),
    ("time with an offset", edit("due: 2026-11-30", "due: 2026-11-30T14:00:00+02:00"), 12, 14, "projects[0].milestones[0].due", "local time"),
    ("due missing", edit("        due: 2026-11-30\n", ""), 9, 9, "projects[0].milestones[0].due", "required key is missing"),
    ("done is yes", edit("done: 2026-11-20", "done: yes"), 13, 15, "projects[0].milestones[0].done", "yes is not a date"),
    ("done before the start", edit("done: 2026-11-20", "done: 2026-10-01"), 13, 15, "projects[0].milestones[0].done", "before the project's start"),
    ("milestone id reused", edit("    log:", "      - id: brief\n        title: Second\n        owner: studio\n        due: 2026-12-04\n    log:"), 14, 13, "projects[0].milestones[1].id", "already used by milestones[0]"),
    ("note is a list", edit("        done: 2026-11-20\n", "        done: 2026-11-20\n        note: [a, b]\n"), 14, 15, "projects[0].milestones[0].note", "expected text, got a list"),
    ("title twice", edit("        title: Brief\n", "        title: Brief\n        title: Briefing\n"), 11, 9, "projects[0].milestones[0].title", "duplicate key (first given on line 10)"),
    ("log date missing", edit("      - date: 2026-11-02\n        by: client", "      - by: client"), 15, 9, "projects[0].log[0].date", "required key is missing"),
    ("log by nobody", edit("by: client", "by: nobody"), 16, 13, "projects[0].log[0].by", "use one of: studio, client"),
    ("change status unknown", edit("status: approved", "status: maybe"), 19, 19, "projects[0].log[0].change.status", "use one of: proposed, approved, declined"),
    ("change days fractional", edit("days: 3", "days: 2.5"), 20, 17, "projects[0].log[0].change.days", "expected a whole number, got 2.5"),
    ("change decided while proposed", edit("status: approved\n", "status: proposed\n          decided: 2026-11-03\n"), 20, 20, "projects[0].log[0].change.decided", "a proposed change has no decision yet; remove decided, or set status to approved or declined"),
    ("change decided before proposed", edit("status: approved\n", "status: approved\n          decided: 2026-11-01\n"), 20, 20, "projects[0].log[0].change.decided", "2026-11-01 is before the change was proposed (2026-11-02, the entry's date)"),
    ("change decided after today", edit("status: approved\n", "status: approved\n          decided: 2026-12-01\n"), 20, 20, "projects[0].log[0].change.decided", "2026-12-01 is after today"),
    ("change key unknown", edit("          days: 3\n", "          days: 3\n          budget: 5\n"), 21, 11, "projects[0].log[0].change.budget", "unknown key (allowed here: after, cost, days, decided, status)"),
    ("template missing", edit("template: short", "template: long"), 22, 17, "projects[0].agreement.template", "agreement template 'long': agreement template not found"),
    ("template path escape", edit("template: short", "template: ../../secret"), 22, 17, "projects[0].agreement.template", "name a file in content/agreements/"),
    ("signed impossible", edit("signed: 2026-11-01", "signed: 2026-11-00"), 23, 15, "projects[0].agreement.signed", "is not a date"),
    ("response days for one side", edit("{studio: 1, client: 2}", "{studio: 1}"), 25, 9, "projects[0].agreement.terms.response_days.client", "required key is missing"),
    ("negative grace", edit("        response_days", "        grace_days: {studio: -1, client: 2}\n        response_days"), 25, 30, "projects[0].agreement.terms.grace_days.studio", "-1 must be 0 or more"),
    ("term name with a hyphen", edit("        response_days", "        late-fee: 5%\n        response_days"), 25, 9, "projects[0].agreement.terms.late-fee", "usable as {{ terms.NAME }}"),
    ("term value is a list", edit("        response_days", "        deposit: [1, 2]\n        response_days"), 25, 18, "projects[0].agreement.terms.deposit", "expected text or a number or true or false"),
    ("own term for one side", edit("        response_days", "        revisions: {studio: 2}\n        response_days"), 25, 9, "projects[0].agreement.terms.revisions.client", "required key is missing; a term is text, a number, true or false, or one such value for each party"),
    ("own term for a third side", edit("        response_days", "        revisions: {studio: 2, client: 1, agency: 3}\n        response_days"), 25, 43, "projects[0].agreement.terms.revisions.agency", "unknown key (allowed here: client, studio)"),
    ("placeholder without value", edit("        response_days: {studio: 1, client: 2}\n", "        deposit: 10%\n"), 24, 7, "projects[0].agreement.terms", "no value for {{ terms.response_days.studio }}, which content/agreements/short.md:1 uses"),
    ("contact key misspelt", edit("timezone:", "contact: {phone_number: '1'}\ntimezone:"), 2, 11, "contact.phone_number", "did you mean phone?"),
    ("contact email", edit("timezone:", "contact: {email: nobody}\ntimezone:"), 2, 18, "contact.email", '"nobody" is not allowed; give one plain email address'),
    ("tab indentation", edit("    title: App", "\ttitle: App"), 5, 1, "", "not valid YAML"),
    ("unclosed bracket", "name: [Beta\nprojects: []\n", 2, 9, "", "not valid YAML"),
    ("empty file", "", 1, 1, "", "the file holds no YAML document"),
    ("only a comment", "# nothing yet\n", 1, 1, "", "the file holds no YAML document"),
    ("a list, not a mapping", "- name: Beta\n", 1, 1, "", "expected a mapping of keys to values, got a list"),
    ("a number, not a mapping", "42\n", 1, 1, "", "expected a mapping of keys to values, got 42"),
    ("two documents", BASE + "---\nname: Other\n", 26, 1, "", "not valid YAML: expected a single document"),
    ("python tag", edit("name: Beta GmbH", "name: !!python/object:os.system x"), 1, 7, "name", "unsupported YAML tag !!python/object:os.system"),
    ("merge key", "base: &b {name: Beta}\n<<: *b\nprojects: []\n", 2, 1, "<<", "merge keys (<<) are not supported"),
    ("list as a key", "? [a, b]\n: 1\n", 1, 3, "", "a key must be a plain name"),
    ("unshipped language", edit("timezone:", "language: it\ntimezone:"), 2, 11, "language", '"it" is not a shipped language; use one of: en, de, ru, fr, es'),
    ("unknown regional variant", edit("timezone:", "language: de-XX\ntimezone:"), 2, 11, "language", '"de-XX" is not a known variant of de; write de, or de with a region, such as de-AT'),
    ("language not a tag", edit("timezone:", "language: German\ntimezone:"), 2, 11, "language", "\"German\" is not a shipped language"),
    ("notice kind unknown", edit("    agreement:", NOTICE.replace("kind: warning", "kind: urgent")), 25, 15, "projects[0].notices[0].kind", "use one of: info, warning"),
    ("notice ends before it starts", edit("    agreement:", NOTICE.replace("until: 2026-12-23", "until: 2026-11-20")), 24, 16, "projects[0].notices[0].until", "2026-11-20 is before the notice's first day (2026-11-23)"),
    ("notice text empty", edit("    agreement:", NOTICE.replace("text: Closed over Christmas.", "text: ''")), 22, 15, "projects[0].notices[0].text", "must not be empty"),
    ("notice without from", edit("    agreement:", NOTICE.replace("        from: 2026-11-23\n", "")), 22, 9, "projects[0].notices[0].from", "required key is missing"),
    ("client notice ends before it starts", edit("timezone:", "notices:\n  - {text: Closed., from: 2026-12-24, until: 2026-12-01}\ntimezone:"), 3, 46, "notices[0].until", "is before the notice's first day"),
    ("project's language", edit("    title: App", "    title: App\n    language: xx"), 6, 15, "projects[0].language", '"xx" is not a shipped language; use one of: en, de, ru, fr, es'),
    ("reminder with an unknown unit", edit("timezone: Europe/Berlin", "timezone: Europe/Berlin\nreminders: [2x]"), 3, 13, "reminders[0]", '"2x" is not a reminder; write a number and a unit, such as 2d: w weeks, d days, h hours, m minutes'),
    ("reminders not a list", edit("timezone: Europe/Berlin", "timezone: Europe/Berlin\nreminders: 2d"), 3, 12, "reminders", 'expected a list, got "2d" (text); write a list such as [2d, 1d]'),
    ("reminder after the step", edit("timezone: Europe/Berlin", "timezone: Europe/Berlin\nreminders: [-2d]"), 3, 13, "reminders[0]", '"-2d" would remind after the step is due; a reminder comes before it, so write 2d'),
    ("reminder without a unit", edit("timezone: Europe/Berlin", "timezone: Europe/Berlin\nreminders: [2, 1d]"), 3, 13, "reminders[0]", "2 has no unit; write 2d for 2 days (or 2h, 2w, 2m)"),
    ("reminder given twice", edit("timezone: Europe/Berlin", "timezone: Europe/Berlin\nreminders: [2d, 1d, 2d]"), 3, 21, "reminders[2]", "2d is given twice; give each reminder once, such as [2d, 1d]"),
    ("project reminder the same as another", edit("    start:", "    reminders: [1d, 24h]\n    start:"), 7, 21, "projects[0].reminders[1]", "24h is the same as 1d, given before it; give each reminder once"),
    ("project reminder at the deadline", edit("    start:", "    reminders: [0d]\n    start:"), 7, 17, "projects[0].reminders[0]", '"0d" would remind when the step is due, not before it'),
]


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("bad") / "site", examples=False)
    (site.root / "content" / "agreements" / "short.md").write_text(
        "We answer within {{ terms.response_days.studio | business_days }}.\n", "utf-8")
    return site


def test_the_base_file_is_valid(checker, courtside):
    checker.write_client("beta", BASE)
    result = courtside(checker, "check", "--format", "json", "clients/beta.yaml")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_there_are_at_least_forty_distinct_cases():
    assert len({case[0] for case in CASES}) == len(CASES) >= 40
    assert len({case[1] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("text, line, column, path, words",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_broken_file_is_reported_exactly(checker, courtside, text, line, column, path, words):
    checker.clients.joinpath("beta.yaml").unlink(missing_ok=True)
    checker.write_client("beta", text)
    result = courtside(checker, "check", "--format", "json", "clients/beta.yaml")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    problems = json.loads(result.stdout)
    found = [p for p in problems if p["path"] == path and words in p["message"]]
    assert found, json.dumps(problems, indent=1, ensure_ascii=False)
    assert (found[0]["file"], found[0]["line"], found[0]["column"]) == ("clients/beta.yaml", line, column)
    assert found[0]["severity"] == "error"


def test_a_misspelt_required_key_is_one_problem_not_two(checker, courtside):
    """``ownr: client`` is the owner misspelt: said once, as the unknown key
    that means ``owner``, not a second time as ``owner`` missing."""
    checker.write_client("beta", edit("owner: client", "ownr: client"))
    result = courtside(checker, "check", "--format", "json", "clients/beta.yaml")
    assert result.returncode == 1
    assert [(p["line"], p["path"], p["message"]) for p in json.loads(result.stdout)] == [
        (11, "projects[0].milestones[0].ownr", "unknown key; did you mean owner?")]


@pytest.mark.e2e
def test_the_command_reports_a_broken_file_in_its_own_process(checker):
    name, text, line, column, path, words = next(case for case in CASES if case[0] == "month 13")
    checker.write_client("beta", text)
    result = checker.courtside("check", "--format", "json", "clients/beta.yaml")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    [problem] = [p for p in json.loads(result.stdout) if p["path"] == path]
    assert (problem["line"], problem["column"], problem["severity"]) == (line, column, "error")
    assert words in problem["message"]
