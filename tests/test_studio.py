"""The studio's side: the dashboard, the combined calendars, `courtside
status` and the build's closing line, on the examples as of Mon 23 Nov 2026.
The dashboard and feeds from real builds (``e2e``); the commands and the
settings' checks in-process through ``cli.main``."""

from __future__ import annotations

import json
import re
import sys

import icalendar
import pytest
from bs4 import BeautifulSoup
from rich.cells import cell_len

from helpers import EXAMPLE_TOKENS, REPO, STUDIO_TOKEN, assert_no_leaks, text_of

#: Most urgent first: past grace; overdue (the studio's own); due soon; on
#: time; paused; complete.
EXPECTED_ORDER = [
    ("acme", "website-redesign"),
    ("harbor", "office-signage"),
    ("mueller", "newsletter"),
    ("mueller", "online-shop"),
    ("harbor", "annual-report"),
    ("harbor", "podcast-site"),
]


@pytest.mark.e2e
def test_the_dashboard_lists_every_project_most_urgent_first(examples):
    from bs4 import BeautifulSoup

    folder = examples.output / "studio" / STUDIO_TOKEN
    page = BeautifulSoup((folder / "index.html").read_text("utf-8"), "html.parser")
    links = [a["href"] for a in page.select("table.dashboard tbody th a")]
    assert links == [f"../../p/{EXAMPLE_TOKENS[key]}/" for key in EXPECTED_ORDER]
    rows = [[text_of(cell) for cell in row.find_all(["th", "td"])]
            for row in page.select("table.dashboard tbody tr")]
    assert rows[0] == ["Website redesign Acme Corp Warning (until Thu 26 Nov 2026): The preview "
                       "site is offline on Thu 26 Nov from 8:00 to 12:00 while we move it.", "Acme Corp", "13 business days",
                       # Overdue against the date the studio's late concepts moved it to.
                       "Content and brand assets due Tue 10 Nov 2026, moved from Fri 6 Nov 2026",
                       "overdue by 8 business days, past grace",
                       "Build and first review Northwind Studio, Fri 4 Dec 2026",
                       "Mon 28 Dec 2026 +11 business days",
                       "“Would like a German version of the whol…” "
                       "+10 business days, €2,400; 4 business days ago"]
    assert rows[1][1:5] == ["Northwind Studio", "12 business days",
                            "Sign drafts due Thu 19 Nov 2026", "overdue by 2 business days"]
    assert rows[1][6] == "Tue 1 Dec 2026 +2 business days"  # the studio's own delay
    assert rows[2][4] == "due soon: 2 business days left"  # as the page says it
    assert rows[3][6] == "Wed 16 Dec 2026 +3 business days"  # an approved change moves it
    assert rows[4][4] == "paused" and rows[5][4] == "complete"
    assert rows[4][6] == rows[5][6] == "—"  # nothing is forecast while paused, or once done
    counts = {li.strong["data-count"]: int(li.strong.get_text()) for li in page.select(".counts li")}
    assert counts == {"waiting_on_clients": 2, "waiting_on_studio": 2, "overdue": 2, "past_grace": 1,
                      "decisions": 1}
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert page.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer"


def feed_uids(path):
    return [str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")]


@pytest.mark.e2e
def test_the_combined_calendar_holds_every_milestone_with_the_project_feeds_uids(examples):
    folder = examples.output / "studio" / STUDIO_TOKEN
    combined = icalendar.Calendar.from_ical((folder / "calendar.ics").read_bytes())
    project_uids = [uid for feed in sorted(examples.output.glob("p/*/calendar.ics"))
                    for uid in feed_uids(feed)]
    uids = [str(e["UID"]) for e in combined.walk("VEVENT")]
    assert sorted(uids) == sorted(project_uids) and len(uids) == len(set(uids)) == 20
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in combined.walk("VEVENT")}
    assert summaries["acme.website-redesign.content@courtside"] == \
        "Acme Corp · Acme Corp: Content and brand assets"
    assert summaries["harbor.office-signage.drafts@courtside"] == \
        "Harbor & Finch Ltd · Northwind Studio: Sign drafts"
    assert summaries["acme.website-redesign.kickoff@courtside"].startswith("✓ Acme Corp · ")
    ours = icalendar.Calendar.from_ical((folder / "studio-steps.ics").read_bytes())
    assert ours.walk("VEVENT") and all(
        "· Northwind Studio: " in str(e["SUMMARY"]) for e in ours.walk("VEVENT"))
    assert len(ours.walk("VEVENT")) == sum(": " in s and "Northwind Studio:" in s
                                           for s in summaries.values())


