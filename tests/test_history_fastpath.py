"""Past versions read as edits of the version after them (``pastversions``)
give exactly the clients the loader gives, version by version, hence the same
history and the same pages; whatever the fast path does not take, the loader
reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from courtside import pastversions
from courtside.gitlog import blob_texts, client_history, close_readers, past_clients, read_index
from courtside.history import project_histories
from courtside.loader import client_from_text, load_client
from courtside.model import Client, with_studio_terms
from courtside.pastversions import Known, Reader
from helpers import EXAMPLE_SITE, REPO, new_site

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import client_yaml, write_clients, write_history  # noqa: E402

PATH = Path("clients/acme.yaml")
ZONE, LANGUAGE = "Europe/Berlin", "en"
#: Studio terms under every version's, as a site's settings give them.
STUDIO_TERMS = {"grace_days": {"studio": 5, "client": 7}, "deposit": "40%", "late_fee": "2%"}


@pytest.fixture
def loader_calls(monkeypatch) -> list[str]:
    """The texts the fast path left to the loader."""
    calls: list[str] = []
    full = pastversions.client_from_text

    def counted(text, *args, **kwargs):
        calls.append(text)
        return full(text, *args, **kwargs)

    monkeypatch.setattr(pastversions, "client_from_text", counted)
    return calls


def as_the_loader_reads(text: str, terms=None) -> Client | None:
    client = client_from_text(text, PATH, ZONE, default_language=LANGUAGE)[0]
    return with_studio_terms(client, terms or {}) if client is not None else None


def read_back(texts: list[str], terms=None) -> list[Client | None]:
    """``texts`` (oldest first; the newest loads) read as history reads them:
    the newest by the loader, each older one as an edit of the newer ones."""
    client, document, _ = client_from_text(texts[-1], PATH, ZONE, default_language=LANGUAGE)
    assert client is not None and document is not None, "the newest version must load"
    client = with_studio_terms(client, terms or {})
    reader = Reader(PATH, ZONE, LANGUAGE, terms or {})
    known = Known.of(document, client)
    clients: list[Client | None] = [client]
    for text in reversed(texts[:-1]):
        older, known = reader.older(text, known)
        clients.append(older)
    return clients[::-1]


def assert_read_as_the_loader_reads(texts: list[str], terms=None) -> None:
    fast = read_back(texts, terms)
    full = [as_the_loader_reads(text, terms) for text in texts]
    for number, (got, expected) in enumerate(zip(fast, full, strict=True)):
        assert got == expected, f"version {number}:\n{texts[number]}"
    day = dt.date(2026, 1, 1)
    dated = [(day + dt.timedelta(days=n), c) for n, c in enumerate(fast) if c is not None]
    assert project_histories(dated) == project_histories(
        [(day + dt.timedelta(days=n), c) for n, c in enumerate(full) if c is not None])


# --- the benchmark's histories, read from git as a build reads them ------------------------------


def test_every_synthetic_version_and_history_is_the_loaders(tmp_path, loader_calls):
    site = tmp_path / "site"
    write_clients(site / "clients", 4)
    write_history(site / "clients", 30, repository=site)
    index = read_index(site / "clients", ZONE)
    assert index is not None
    today = dt.date(2026, 12, 1)
    for name, versions in index.files.items():
        path = Path(name)
        current, document, _ = load_client(path, ZONE)
        assert current is not None and document is not None
        fast, unreadable = past_clients(index, path, document.text, current, today, ZONE, LANGUAGE,
                                        document=document)
        texts = blob_texts(index.root, [version.blob for version in versions])
        full = [(version.day, client_from_text(text, path, ZONE, default_language=LANGUAGE)[0])
                for version, text in zip(versions, texts, strict=True)]
        assert unreadable == 0 and fast == full
        assert client_history(index, path, current, today=today, timezone=ZONE, language=LANGUAGE,
                              document=document) == project_histories(full)  # type: ignore[arg-type]
    close_readers()
    # A moved date, a done date set, a term changed: all read as edits.
    assert loader_calls == []


def test_the_examples_history_builds_the_same_bytes_with_and_without_edits(tmp_path, monkeypatch):
    """Every page and feed of a site with a history is byte for byte what
    it is when the loader reads every past version."""
    from pelican.settings import read_settings

    from courtside.build.render import build_client, site_context

    site = new_site(tmp_path / "site")
    write_history(site.clients, 12, repository=site.root)
    settings = read_settings(str(site.root / "pelicanconf.py"))
    moment = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    context = dataclasses.replace(
        site_context(settings, (os.path.join(settings["THEME"], "templates"),), moment),
        history=read_index(site.clients, settings["COURTSIDE"].get("timezone") or ZONE))
    paths = sorted(site.clients.glob("*.yaml"))
    fast = [build_client(path, context) for path in paths]
    with monkeypatch.context() as slow:
        slow.setattr(pastversions.Known, "of", classmethod(lambda cls, document, client: None))
        full = [build_client(path, context) for path in paths]
    close_readers()
    for one, other in zip(fast, full, strict=True):
        assert [p.files for p in one.projects] == [p.files for p in other.projects]
        assert one.problems == other.problems
    assert any(b"moved" in page for build in fast for p in build.projects for page in p.files.values())


# --- edits that are read as edits, and those left to the loader ----------------------------------


def version(due: str = "2026-11-06", *, title: str = "Content", extra: str = "",
            comment: str = "# the site", clauses: str = "We talk every week.",
            done: str = "", status: str = "") -> str:
    return f"""\
{comment}
name: Acme
timezone: Europe/Berlin
projects:
  - id: web
    title: Website
    token: AcmeWebTokenAbcdefgh01{status}
    start: 2026-09-01
    agreement:
      signed: 2026-10-01
      terms: {{grace_days: {{studio: 5, client: 10}}, deposit: 30%}}
      clauses: |
        {clauses}
    milestones:
      - {{id: content, title: {title}, owner: client, due: {due}{extra}}}
      - id: launch
        title: Launch
        owner: studio
        due: 2026-12-18{done}
      - id: party
        title: Party
        owner: studio
        due: 2026-12-20
  - id: print
    title: Print
    token: AcmePrintTokenAbcdef01
    milestones:
      - id: flyer
        title: Flyer
        owner: client
        due: 2026-11-20
        note: A5, both sides
