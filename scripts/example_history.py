"""The sample site with a short history: ``make example-history``.

A portal's history comes from the git history of ``clients/``, and a fresh
copy of this repository cannot be relied on for one: a copy made from a
template or a tarball has none, a shallow clone a cut one, and a clone's
own commits are the development of the examples, not a studio's work with a
client. So this replays a small scripted history of one example client,
Acme's ``clients/acme.yaml``, into a throwaway repository and builds the
sample site there, always the same way:

- Fri 16 Oct 2026: the proposal, with a content workshop, no signature yet,
  and 10 business days of grace for the client;
- Tue 20 Oct: the agreement signed;
- Thu 22 Oct: the kickoff done;
- Wed 28 Oct: the workshop dropped, the content due a week later, the build
  moved with it;
- Tue 3 Nov: the design concepts done;
- Tue 10 Nov: the client's grace period 10 → 5 business days (after
  signing), the build moved again;
- Fri 20 Nov: the file as shipped.

The older versions are made from the shipped file by replacing exact
lines, so they follow it; when the file no longer has one of those lines
(a studio edited or removed the example), this says so and builds nothing.
The studio's own repository, clients and output are never touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from courtside import files
from courtside.build.publishing import output_lock
from courtside.gitlog import PATH_VARIABLES
from courtside.loader import load_client
from courtside.settings import PORTALS_FOLDER

REPOSITORY = Path(__file__).resolve().parent.parent
#: Marks a folder as this script's, which it may empty and write again.
MARK = ".courtside-example-history"
CLIENT = "acme.yaml"

WORKSHOP = """\
      - id: workshop
        title: Content workshop
        owner: studio
        due: 2026-10-27