@pytest.mark.e2e
def test_the_build_ends_with_a_summary_line(site):
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert ("Courtside: 6 portals for 3 clients; 2 waiting on clients (1 past grace), "
            "2 waiting on the studio (1 overdue); 1 decision waiting on clients"
            ) in result.stdout.splitlines()


@pytest.mark.parametrize("filters, expected", [
    ([], EXPECTED_ORDER),
    (["--owner", "studio"], [("harbor", "office-signage"), ("mueller", "online-shop")]),
    (["--owner", "client"], [("acme", "website-redesign"), ("mueller", "newsletter")]),
    (["--overdue"], [("acme", "website-redesign"), ("harbor", "office-signage")]),
    (["--client", "harbor"], [("harbor", "office-signage"), ("harbor", "annual-report"),
                              ("harbor", "podcast-site")]),
    (["--owner", "client", "--overdue"], [("acme", "website-redesign")]),
])
def test_status_json_with_each_filter(site, courtside, filters, expected):
    result = courtside(site, "status", "--json", *filters)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["client"], r["project"]) for r in rows] == expected
    if not filters:
        assert rows[0] == {
            "client": "acme", "client_name": "Acme Corp", "project": "website-redesign",
            "title": "Website redesign", "draft": False,
            "url": f"p/{EXAMPLE_TOKENS['acme', 'website-redesign']}/",
            "phase": "active", "ball": "client", "since": "2026-11-03", "waiting_days": 13,
            "current_step": "Content and brand assets", "current_due": "2026-11-06",
            "current_due_moved_to": "2026-11-10",
            "due_state": "past_grace", "days": 8, "past_grace": True,
            "next_milestone": "Build and first review", "next_due": "2026-12-04",
            "open_changes": 1, "expected_end": "2026-12-28", "end_slip_days": 11, "moved_last_30_days": 0,
            "decisions_waiting": [{
                "text": "Would like a German version of the whole site.",
                "proposed": "2026-11-16", "days": 10, "cost": "€2,400", "waiting_days": 4,
                "response_days": 2, "overdue": True}]}
        paused, complete = rows[-2:]
        assert paused["expected_end"] is complete["expected_end"] is None


@pytest.mark.parametrize("filters, sentence", [
    (["--overdue"], "No portal is overdue."),
    (["--overdue", "--owner", "client"], "No portal waiting on a client is overdue."),
    (["--owner", "studio"], "No portal is waiting on the studio."),
    (["--client", "acme", "--overdue"], "acme: No portal is overdue."),
])
def test_status_with_no_match_says_so_in_a_sentence(site, courtside, filters, sentence):
    """One project, on time and waiting on its client."""
    for name in ("acme", "harbor", "mueller"):
        (site.clients / f"{name}.yaml").unlink()
    site.write_client("calm", """\
        name: Calm Ltd
        projects:
          - id: site
            title: Site
            token: Calm0Site0Token0Abcdefg
            agreement: {template: plain}
            milestones:
              - {title: Brief, owner: client, due: 2026-12-01}
        """)
    (site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")
    result = courtside(site, "status", *filters)
    assert result.returncode == 0, result.stderr
    assert result.stdout == sentence + "\n"


def test_status_with_no_match_speaks_the_studios_language(empty_site, courtside):
    settings = empty_site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8").replace(
        '"studio": {', '"studio": {"language": "de", ', 1), "utf-8")
    assert courtside(empty_site, "status", "--overdue").stdout == "Kein Portal ist überfällig.\n"


