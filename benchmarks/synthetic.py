"""Synthetic but realistic sites for the benchmark: N clients with three
projects of twelve milestones each, agreement terms and a paper trail (a
third of them in German, a third in Russian), and
the same number of plain Markdown pages of similar size for the baselines.

Deterministic for a given N: the same files every run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import re
import string
import subprocess
from pathlib import Path

ALPHABET = string.ascii_letters + string.digits + "-_"
WORDS = ["design", "content", "review", "launch", "brand", "assets", "copy", "images", "pages",
         "navigation", "forms", "hosting", "analytics", "newsletter", "shop", "checkout", "payment",
         "photos", "sitemap", "migration", "testing", "feedback", "approval", "workshop", "kickoff",
         "prototype"]
FIRST = date0 = dt.date(2026, 9, 1)
REGIONS = ("DE-BY", "AT", "FR", "US-NY", "DE-SN", "ES-MD", None)
LANGUAGES = (None, "de", "ru")


def token(rng: random.Random) -> str:
    return rng.choice(string.ascii_letters) + "".join(rng.choice(ALPHABET) for _ in range(21))


def phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def milestones(rng: random.Random, start: dt.date, done_until: dt.date) -> list[dict]:
    steps, day = [], start
    for index in range(12):
        day += dt.timedelta(days=rng.randint(3, 9))
        step = {"id": f"step-{index + 1}", "title": phrase(rng, 3),
                "owner": "studio" if index % 2 == 0 else "client", "due": day.isoformat()}
        if index % 5 == 4:
            step["due"] += " 14:00"
        if day < done_until:
            step["done"] = (day + dt.timedelta(days=rng.randint(-1, 3))).isoformat()
        if index % 3 == 0:
            step["note"] = phrase(rng, 12) + "."
        steps.append(step)
    return steps


def client_yaml(index: int) -> str:
    rng = random.Random(index)
    lines = [f"name: Client {index} GmbH", "contact:", f"  name: Person {index}",
             f"  email: person{index}@client{index}.example", "timezone: Europe/Berlin"]
    # A third of the clients read their portals in German, a third in Russian.
    language = LANGUAGES[index % len(LANGUAGES)]
    if language:
        lines.append(f"language: {language}")
    # Most clients have a working calendar of their own: a region's public
    # holidays, and some a closure.
    region = REGIONS[index % len(REGIONS)]
    if region:
        lines.append(f"holidays: {region}")
    if index % 3 == 0:
        lines += ["closed:", "  - {from: 2026-12-23, to: 2027-01-01}"]
    lines += ["", "projects:"]
    for number in range(3):
        start = date0 + dt.timedelta(days=rng.randint(0, 60))
        lines += [f"  - id: project-{number + 1}", f"    title: {phrase(rng, 2)} project",
                  f"    token: {token(rng)}", f"    start: {start.isoformat()}",
                  "    agreement:", f"      signed: {start.isoformat()}", "      terms:",
                  "        response_days: {studio: 1, client: 2}",
                  f"        grace_days: {{studio: 5, client: {rng.choice([5, 10])}}}",
                  "        consequences:",
                  "          studio: We take 10% off the fee for the current phase.",
                  "          client: The project pauses and moves to our next free slot.",
                  f"        deposit: {rng.choice([30, 40, 50])}%",
                  f"        payment_days: {rng.choice([14, 30])}",
                  "      clauses: |", f"        {phrase(rng, 20)}.", "    milestones:"]
        for step in milestones(rng, start, dt.date(2026, 11, 10)):
            lines.append(f"      - id: {step['id']}")
            for key in ("title", "owner", "due", "done", "note"):
                if key in step:
                    lines.append(f"        {key}: {step[key]}")
        lines.append("    log:")
        for entry in range(5):
            day = min(start + dt.timedelta(days=7 * entry), dt.date(2026, 11, 20))  # not after "today"
            lines += [f"      - date: {day.isoformat()}", f"        by: {rng.choice(['studio', 'client'])}",
                      f"        text: {phrase(rng, 10)}."]
            if entry == 2:
                lines += ["        change:", f"          status: {rng.choice(['proposed', 'approved'])}",
                          f"          days: {rng.randint(1, 10)}", '          cost: "€800"']
    return "\n".join(lines) + "\n"


def write_clients(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"client-{index:05d}.yaml").write_text(client_yaml(index), "utf-8")


def markdown_page(index: int, project: int, agreement: str) -> str:
    """A plain page carrying what a portal shows, for the baselines."""
    rng = random.Random(index * 10 + project)
    rows = "\n".join(f"| {phrase(rng, 3)} | {rng.choice(['Studio', 'Client'])} | 2026-10-{day:02d} | |"
                     for day in range(1, 13))
    log = "\n".join(f"- 2026-10-{day:02d}: {phrase(rng, 10)}." for day in range(1, 6))
    return (f"Title: Client {index} project {project}\nSlug: client-{index}-project-{project}\n\n"
            f"## Waiting on Client {index}\n\nSince Tue 3 Nov 2026, 14 business days.\n\n"
            f"## Schedule\n\n| Milestone | Owner | Due | Done |\n|---|---|---|---|\n{rows}\n\n"
            f"## How we work together\n\n{agreement}\n\n## Paper trail\n\n{log}\n")


def write_pages(folder: Path, count: int, agreement: str) -> None:
    """Pelican pages, hidden as a studio would hide private pages."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        for project in range(1, 4):
            (folder / f"client-{index:05d}-{project}.md").write_text(
                markdown_page(index, project, agreement).replace("\n\n", "\nStatus: hidden\n\n", 1),
                "utf-8")


