"""The README's table of failures is true, row by row.

Each row names a failure, the commands it is made to happen for, the exit
code and the message. This module reads the table, makes each failure happen
for each command named (in-process through ``main(argv)`` where the failure
allows, with real processes where it is about processes: full disks, closed
pipes, interrupted builds) and compares. A row without a way to make its
failure happen fails the test, so a new row cannot be a promise nobody
checks."""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Callable

import pytest

import helpers
from helpers import EPOCH, REPO, Site, interrupted_build, new_site

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import write_clients  # noqa: E402

ACME = """\
name: Acme Corp
projects:
  - id: shop
    title: Shop
    token: Acme0Shop0Token0Abcdefg
    agreement: {template: plain}
    milestones:
      - {title: Brief, owner: client, due: 2026-12-01}
    log:
      - {date: 2026-11-16, by: client, text: A blog too., change: {status: proposed}}
"""
#: A valid call of each command on the site below.
CALLS = {
    "check": ["check"],
    "init": ["init", "--name", "Zed"],
    "new": ["new", "zed", "--name", "Zed"],
    "add-project": ["add-project", "acme", "blog", "--title", "Blog"],
    "rotate": ["rotate", "acme", "shop"],
    "invite": ["invite", "acme", "shop"],
    "decide": ["decide", "acme", "shop", "1", "--approved"],
    "done": ["done", "acme", "shop", "brief"],
    "serve": ["serve", "--port", "0"],
    "status": ["status"],
    "links": ["links"],
    "token": ["token"],
}


def failure_table() -> list[tuple[str, str, int, str]]:
    """(failure, command, exit code, message) for every command of every row."""
    text = (REPO / "README.md").read_text("utf-8")
    table = text.split("<!-- failure-table -->")[1].split("<!-- /failure-table -->")[0]
    cases = []
    for line in table.strip().splitlines()[2:]:
        failure, commands, code, message = (cell.strip() for cell in
                                            re.split(r"(?<!\\)\|", line.strip())[1:-1])
        for command in re.findall(r"`([a-z-]+)`|\b(build)\b", commands):
            cases.append((failure.replace("\\|", "|"), "".join(command), int(code),
                          message.strip("`")))
    return cases


CASES = failure_table()


def matches(message: str, output: str) -> bool:
    """Whether ``output`` is the table's message (``…``: any text), or
    nothing at all for "nothing"."""
    if message == "nothing":
        return output.strip() == ""
    pattern = re.escape(message).replace(re.escape("…"), ".*?")
    return re.search(pattern, output) is not None


@pytest.fixture
def site(tmp_path, monkeypatch) -> Site:
    site = new_site(tmp_path / "site", examples=False)
    (site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")
    site.write_client("acme", ACME)
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setenv("SITEURL", "https://p.example")  # invite's production settings need it
    return site


def in_process(argv: list[str], capsys) -> tuple[int, str]:
    """``courtside ARGV`` in this process: its exit code and everything it printed."""
    result = helpers.in_process(argv, capsys)
    return result.returncode, result.stdout + result.stderr


def in_a_process(site: Site, argv: list[str], *, file_size: int | None = None,
                 close_stdout: bool = False) -> tuple[int, str]:
    """``courtside ARGV`` as a real process: with a file-size limit (a disk
    that takes no more), or with its output read by nobody."""
    def limit():
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    process = subprocess.Popen([sys.executable, "-m", "courtside.cli", *argv], cwd=site.root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=limit)
    if close_stdout:
        process.stdout.close()  # the reader went away before the first line
        err = process.stderr.read()
        return process.wait(timeout=60), err
    out, err = process.communicate(timeout=60)
    return process.returncode, out + err


def build(site: Site, *, file_size: int | None = None) -> tuple[int, str]:
    """A real production build of the site."""
    def limit():
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    result = subprocess.run([sys.executable, "-m", "pelican", "-s", "publishconf.py"],
                            cwd=site.root, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SITEURL": "https://p.example",
                                 "COLUMNS": "400"},
                            preexec_fn=limit)
    leftovers = [p.name for p in site.root.iterdir() if "courtside" in p.name]
    assert leftovers == [], leftovers
    return result.returncode, result.stdout + result.stderr


# -- how each failure is made to happen --------------------------------------------------------

def a_mistake_in_a_client_file(site, command, capsys, monkeypatch):
    site.write_client("broken", "name: Broken\nprojects: []\n")
    return build(site) if command == "build" else in_process(CALLS[command], capsys)


def no_settings_file(site, command, capsys, monkeypatch):
    return in_process([*CALLS[command], "--settings", "nope.py"], capsys)


