"""Edits of client files never lose an update, never half-write a file, and
keep what the studio chose: line endings, permissions, symbolic links.
In-process through ``main(argv)``, and in separate processes where two
commands at once are the point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from courtside import cli

GAMMA = textwrap.dedent("""\
    # Gamma, edited by hand.
    name: Gamma GmbH
    projects:
      - id: shop
        title: Shop
        token: Gamma0Shop0Token0Abcdef
        agreement: {template: plain}
        milestones:
          - {title: Brief, owner: client, due: 2026-12-01}
    """)
TOKEN = re.compile(rb"token: ([A-Za-z0-9_-]{22,})")


@pytest.fixture
def gamma(empty_site, monkeypatch):
    monkeypatch.chdir(empty_site.root)
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")
    return empty_site.write_client("gamma", GAMMA)


def run(*argv: str) -> int:
    return cli.main(list(argv))


def test_rotate_keeps_crlf_line_endings(gamma, capsys):
    gamma.write_bytes(GAMMA.replace("\n", "\r\n").encode())
    assert run("rotate", "gamma", "shop") == 0
    data = gamma.read_bytes()
    assert data.count(b"\r\n") == GAMMA.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert TOKEN.search(data)[1].decode() in capsys.readouterr().out


def test_add_project_keeps_crlf_line_endings(gamma):
    gamma.write_bytes(GAMMA.replace("\n", "\r\n").encode())
    assert run("add-project", "gamma", "app", "--title", "App") == 0
    data = gamma.read_bytes()
    assert data.startswith(GAMMA.replace("\n", "\r\n").encode())
    assert b"\n" not in data.replace(b"\r\n", b"") and b"id: app\r\n" in data


def test_edits_keep_the_files_permissions(gamma):
    gamma.chmod(0o600)
    assert run("rotate", "gamma", "shop") == 0
    assert run("add-project", "gamma", "app", "--title", "App") == 0
    assert gamma.stat().st_mode & 0o777 == 0o600


def test_edits_write_through_a_symbolic_link(gamma, tmp_path):
    kept = tmp_path / "kept" / "gamma.yaml"
    kept.parent.mkdir()
    gamma.rename(kept)
    gamma.symlink_to(kept)
    assert run("rotate", "gamma", "shop") == 0
    assert gamma.is_symlink() and os.readlink(gamma) == str(kept)
    assert TOKEN.search(kept.read_bytes())[1] != b"Gamma0Shop0Token0Abcdef"


def test_no_temporary_file_is_left_behind(gamma):
    assert run("rotate", "gamma", "shop") == 0
    assert run("add-project", "gamma", "app", "--title", "App") == 0
    assert sorted(p.name for p in gamma.parent.iterdir()) == ["gamma.yaml"]


@pytest.mark.parametrize("argv, words", [
    (["new", "delta", "--name", ""], "the name must not be empty"),
    (["new", "delta", "--name", "   "], "the name must not be empty"),
    (["new", "delta", "--name", "Delta", "--title", " "], "the title must not be empty"),
    (["add-project", "gamma", "app", "--title", ""], "the title must not be empty"),
    # Pasted from a terminal or a word processor: no YAML file may hold a raw
    # control character, and no page could show one.
    (["new", "delta", "--name", "Bell\a Co"],
     "the name holds a control character (U+0007"),
    (["new", "delta", "--name", "Delta", "--title", "\x1b[31mRed"],
     "the title holds a control character (U+001B"),
    (["add-project", "gamma", "app", "--title", "Delete\x7f"],
     "the title holds a control character (U+007F"),
    # Nor a character YAML forbids that is no control character: a file
    # `check` refused was written; a byte that is not UTF-8 in the command
    # line (Python keeps it as a lone surrogate) ended in a traceback.
    (["new", "delta", "--name", "Delta\ufffe"], "the name holds U+FFFE, "),
    (["new", "delta", "--name", "Delta", "--title", "Caf\udce9"], "the title holds U+DCE9, "),
    (["add-project", "gamma", "app", "--title", "App\uffff"], "the title holds U+FFFF, "),
])
def test_empty_names_and_titles_are_refused(gamma, capsys, argv, words):
    before = gamma.read_bytes()
    assert run(*argv) == 1
    assert words in capsys.readouterr().err
    assert gamma.read_bytes() == before and not (gamma.parent / "delta.yaml").exists()


def test_new_writes_a_long_name_and_title_that_check_reads_back(gamma, capsys):
    """A name longer than the YAML writer's line width (4,096) was folded onto
    a second line at the left margin: `new` wrote a file nothing could read."""
    import yaml

    name = " ".join(["Wörd"] * 1000)  # 5,000 characters
    assert run("new", "delta", "--name", name, "--title", f"{name}!") == 0
    capsys.readouterr()
    assert run("check") == 0, capsys.readouterr()
    data = yaml.safe_load((gamma.parent / "delta.yaml").read_text("utf-8"))
    assert (data["name"], data["projects"][0]["title"]) == (name, f"{name}!")


def test_an_edit_while_another_holds_the_file_changes_nothing(gamma, capsys):
    from courtside import files

    before = gamma.read_bytes()
    with files.locked(gamma):
        assert run("rotate", "gamma", "shop") == 1
    assert "another command is editing" in capsys.readouterr().err
    assert gamma.read_bytes() == before


@pytest.mark.parametrize("error", [
    PermissionError(13, "Permission denied"), OSError(30, "Read-only file system"),
    OSError(28, "No space left on device")])
def test_a_folder_that_cannot_be_written_gives_one_line(gamma, capsys, monkeypatch, error):
    # As root the tests cannot make a folder read-only; the system's answer
    # is the same error wherever it comes from.
    from courtside import files

    def refuse(path, data, **kwargs):
        error.filename = str(path)
        raise error
    monkeypatch.setattr(files, "write_atomically", refuse)
    before = gamma.read_bytes()
    assert run("rotate", "gamma", "shop") == cli.EXIT_SYSTEM
    err = capsys.readouterr().err
    assert err == f"courtside: {gamma}: {error.strerror}\n"
    assert gamma.read_bytes() == before


@pytest.mark.e2e
def test_two_rotations_at_once_never_lose_an_update(gamma):
    """Many rounds of two `rotate`s started together: every token a command
    printed as the new link is the one in the file, or the command said it
    changed nothing."""
    environ = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[1])}
    for _ in range(15):
        commands = [subprocess.Popen([sys.executable, "-m", "courtside.cli", "rotate", "gamma", "shop"],
                                     cwd=gamma.parents[1], env=environ, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    for _ in range(2)]
        results = [(c.wait(timeout=60), *c.communicate()) for c in commands]
        in_file = TOKEN.search(gamma.read_bytes())[1].decode()
        printed = [re.search(r"p/([A-Za-z0-9_-]+)/", out)[1] for code, out, _ in results if code == 0]
        assert printed, results
        assert printed[-1] == in_file or in_file in printed
        assert len(printed) == 1 or printed[0] != printed[1]
        for code, _, err in results:
            assert code in (0, 1) and "Traceback" not in err
            if code == 1:
                assert "another command is editing" in err
        # Whoever printed a link last wrote last: its token is the file's.
        if len(printed) == 2:
            assert in_file in printed