def test_status_as_a_table_is_plain_text_when_piped(site, courtside):
    result = courtside(site, "status")
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Client", "Project", "Ball", "Waiting", "Current", "step",
                                "State", "Next", "Expected", "end", "Decisions", "Moved"]
    assert lines[1].startswith("Acme Corp") and "past grace" in lines[1]
    assert "28 Dec 2026 (+11)" in lines[1]
    assert "(6 Nov → 10" in lines[1]  # "10 Nov", folded: the date "overdue by 8" counts from


def test_a_project_marked_done_with_steps_left_open_has_no_next_step(site, courtside):
    # Acme's redesign is marked done while Content, Build and Launch review
    # are open: status said it was complete and, next to it, that Build and
    # first review came next, on Fri 4 Dec.
    acme = site.root / "clients" / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace(
        "    start: 2026-10-20\n", "    start: 2026-10-20\n    status: done\n", 1), "utf-8")
    [row] = [r for r in json.loads(courtside(site, "status", "--json").stdout)
             if r["project"] == "website-redesign"]
    assert (row["phase"], row["current_step"], row["current_due_moved_to"]) == ("complete", None, None)
    assert (row["next_milestone"], row["next_due"], row["expected_end"]) == (None, None, None)
    [line] = [line for line in courtside(site, "status").stdout.splitlines() if "Website redesign" in line]
    assert "complete" in line and "Build" not in line


@pytest.mark.e2e
def test_no_dashboard_without_a_token_and_a_new_token_replaces_the_old(site):
    conf = site.root / "pelicanconf.py"
    text = conf.read_text("utf-8")
    conf.write_text(text.replace(f'"studio_token": "{STUDIO_TOKEN}",', ""), "utf-8")
    assert site.build().returncode == 0
    assert not (site.output / "studio").exists()
    conf.write_text(text, "utf-8")
    assert site.build().returncode == 0
    assert (site.output / "studio" / STUDIO_TOKEN / "index.html").exists()
    new = "Nw7fKp2QxZ9rTb4LmC8vHd"
    result = site.build(env={"COURTSIDE_STUDIO_TOKEN": new})  # the environment wins
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site.output / "studio").iterdir()) == [new, "index.html"]
    assert_no_leaks(site.output, studio_token=new)


@pytest.mark.parametrize("token, words", [
    ("short", "a token is 22 to 64 URL-safe characters"),
    ("aaaaaaaaaaaaaaaaaaaaaaaa", "does not look random"),
])
def test_a_weak_studio_token_is_refused(site, courtside, token, words):
    result = courtside(site, "check", env={"COURTSIDE_STUDIO_TOKEN": token})
    assert result.returncode == 1
    assert f"settings: COURTSIDE_STUDIO_TOKEN: {words}" in result.stdout
    assert "make one with: courtside token" in result.stdout


@pytest.mark.e2e
def test_a_weak_studio_token_stops_the_build(site):
    result = site.build(env={"COURTSIDE_STUDIO_TOKEN": "short"})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "settings: COURTSIDE_STUDIO_TOKEN: a token is 22 to 64 URL-safe characters" in result.stderr
    assert "make one with: courtside token" in result.stderr


def test_the_studio_token_must_differ_from_every_portal_token(site, courtside):
    token = EXAMPLE_TOKENS["acme", "website-redesign"]
    result = courtside(site, "check", env={"COURTSIDE_STUDIO_TOKEN": token})
    assert result.returncode == 1
    assert "projects[0].token: this token is already used by the studio dashboard" in result.stdout


@pytest.mark.e2e
def test_a_build_refuses_a_studio_token_a_portal_uses(site):
    # The build checks each file on its own, and the tokens across files after.
    token = EXAMPLE_TOKENS["acme", "website-redesign"]
    result = site.build(env={"COURTSIDE_STUDIO_TOKEN": token})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "projects[0].token: this token is already used by the studio dashboard" in result.stderr