def a_settings_file_that_fails(site, command, capsys, monkeypatch):
    (site.root / "settings.py").write_text('SITENAME = "Studio"\nX = (\n', "utf-8")
    return in_process([*CALLS[command], "--settings", "settings.py"], capsys)


def no_siteurl(site, command, capsys, monkeypatch):
    monkeypatch.delenv("SITEURL")
    return in_process(CALLS[command], capsys)


def a_wrong_command_line(site, command, capsys, monkeypatch):
    return in_process([*CALLS[command], "--no-such-option"], capsys)


def another_command_editing(site, command, capsys, monkeypatch):
    from courtside import files

    with files.locked(site.clients / "acme.yaml"):
        return in_process(CALLS[command], capsys)


def a_full_disk(site, command, capsys, monkeypatch):
    # As root, nothing is read-only; a file-size limit is a disk that takes
    # nothing more, and the system answers the same way.
    if command == "build":
        return build(site, file_size=8192)
    return in_a_process(site, CALLS[command], file_size=0)


def another_build(site, command, capsys, monkeypatch):
    site.output.mkdir()
    (site.output / "index.html").write_text("the last build")
    from courtside.build.publishing import Publication

    class Other:  # another build of the same site, holding its output folder
        output_path = str(site.output)
        settings = {"DELETE_OUTPUT_DIRECTORY": False}
    other = Publication()
    other.start(Other())
    try:
        code, output = build(site)
    finally:
        for descriptor in other._locks.values():
            os.close(descriptor)
    assert [p.name for p in site.output.iterdir()] == ["index.html"]  # untouched
    return code, output


def a_port_in_use(site, command, capsys, monkeypatch):
    from courtside import preview

    monkeypatch.setattr(preview, "build", lambda settings_file: True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        return in_process(["serve", "--port", str(taken.getsockname()[1])], capsys)


def a_reader_that_goes_away(site, command, capsys, monkeypatch):
    return in_a_process(site, CALLS[command], close_stdout=True)


def ctrl_c(site, command, capsys, monkeypatch, number=signal.SIGINT):
    if command == "build":
        write_clients(site.clients, 80)  # long enough to be caught building
        return interrupted_build(site, "publishconf.py", 0.0, number, EPOCH,
                                 {"SITEURL": "https://p.example"})
    # What Python's handler for Ctrl-C does, at the moment the command starts
    # its work.
    from courtside import cli

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "new_token" if command == "token" else "_pelican_settings", interrupt)
    return in_process(CALLS[command], capsys)


def sigterm(site, command, capsys, monkeypatch):
    return ctrl_c(site, command, capsys, monkeypatch, number=signal.SIGTERM)


SCENARIOS: dict[str, Callable] = {
    "a mistake in a client file": a_mistake_in_a_client_file,
    "no settings file": no_settings_file,
    "a settings file that fails": a_settings_file_that_fails,
    "no SITEURL, so no whole link": no_siteurl,
    "a wrong command line": a_wrong_command_line,
    "another command editing the same file": another_command_editing,
    "a full disk or a read-only folder": a_full_disk,
    "another build writing the same output folder": another_build,
    "a port in use": a_port_in_use,
    "a reader that goes away (`| head -1`)": a_reader_that_goes_away,
    "Ctrl-C": ctrl_c,
    "SIGTERM": sigterm,
}


def test_the_table_names_every_command_and_only_failures_it_can_make_happen():
    assert {failure for failure, *_ in CASES} <= SCENARIOS.keys()
    assert {command for _, command, *_ in CASES} == {*CALLS, "build"}


#: Failures made to happen in a real process whatever the command (see each scenario).
IN_A_PROCESS = {"a full disk or a read-only folder", "a reader that goes away (`| head -1`)"}


def layered(case: tuple[str, str, int, str]):
    """The case, marked e2e when its failure happens in a real build or process."""
    failure, command, *_ = case
    marks = [pytest.mark.e2e] if command == "build" or failure in IN_A_PROCESS else []
    return pytest.param(*case, marks=marks, id=f"{failure} | {command}")


@pytest.mark.parametrize("failure, command, code, message", [layered(case) for case in CASES])
def test_each_failure_gives_the_exit_code_and_message_the_readme_promises(
        site, capsys, monkeypatch, failure, command, code, message):
    got_code, output = SCENARIOS[failure](site, command, capsys, monkeypatch)
    assert "Traceback" not in output, output
    assert got_code == code, output
    assert matches(message, output), output
    if command in ("new", "add-project", "rotate", "decide", "done") and code != 0:
        assert (site.clients / "acme.yaml").read_text("utf-8") == ACME  # nothing was changed