def write_hugo_pages(folder: Path, count: int, agreement: str) -> None:
    """The same pages for Hugo, with their milestones in the front matter so
    that Hugo can write a calendar for each."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        rng = random.Random(index)
        for project in range(1, 4):
            body = markdown_page(index, project, agreement).split("\n\n", 1)[1]
            steps = milestones(rng, date0, dt.date(2026, 11, 10))
            front = [f'title: "Client {index} project {project}"', "milestones:"]
            for step in steps:
                front += [f'  - title: "{step["title"]}"', f'    due: "{step["due"][:10]}"',
                          f'    owner: "{step["owner"]}"']
            (folder / f"client-{index:05d}-{project}.md").write_text(
                "---\n" + "\n".join(front) + "\n---\n" + body, "utf-8")


# --- a history of edits, for reading the clients' git history ---------------------------

DUE = re.compile(r"^(\s+due: )(\d{4}-\d{2}-\d{2})(.*)$")
#: A term and the values it takes: the deposit, the payment days, the client's grace days.
TERM = re.compile(r"^(\s+(?:deposit: |payment_days: |grace_days: \{studio: \d+, client: ))(\d+%?)(\}?)$")
TERM_VALUES = ("30%", "40%", "50%"), ("14", "30"), ("5", "10")


def _due_moved(lines: list[str], rng: random.Random) -> bool:
    """The earlier version's due date of one milestone, a few days before
    (going forward, the milestone slipped); never before the one listed above it."""
    dues = [index for index, line in enumerate(lines) if DUE.match(line)]
    index = rng.choice(dues)
    match = DUE.match(lines[index])
    assert match is not None
    due = dt.date.fromisoformat(match[2])
    slack = 9
    for line in reversed(lines[:index]):
        if line.strip() == "milestones:":
            break
        above = DUE.match(line)
        if above:
            slack = (due - dt.date.fromisoformat(above[2])).days
            break
    days = min(rng.randint(1, 4), slack)
    if days <= 0:
        return False
    lines[index] = f"{match[1]}{(due - dt.timedelta(days=days)).isoformat()}{match[3]}"
    return True


def _done_set(lines: list[str], rng: random.Random) -> bool:
    """The earlier version without its latest ``done`` (going forward, the
    milestones are done in the order of their dates)."""
    done = [(line.split()[-1], index) for index, line in enumerate(lines)
            if line.lstrip().startswith("done: ")]
    if not done:
        return False
    del lines[max(done)[1]]
    return True


def _term_changed(lines: list[str], rng: random.Random) -> bool:
    """The earlier version with another deposit, payment term or client's grace."""
    index = rng.choice([index for index, line in enumerate(lines) if TERM.match(line)])
    match = TERM.match(lines[index])
    assert match is not None
    values = next(values for values in TERM_VALUES if match[2] in values)
    lines[index] = f"{match[1]}{rng.choice([v for v in values if v != match[2]])}{match[3]}"
    return True