def test_courtside_token_prints_a_fresh_strong_token(site, courtside):
    tokens = {courtside(site, "token").stdout.strip() for _ in range(3)}
    assert len(tokens) == 3
    from courtside.tokens import token_problem
    assert all(token_problem(t) is None and len(t) == 22 for t in tokens)


def test_status_never_passes_an_escape_sequence_to_the_terminal(empty_site, courtside):
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")
    empty_site.write_client("ansi", """\
        name: "Ansi \\e[31mRED\\e[0m \\e]8;;https://evil.example\\e\\\\link\\e]8;;\\e\\\\ Co"
        projects:
          - id: p
            title: "[bold]Plain[/bold]"
            token: Ans1EscapeTest0Token1Ab
            agreement: {template: plain}
            milestones:
              - {title: Brief, owner: client, due: 2026-12-01}
        """)
    # A control character is an error in a client file now (no page or feed can
    # carry one); the message names it and obeys nothing.
    result = courtside(empty_site, "status")
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr
    assert "clients/ansi.yaml:1:7: name: holds a control character (U+001B" in result.stderr
    # Markup-like text is still shown as written.
    client = empty_site.clients / "ansi.yaml"
    client.write_text(client.read_text("utf-8").replace("\\e", ""), "utf-8")
    shown = courtside(empty_site, "status")
    assert shown.returncode == 0, shown.stderr
    assert "[bold]Plain[/bold]" in shown.stdout


@pytest.mark.e2e
def test_a_production_build_takes_the_dashboard_token_from_the_environment_only(site):
    """The sample settings name a token; it is in every clone of the
    repository, so production publishes no dashboard at it."""
    built = site.build("publishconf.py", env={"SITEURL": "https://portals.example"})
    assert built.returncode == 0, built.stderr
    assert not (site.output / "studio").exists()
    fresh = "Pr0dDashb0ardT0kenAbcd"
    again = site.build("publishconf.py", env={"SITEURL": "https://portals.example",
                                              "COURTSIDE_STUDIO_TOKEN": fresh})
    assert again.returncode == 0, again.stderr
    assert [p.name for p in (site.output / "studio").iterdir() if p.is_dir()] == [fresh]


def in_german(site) -> None:
    """The studio's own side in German; its clients keep their languages."""
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8")
                        + '\nCOURTSIDE["studio"] = {**COURTSIDE["studio"], "language": "de"}\n', "utf-8")