"""

#: The day the shipped file is committed, and the day of the version before
#: it: the shipped file without its ``notices:`` (the preview site's move,
#: the last thing added).
SHIPPED_DAY, BEFORE_NOTICES_DAY = "2026-11-20", "2026-11-10"
#: Each version before that, newest first: its day, and the replacements that
#: turn the version after it into it (each text found exactly once).
OLDER: list[tuple[str, list[tuple[str, str]]]] = [
    ("2026-11-03", [("        grace_days: {studio: 5, client: 5}\n",
                     "        grace_days: {studio: 5, client: 10}\n"),
                    ("        due: 2026-12-04\n", "        due: 2026-11-27\n")]),
    ("2026-10-28", [("        due: 2026-10-30\n        done: 2026-11-03\n",
                     "        due: 2026-10-30\n")]),
    ("2026-10-22", [("      - id: content\n", WORKSHOP + "      - id: content\n"),
                    ("        due: 2026-11-06\n", "        due: 2026-10-30\n"),
                    ("        due: 2026-11-27\n", "        due: 2026-11-20\n")]),
    ("2026-10-20", [("        due: 2026-10-22\n        done: 2026-10-22\n",
                     "        due: 2026-10-22\n")]),
    ("2026-10-16", [("      signed: 2026-10-20\n", "")]),
]


class DoesNotFit(Exception):
    """The client file is not the shipped example the history was written for."""


def _notices(text: str) -> str:
    """The shipped file's ``notices:`` block (the preview site's move, added
    last), to be taken out of the versions before it."""
    start = text.find("    notices:")
    end = text.find("    log:", start)
    if start < 0 or end < 0:
        raise DoesNotFit("no 'notices:' block followed by 'log:'")
    return text[start:end]


def versions(shipped: str) -> list[tuple[str, str]]:
    """Every version of Acme's file, oldest first, as (day, text), the
    shipped text last. Raises ``DoesNotFit``."""
    text = shipped.replace(_notices(shipped), "", 1)
    made = [(SHIPPED_DAY, shipped), (BEFORE_NOTICES_DAY, text)]
    for day, edits in OLDER:
        for old, new in edits:
            if text.count(old) != 1:
                raise DoesNotFit(f"no line {old.strip().splitlines()[0]!r}")
            text = text.replace(old, new)
        made.append((day, text))
    return made[::-1]


def _without_callers_repository() -> dict[str, str]:
    """The environment less the variables that name a repository by its
    path (a git hook or ``git rebase --exec`` sets GIT_DIR): the git here
    and the build must both find the throwaway repository."""
    return {name: value for name, value in os.environ.items() if name not in PATH_VARIABLES}


def _git(folder: Path, *args: str, day: str | None = None) -> None:
    """git in ``folder``, with nothing of the user's configuration (no hooks,
    no signing, no repository named by the caller's environment) and a fixed
    author; a commit dated at noon, UTC+1."""
    environ = {**_without_callers_repository(), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_AUTHOR_NAME": "Example Studio", "GIT_AUTHOR_EMAIL": "studio@example.invalid",
               "GIT_COMMITTER_NAME": "Example Studio", "GIT_COMMITTER_EMAIL": "studio@example.invalid"}
    if day:
        environ["GIT_AUTHOR_DATE"] = environ["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+01:00"
    subprocess.run(["git", "-C", str(folder), *args], env=environ, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _throwaway(folder: Path) -> None:
    """``folder`` empty and marked as this script's; one that holds
    anything else is refused, never emptied."""
    if folder.exists():
        if not (folder / MARK).is_file():
            raise SystemExit(f"example-history: {folder} exists and is not one this script made; "
                             "choose another folder (--into)")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARK).write_text("made by scripts/example_history.py; removed by its next run\n", "utf-8")


def make_site(site: Path, folder: Path) -> Path:
    """The sample site at ``site`` (its settings, content and client files)
    in ``folder``, a new repository with Acme's scripted history; the
    theme and plugins are the repository's own. Returns Acme's client file."""
    try:
        shipped = (site / "clients" / CLIENT).read_text("utf-8")
    except FileNotFoundError:
        raise SystemExit(f"example-history: {site / 'clients' / CLIENT} is not there (courtside init "
                         "removes the examples): the scripted history is of that example") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"example-history: {site / 'clients' / CLIENT}: {error}") from None
    try:
        history = versions(shipped)
    except DoesNotFit as error:
        raise SystemExit(f"example-history: {site / 'clients' / CLIENT} is no longer the shipped "
                         f"example ({error}): the scripted history is of that file") from None
    _throwaway(folder)
    shutil.copytree(site / "content", folder / "content")
    shutil.copytree(site / "clients", folder / "clients")
    for name in ("pelicanconf.py", "publishconf.py"):
        if (site / name).is_file():
            shutil.copy2(site / name, folder / name)
    for name in ("theme", "plugins"):
        (folder / name).symlink_to(REPOSITORY / name, target_is_directory=True)
    (folder / ".gitignore").write_text("/output/\n/cache/\n/theme\n/plugins\n" + MARK + "\n", "utf-8")
    _git(folder, "init", "-q")
    client = folder / "clients" / CLIENT
    for number, (day, text) in enumerate(history):
        client.write_text(text, "utf-8")
        _git(folder, "add", "-A" if number == 0 else str(client))
        _git(folder, "commit", "-q", "--no-verify", "-m", f"Acme, {day}", day=day)
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="example_history.py",
        description="Build the sample site with a short scripted history of Acme's client file, "
                    "in a throwaway repository.")
    parser.add_argument("--site", type=Path, default=REPOSITORY,
                        help="the site whose settings, content and clients to copy (default: this "
                             "repository)")
    parser.add_argument("--into", type=Path, default=REPOSITORY / "cache" / "example-history",
                        help="the throwaway repository (default: cache/example-history)")
    options = parser.parse_args(argv)
    folder = options.into.resolve()
    try:
        # The throwaway folder is this run's output: held as a build holds its own.
        lock = files.hold_lock(output_lock(folder))
    except files.Busy:
        print(f"example-history: another run is making {folder}; open its page when it is done",
              file=sys.stderr)
        return 1
    try:
        return _run(options.site.resolve(), folder)
    finally:
        os.close(lock)


def _run(site: Path, folder: Path) -> int:
    """Make the site in ``folder`` and build it, under the lock."""
    try:
        client = make_site(site, folder)
    except KeyboardInterrupt:
        print("example-history: interrupted", file=sys.stderr)
        return 130
    except subprocess.CalledProcessError as error:
        said = error.stderr.decode("utf-8", "replace").strip() if error.stderr else ""
        print(f"example-history: git {error.cmd[3]} failed in {folder}: {said}", file=sys.stderr)
        return 1
    except OSError as error:  # no git, or a folder that cannot be written
        said = "git is needed to make the throwaway repository, and is not on the PATH" \
            if isinstance(error, FileNotFoundError) and error.filename == "git" else str(error)
        print(f"example-history: {said}", file=sys.stderr)
        return 1
    try:
        built = subprocess.run([sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-q"],
                               cwd=folder, env=_without_callers_repository(), check=False)
    except KeyboardInterrupt:  # the build says so itself
        return 130
    if built.returncode != 0:
        return built.returncode
    # Read as the build read it: Acme's one project, at its portal's address.
    acme, _document, _problems = load_client(client, "UTC")
    assert acme is not None, "the build loaded it"
    page = folder / "output" / PORTALS_FOLDER / acme.projects[0].token / "index.html"
    shown = os.path.relpath(page) if page.is_relative_to(Path.cwd()) else str(page)
    print(f"The sample site with Acme's scripted history: open {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