def earlier_versions(text: str, count: int, rng: random.Random) -> list[str]:
    """``count`` versions of a client file, oldest first, ending with ``text``:
    each an edit of the one before (a due date moved, a ``done`` set, a term changed)."""
    versions = [text]
    edits = (_due_moved, _due_moved, _done_set, _term_changed)
    while len(versions) < count:
        lines = versions[0].split("\n")
        while not rng.choice(edits)(lines, rng):
            pass
        versions.insert(0, "\n".join(lines))
    return versions


def write_history(folder: Path, versions: int = 30, repository: Path | None = None,
                  first_day: dt.date = dt.date(2026, 8, 1), per_day: bool = False) -> int:
    """Make ``repository`` (``folder`` by default) a git repository in which
    each client file in ``folder`` has ``versions`` committed versions, the
    last one as the file is now, each on a day of its own between
    ``first_day`` and three times ``versions`` days later, one commit per
    edit (or, ``per_day``, per day). Written with one ``git fast-import``, not a ``git commit`` per
    edit; the working tree is left clean. Deterministic; returns the number
    of commits."""
    repository = repository or folder
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}

    def git(*args: str, stdin: bytes | None = None) -> str:
        return subprocess.run(["git", "-C", str(repository), *args], input=stdin, env=environment,
                              check=True, capture_output=True).stdout.decode()

    if not (repository / ".git").exists():
        git("init", "-q")
    branch = git("symbolic-ref", "HEAD").strip()
    parent = git("for-each-ref", "--format=%(objectname)", branch).strip()  # "" before a first commit
    importer = subprocess.Popen(["git", "-C", str(repository), "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE, env=environment)
    assert importer.stdin is not None
    write = importer.stdin.write
    # Every text as a blob first, as it is made; then the commits, in the order
    # of their moments, each naming its blob by mark.
    edits = []  # (moment, path in the repository, the blob's mark)
    for number, path in enumerate(sorted(folder.glob("*.yaml"))):
        name = path.resolve().relative_to(repository.resolve()).as_posix()
        rng = random.Random(f"history {path.name}")
        days = sorted(rng.sample(range(3 * versions), versions))
        for day, text in zip(days, earlier_versions(path.read_text("utf-8"), versions, rng), strict=True):
            data = text.encode()
            edits.append((dt.datetime.combine(first_day + dt.timedelta(days=day), dt.time(7), dt.UTC)
                          + dt.timedelta(seconds=7 * number), name, len(edits) + 1))
            write(f"blob\nmark :{len(edits)}\ndata {len(data)}\n".encode() + data + b"\n")
    edits.sort()
    # One commit per edit, or per day with that day's edits: a studio that
    # pushes once a day, and a repository that fast-import writes far faster.
    commits = [[edit] for edit in edits] if not per_day else \
        [list(group) for _, group in itertools.groupby(edits, key=lambda edit: edit[0].date())]
    message = b"Edit clients"
    for commit, group in enumerate(commits, start=len(edits) + 1):
        write(f"commit {branch}\nmark :{commit}\n"
              f"committer Studio <studio@example.invalid> {int(group[-1][0].timestamp())} +0000\n"
              f"data {len(message)}\n".encode() + message + b"\n")
        if commit > len(edits) + 1:
            write(f"from :{commit - 1}\n".encode())
        elif parent:
            write(f"from {parent}\n".encode())
        write(b"".join(f"M 100644 :{blob} {name}\n".encode() for _, name, blob in group))
    write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit(f"git fast-import failed in {repository}")
    git("reset", "-q")  # the index as the last commit, which is what the files hold
    return len(commits)