@pytest.mark.e2e
def test_the_studios_side_speaks_the_studios_language(site):
    in_german(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    # Counted as a label's number, so that one reads as well as two: not "1 warten".
    assert ("Courtside: 6 Portale für 3 Kunden; warten auf Kunden: 2 (nach Ablauf der "
            "Kulanzfrist: 1), warten auf das Studio: 2 (überfällig: 1); 1 Entscheidung wartet "
            "auf Kunden") in result.stdout.splitlines()
    dashboard = site.output / "studio" / STUDIO_TOKEN / "index.html"
    page = BeautifulSoup(dashboard.read_text("utf-8"), "html.parser")
    assert page.html["lang"] == "de"
    shown = text_of(page)
    for german in ("Alle Projekte", "Am Zug", "Voraussichtliches Ende", "Kulanzfrist abgelaufen",
                   "13 Arbeitstage", "fällig am Di., 10. Nov. 2026, verschoben vom Fr., 6. Nov. 2026", "Stand: Mo., 23. Nov. 2026"):
        assert german in shown
    for english in ("All projects", "Ball in court", "Expected end", "past grace",
                    "business days", "waiting on", "As of"):
        assert english not in shown
    feeds = {feed.name: icalendar.Calendar.from_ical(feed.read_bytes())
             for feed in dashboard.parent.glob("*.ics")}
    assert feeds["calendar.ics"]["X-WR-CALNAME"] == "Northwind Studio · alle Projekte"
    assert feeds["studio-steps.ics"]["X-WR-CALNAME"] == "Northwind Studio · unsere Schritte"
    descriptions = [str(event["DESCRIPTION"]) for event in feeds["calendar.ics"].walk("VEVENT")]
    assert all("Projekt: " in text and "Project: " not in text for text in descriptions)
    # The clients' own pages are unchanged: Acme's portal is still English.
    acme = site.portal(EXAMPLE_TOKENS["acme", "website-redesign"])
    assert acme.html["lang"] == "en" and "Your turn" in text_of(acme)


def test_status_speaks_the_studios_language(site, courtside):
    in_german(site)
    result = courtside(site, "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Kunde", "Projekt", "Am", "Zug", "Wartezeit", "Aktueller",
                                "Schritt", "Status", "Danach", "Voraussichtliches", "Ende",
                                "Entscheidungen", "Verschoben"]
    assert lines[1].startswith("Acme Corp") and "8 Arbeitstage überfällig," in lines[1]
    assert "28. Dez. 2026 (+11)" in lines[1] and "(6." in lines[1]  # "(6. Nov.)", folded
    assert "Kulanzfrist abgelaufen" in lines[2]  # the state's column folds
    assert lines[-1].startswith("6 Portale für 3 Kunden")


def test_the_studios_language_is_checked_like_a_clients(site, courtside):
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8")
                        + '\nCOURTSIDE["studio"] = {**COURTSIDE["studio"], "language": "tlh"}\n',
                        "utf-8")
    result = courtside(site, "check")
    assert result.returncode != 0
    assert "settings: COURTSIDE.studio.language: \"tlh\" is not a shipped language" in result.stdout


@pytest.mark.e2e
def test_a_studio_html_copied_before_rows_were_rendered_apart_gets_a_clear_error(site):
    # A studio's own studio.html from before the rows moved to studio_row.html
    # (it reads each row's client, project and state): the build names the
    # file and what to do, with no traceback, and publishes nothing.
    overrides = REPO / "tests" / "fixtures" / "themes" / "before-rows"
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8")
                        + f"\nTHEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]\n", "utf-8")
    result = site.build()
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "before-rows/studio.html:50: could not be rendered" in said  # its line with `row.state`
    assert "studio_row.html" in said and "nothing was published" in " ".join(said.split())
    assert "Traceback" not in said
    assert not list(site.output.glob("p/*/index.html"))


# --- in a terminal ------------------------------------------------------------------------------

#: Each project as `status` shows it, most urgent first: client, title, due
#: state, and the current step with its due date.
SHOWN = [
    ("Acme Corp", "Website redesign", "overdue by 8 business days, past grace",
     "Content and brand assets (6 Nov → 10 Nov)"),
    ("Harbor & Finch Ltd", "Office signage", "overdue by 2 business days", "Sign drafts (19 Nov)"),
    ("Bäckerei Müller & Söhne", "Newsletter „Frisch aus dem Ofen“", "due soon: 2 business days left",
     "Review call (25 Nov)"),
    ("Bäckerei Müller & Söhne", "Online-Shop für das Brötchen-Abo", "on time",
     "Zahlungsanbieter einrichten (4 Dec)"),
    ("Harbor & Finch Ltd", "Annual report 2026", "paused", "Final figures from finance (16 Oct)"),
    ("Harbor & Finch Ltd", "Podcast website", "complete", None),
]
TABLE_HEADER = ["Client", "Project", "Ball", "Waiting", "Current", "step", "State", "Next",
                "Expected", "end", "Decisions", "Moved"]