"""


@pytest.mark.parametrize("older", [
    pytest.param(version(due="2026-11-02"), id="a due date in a flow mapping"),
    pytest.param(version(due="2026-11-02 14:00"), id="a due time"),
    pytest.param(version().replace("due: 2026-12-18", "due: 2026-12-11"), id="a due date"),
    pytest.param(version(title="Texts"), id="a title"),
    pytest.param(version(done="\n        done: 2026-11-20"), id="a done date added"),
    pytest.param(version().replace("AcmePrintTokenAbcdef01", "AcmePrintTokenAbcdef01\n    start: 2026-08-01"),
                 id="a key added to a project"),
    pytest.param(version().replace("        note: A5, both sides\n", ""), id="a key removed"),
    pytest.param(version().replace("note: A5, both sides", "note: 'A5: both sides'"),
                 id="a quoted text"),
    pytest.param(version().replace("client: 10}", "client: 12}"), id="a number in a flow mapping"),
    pytest.param(version().replace("deposit: 30%", "deposit: 40"), id="a text made a number"),
    pytest.param(version(comment="# the website"), id="a comment"),
    pytest.param(version().replace("title: Launch", "title: Launch  # for now"),
                 id="a comment after a value"),
    pytest.param(version().replace("    title: Print\n", "    title: Print\n\n"), id="a blank line"),
    pytest.param(version().replace("note: A5, both sides", "done: 2026-11-19"), id="a key renamed"),
    pytest.param(version().replace("owner: studio\n        due: 2026-12-18",
                                   "owner: client\n        due: 2026-12-17"), id="two lines"),
    pytest.param(version().replace("- id: launch", "- id: start"), id="a list item's id"),
    pytest.param(version(due="2026-11-02").replace("note: A5", "note: A4"),
                 id="two projects at once"),
    pytest.param(version().replace("name: Acme\n", "name: Acme\ncontact: {name: Jo}\n"),
                 id="a client's key added"),
    pytest.param(version(extra=", note: Texts first"), id="a list item in a flow mapping"),
])
def test_plain_edits_are_read_as_edits(older, loader_calls):
    assert_read_as_the_loader_reads([older, version()])
    assert_read_as_the_loader_reads([older, version()], STUDIO_TERMS)
    assert loader_calls == []


@pytest.mark.parametrize("older", [
    pytest.param(version(clauses="We talk every day."), id="a block scalar's line"),
    pytest.param(version(title='"Content'), id="invalid YAML"),
    pytest.param(version(due="2026-11-02").replace("\n", "\r\n"), id="CRLF"),
    pytest.param(version().replace("id: launch", "id: content"), id="a duplicate id"),
    pytest.param(version().replace("note: A5", "notes: A5"), id="an unknown key"),
    pytest.param(version().replace("title: Launch", "title: Launch\n          continued"),
                 id="a line continued"),
    pytest.param(version().replace("        due: 2026-12-18\n", "        due: 2026-12-18\n"
                                   "        due: 2026-12-19\n"), id="a key twice"),
    pytest.param(version().replace("        owner: studio\n        due: 2026-12-18",
                                   "        owner: studio\n    status: paused\n        due: 2026-12-18"),
                 id="a key at another indentation"),
    pytest.param(version().replace("      - id: party", "      - id: party\n        kind: x"),
                 id="an unknown key (refused)"),
    pytest.param(version().replace("note: A5, both sides", "note: |\n          A5"),
                 id="a value made a block scalar"),
    pytest.param(version().replace("note: A5, both sides", "note: &a A5"), id="an anchor"),
    pytest.param(version().replace("title: Party", "title: Party\u2028"), id="a line separator"),
    pytest.param(version().replace("title: Party", "title:\tParty"), id="a tab"),
    pytest.param(version(status="\n    status: paused"), id="a key the schema's default filled"),
])
def test_what_the_fast_path_does_not_take_goes_to_the_loader(older, loader_calls):
    assert_read_as_the_loader_reads([older, version()])
    assert loader_calls and loader_calls[-1] == older


def test_lines_that_do_not_stand_alone_are_never_read_alone(loader_calls):
    """A value over several lines, inside a flow mapping or used again
    through an alias is never replaced from one line."""
    flow = version().replace("terms: {grace_days: {studio: 5, client: 10}, deposit: 30%}",
                             "terms: {grace_days: {studio: 5, client: 10},\n        deposit: 30%}")
    open_flow = version().replace(
        "terms: {grace_days: {studio: 5, client: 10}, deposit: 30%}",
        "terms: {grace_days: {studio: 5, client: 10},\n        deposit: 30%\n        , x: 1}")
    aliased = version().replace("title: Launch", "title: &n Launch").replace(
        "title: Party", "title: *n")
    plain = version().replace("note: A5, both sides", "note: A5,\n          both sides")
    block = version().replace("clauses: |\n        We talk every week.",
                              "clauses: |\n        We talk every week.\n        title: x")
    for newer, older in ((flow, flow.replace("deposit: 30%", "deposit: 40%")),
                         # In a flow mapping "40%,x" is two keys; on its own, one text.
                         (open_flow, open_flow.replace("deposit: 30%", "deposit: 40%,x")),
                         (open_flow, open_flow.replace("deposit: 30%", "deposit: 40%")),
                         (aliased, aliased.replace("&n Launch", "&n Launched")),
                         (plain, plain.replace("note: A5,", "note: A4,")),
                         (block, block.replace("        title: x", "        title: y"))):
        loader_calls.clear()
        assert_read_as_the_loader_reads([older, newer])
        assert loader_calls == [older]


def test_in_a_file_with_an_alias_only_what_no_alias_uses_is_read_as_an_edit(loader_calls):
    shared = version().replace(
        "      terms: {grace_days: {studio: 5, client: 10}, deposit: 30%}",
        "      terms: &terms\n        grace_days:\n          studio: 5\n          client: 10\n"
        "        deposit: 30%").replace("    milestones:\n      - id: flyer",
                                     "    agreement: {terms: *terms}\n    milestones:\n      - id: flyer")
    assert as_the_loader_reads(shared) is not None
    for older, edit in ((shared.replace("due: 2026-12-20", "due: 2026-12-21"), True),
                        (shared.replace("note: A5, both sides", "note: A4"), True),
                        (shared.replace("studio: 5", "studio: 6"), False),  # in both projects' terms
                        (shared.replace("deposit: 30%", "deposit: 40%"), False),
                        (shared.replace("note: A5, both sides", "note: &terms A4"), False),
                        (shared.replace("title: Party", "title: Party & friends"), False)):
        loader_calls.clear()
        assert_read_as_the_loader_reads([older, shared])
        assert loader_calls == ([] if edit else [older])


def test_a_version_further_back_is_read_against_the_edited_one(loader_calls):
    texts = [version(due="2026-10-30 09:00", title="Texts", done="\n        done: 2026-11-30"),
             version(due="2026-11-02", title="Texts", done="\n        done: 2026-11-30"),
             version(due="2026-11-02", title="Texts"),
             version('"broken'),  # refused: the next is read against the version after it
             version(due="2026-11-02"),
             version()]
    assert_read_as_the_loader_reads(texts)
    assert loader_calls == [texts[3]]


# --- random edits of realistic files --------------------------------------------------------------

#: Values a studio (or a slip of the keyboard) may write in place of another,
#: with the traps of design/pitfalls.md: impossible dates, 14:00 (a number to
#: YAML), NO (false), .inf, tags, anchors and aliases, control characters,
#: tabs, carriage returns and the other line breaks YAML counts, a byte-order
#: mark, a merge key, a quoted text over two lines.
VALUES = ("2026-11-13", "2026-11-06 14:00", "2026-12-01", "2026-09-15", "2030-01-01", "1969-12-31",
          "2026-13-01", "2026-02-30", "2026-11-06 25:00", "tomorrow", "14:00", "1:30", "yes", "NO",
          "no", "on", "~", "null", "", "'quoted'", '"quoted"', '"open', "'it''s'", "|", "|-", ">",
          "&a anchored", "*a", "!!str 5", "!custom x", "[a, b]", "{a: b}", "{}", "[]", "{studio: 1}",
          "{studio: 1, client: 2}", "{studio: 1, client: two}", "text # comment", "a: b", "a:b",
          "- item", ".inf", ".nan", "1e400", "0x1F", "1_000", "-3", "10%", "€800", "Über", "a\tb",
          "bell\x07", "x\x0by", "studio", "client", "nobody", "active", "paused", "done",
          "archived", "step-1", "step-2", "project-1", "project-2", "web", "content", "launch",
          "AcmeWebTokenAbcdefgh01", "aaaaaaaaaaaaaaaaaaaaaa", "Qx7RbM4cHdSx3kQ9vTnW2y",
          "Europe/Paris", "Mars/Base", "DE-BY", "XX-YY", "de", "klingon", "approved", "proposed",
          "declined", "5", "0", "-1", "3.5", "true", "false", "Title: with colon", "# only",
          "carriage\rreturn", "line\u2028separator", "next\x85line", "\ufeffbom", "<< merge",
          "*alias", "{a: *b}", "[&c d]", "'multi\n  line'", "very " * 300 + "long")
#: Lines a studio may add (each is indented as the line it is put before).
LINES = ("done: 2026-10-01", "done: 2026-11-30", "status: paused", "status: done",
         "paused_reason: Waiting for the texts", "note: Added later", "# a comment", "", "   ",
         "title: |", "  continued", "- id: new-step", "calendar: false", "signed: 2026-09-01",
         "deposit: 40%", "grace_days: {studio: 5, client: 7}", "kind: warning", "until: 2026-12-01",
         "due: 2026-12-24 14:00", "id: step-2", "owner: nobody", "clauses: >", "x: *a", "y: &a z",
         "timezone: Europe/Paris", "language: de", "title: 'Quoted: yes'", 'note: "two',
         '  more"', "- {from: 2026-12-01}", "...", "---", "? key", ": value", "start: 2026-08-01",
         "decided: 2026-11-01", "after: step-3", "days: 4", "cost: \"€1,200\"", "token: Short",
         "late_fee: 3%", "note: dup", "note: dup")


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" "))]


#: Values that fit a key, by the key.
PLAUSIBLE = {"owner": ("studio", "client"), "by": ("studio", "client"),
             "status": ("active", "paused", "done", "archived", "proposed", "approved"),
             "deposit": ("30%", "40%", "50%"), "payment_days": ("14", "30"), "days": ("2", "5"),
             "kind": ("info", "warning"), "cost": ('"€800"', "€1,200"),
             "title": ("Texts", "Design review", "Launch party"),
             "note": ("Bring the logo files.", "'Quoted: yes'", "Call first # a comment"),
             "grace_days": ("{studio: 5, client: 10}", "{studio: 3, client: 3}"),
             "response_days": ("{studio: 1, client: 2}", "{studio: 2, client: 2}")}


def _plausible(line: str, pick: int) -> str:
    """A value that fits the key on ``line``: another date for a date."""
    key = line.strip().removeprefix("- ").split(":", 1)[0]
    value = line.split(": ", 1)[1].split(" #")[0].strip()
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return PLAUSIBLE.get(key, VALUES)[pick % len(PLAUSIBLE.get(key, VALUES))]
    return (day + dt.timedelta(days=pick % 15 - 7)).isoformat() + value[10:]


def edit(text: str, kind: int, at: int, pick: int) -> str:
    """``text`` with one random change at line ``at`` (modulo)."""
    lines = text.split("\n")
    at %= len(lines)
    line = lines[at]
    kind %= 9
    if kind in (0, 1) and ": " in line:  # a value replaced: a plausible one, or any
        value = VALUES[pick % len(VALUES)] if pick % 4 == 0 else _plausible(line, pick // 4)
        lines[at] = line[:line.index(": ") + 2] + value
    elif kind == 2:  # a line removed
        del lines[at]
    elif kind in (3, 4):  # a line added, indented as the line it goes before
        lines.insert(at, _indent(line) + LINES[pick % len(LINES)])
    elif kind == 5:  # a line commented out, or a comment taken back in
        stripped = line.lstrip(" ")
        lines[at] = _indent(line) + (stripped[2:] if stripped.startswith("# ") else "# " + stripped)
    elif kind == 6:  # indented differently
        lines[at] = " " * (pick % 3) + line if pick % 2 else line[2:]
    elif kind == 7 and at + 1 < len(lines):  # two lines swapped
        lines[at], lines[at + 1] = lines[at + 1], line
    elif kind == 8:  # a date moved by a few days, where there is one
        for word in line.split():
            try:
                day = dt.date.fromisoformat(word)
            except ValueError:
                continue
            lines[at] = line.replace(word, (day + dt.timedelta(days=pick % 9 - 4)).isoformat(), 1)
            break
    return "\n".join(lines)


def edited(base: str, edits: list[list[tuple[int, int, int]]]) -> list[str]:
    """Versions of ``base``, oldest first, each made of the one after it by
    ``edits`` (one list of changes per version); a version the loader refuses
    is fixed in the one before it (a studio's next commit), so the edits
    before it start from the last version that loaded."""
    texts, last_good = [base], base
    for changes in edits:
        text = last_good
        for kind, at, pick in changes:
            text = edit(text, kind, at, pick)
        texts.insert(0, text)
        if as_the_loader_reads(text) is not None:
            last_good = text
    return texts


def tricky() -> str:
    """A client file with the YAML a studio may write: flow and block
    collections, block scalars, quotes, comments, notices and closures."""
    return (EXAMPLE_SITE / "clients" / "acme.yaml").read_text("utf-8") + """\
  - id: "quoted-project"
    title: 'Print: flyers'   # a colon in quotes
    token: PrintTokenAbcdefghij01
    status: paused
    paused_reason: >-
      Waiting for the
      printer's quote
    language: de
    agreement:
      template: standard
      signed: 2026-09-01
      terms:
        response_days: {studio: 1, client: 2}
        grace_days:
          studio: 5
          client: 10
        consequences: {studio: "We pay.", client: 'You wait.'}
        deposit: "30%"
        payment_days: 30
    milestones:
      - {id: brief, title: Brief, owner: client, due: 2026-09-10, done: 2026-09-09}
      - id: layout
        title: Layout,
          first draft
        owner: studio
        due: "2026-09-20"

      # proofs next
      - id: proofs
        title: Proofs
        owner: client
        due: 2026-10-01 10:30
    log:
      - {date: 2026-09-02, by: studio, text: "Brief received."}
      - date: 2026-09-03
        by: client
        text: Bigger logo, please.
        change: {status: approved, days: 2, after: brief, decided: 2026-09-04}
closed:
  - {from: 2026-12-23, to: 2027-01-01}
  - from: 2027-04-03
notices:
  - text: |
      Closed between the years.

      Back on 4 January.
    from: 2026-12-01
"""


BASES = [client_yaml(3), client_yaml(8), tricky(),
         *(path.read_text("utf-8") for path in sorted((EXAMPLE_SITE / "clients").glob("*.yaml")))]


def test_the_bases_load():
    assert all(as_the_loader_reads(text) is not None for text in BASES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(BASES),
       edits=st.lists(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 10_000),
                                         st.integers(0, 10_000)), min_size=1, max_size=3),
                      min_size=1, max_size=8),
       terms=st.sampled_from([None, STUDIO_TERMS]))
def test_random_edits_read_as_the_loader_reads(base, edits, terms, loader_calls):
    """Each version an edit or three of the one after it; every version read
    back is the loader's (or is refused as the loader refuses it)."""
    loader_calls.clear()
    texts = edited(base, edits)
    assert_read_as_the_loader_reads(texts, terms)
    event(f"read as edits: {(len(texts) - 1 - len(loader_calls)) * 100 // (len(texts) - 1) // 25 * 25}%+")


def test_random_edits_mostly_take_the_fast_path(loader_calls):
    """The property above is not won by leaving everything to the loader:
    plain edits of realistic files, chosen at random, are read as edits."""
    rng = random.Random("plain edits")
    loaded = 0
    for base in BASES:
        texts = edited(base, [[(rng.choice([0, 0, 8, 8, 5, 3]), rng.randrange(10_000),
                                rng.randrange(10_000)) for _ in range(rng.choice([1, 1, 2]))]
                              for _ in range(30)])
        assert_read_as_the_loader_reads(texts)
        loaded += sum(as_the_loader_reads(text) is not None for text in texts[:-1])
    # A version the loader refuses is always the loader's to read; of the others, few are.
    left = [text for text in loader_calls if as_the_loader_reads(text) is not None]
    assert loaded > 80 and len(left) < loaded * 0.1, (len(left), loaded)