def at_a_terminal(site, courtside, monkeypatch, columns: int, *argv: str) -> list[str]:
    """``courtside status`` at a terminal this many columns wide: its lines, without colours."""
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = courtside(site, "status", *argv, env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()


@pytest.mark.parametrize("columns", [60, 40])
def test_status_in_a_narrow_terminal_shows_one_block_per_project(site, courtside, monkeypatch, columns):
    # The table cut its cells into slices of 4 to 6 characters there, and
    # its headers mid-word ("Clien", "t").
    lines = at_a_terminal(site, courtside, monkeypatch, columns)
    assert max(cell_len(line) for line in lines) <= columns
    assert lines[0] == "Acme Corp · Website redesign"
    assert lines[1:3] == ["  Ball: Acme Corp", "  Waiting: 13"]
    assert not any(line.split()[:2] == TABLE_HEADER[:2] for line in lines)
    blocks = "\n".join(lines).split("\n\n")
    assert len(blocks) == len(SHOWN) + 1  # and the closing counts
    for block, (client, title, state, current) in zip(blocks, SHOWN, strict=False):
        # A line that wraps goes on further in; read as one text, nothing is cut.
        text = " ".join(block.split())
        assert text.startswith(f"{client} · {title} ")
        assert f" State: {state}" in text
        assert current is None or f" Current step: {current}" in text
        # The heading, then only indented lines: each block's label lines.
        indented = [line.startswith("  ") for line in block.splitlines()]
        assert indented[0] is False and sorted(indented) == indented
    assert " Next: Build and first review (4 Dec) " in " ".join(blocks[0].split()) + " "
    assert " Expected end: 28 Dec 2026 (+11) Decisions: 1" in " ".join(blocks[0].split())
    assert "Moved:" not in blocks[0]  # nothing to show: no line, where the table says "—"
    assert " ".join(blocks[-1].split()) == (
        "6 portals for 3 clients; 2 waiting on clients (1 past grace), 2 waiting on the studio "
        "(1 overdue); 1 decision waiting on clients")


def test_status_in_a_narrow_terminal_speaks_the_studios_language(site, courtside, monkeypatch):
    in_german(site)
    lines = at_a_terminal(site, courtside, monkeypatch, 60, "--client", "acme")
    assert max(cell_len(line) for line in lines) <= 60
    text = " ".join(" ".join(lines).split())
    assert text.startswith("Acme Corp · Website redesign Am Zug: Acme Corp Wartezeit: 13 ")
    assert " Status: 8 Arbeitstage überfällig, Kulanzfrist abgelaufen " in text
    assert " Voraussichtliches Ende: 28. Dez. 2026 (+11) " in text
    assert text.endswith(" Entscheidungen: 1 1 Portal für 1 Kunden; warten auf Kunden: 1 (nach Ablauf "
                         "der Kulanzfrist: 1), warten auf das Studio: 0 (überfällig: 0); 1 Entscheidung "
                         "wartet auf Kunden")


@pytest.mark.parametrize("columns, table", [(120, True), (103, True), (102, False)])
def test_status_keeps_its_table_where_every_header_and_date_fits(site, courtside, monkeypatch,
                                                                 columns, table):
    """103 columns, measured: the narrowest terminal at which the examples'
    table breaks no header ("Decisions") and no date mid-word."""
    lines = at_a_terminal(site, courtside, monkeypatch, columns)
    assert max(cell_len(line) for line in lines) <= columns
    if not table:
        assert lines[0] == "Acme Corp · Website redesign"
        return
    first = next(index for index, line in enumerate(lines) if line.startswith("Acme Corp"))
    # Every header whole ("Current" above "step" where the column wraps).
    assert sorted(word for line in lines[:first] for word in line.split()) == sorted(TABLE_HEADER)
    # Its dates wrap between words, never inside one: as many whole months as piped.
    def months(lines: list[str]) -> list[str]:
        return sorted(word for line in lines for word in line.replace("(", " ").split()
                      if word.rstrip(")") in ("Oct", "Nov", "Dec"))
    assert months(lines) == months(courtside(site, "status").stdout.splitlines())


def test_status_piped_has_no_trailing_spaces(site, courtside):
    lines = courtside(site, "status").stdout.splitlines()
    assert lines[0].split() == TABLE_HEADER
    assert all(line == line.rstrip() for line in lines)
    # The cells still line up: each column starts where its header does.
    assert lines[1].index("13") == lines[0].index("Waiting")
