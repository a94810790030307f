"""Interrupting a build at any moment: a production build publishes all of
the new site or nothing, every interrupted build exits non-zero, and no
process it started outlives it.

Each case starts a real parallel build in its own process group, sends the
signal to the whole group (as Ctrl-C in a terminal does) after a delay, and
loops over delays across the build rather than trusting one lucky moment."""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from courtside import cli
from helpers import EPOCH, REPO, interrupted_build, new_site, tree

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import write_clients  # noqa: E402

SITEURL = "https://portals.example"
DAY = 86400
#: After Courtside has started building (its staging folder appears), to
#: after the build ends. (Before the plugin loads, Ctrl-C is Pelican's.)
DELAYS = (0.0, 0.2, 0.5, 0.8, 1.2, 1.6, 2.2, 3.0)
_minutes = itertools.count(1)


def new_moment() -> int:
    """A build time no other build of this module has used (a minute later
    each time, the same day): each published site differs from the last."""
    return EPOCH + 60 * next(_minutes)


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory):
    """Enough clients for two workers and a build of a couple of seconds,
    already published once."""
    site = new_site(tmp_path_factory.mktemp("busy") / "site", examples=False)
    write_clients(site.clients, 80)
    result = site.build("publishconf.py", env={"SITEURL": SITEURL})
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.e2e
def test_an_interrupted_production_build_publishes_everything_or_nothing(busy_site, number):
    outcomes = set()
    for delay in DELAYS:
        before = tree(busy_site.output)
        code, err = interrupted_build(busy_site, "publishconf.py", delay, number,
                                      new_moment(), {"SITEURL": SITEURL})
        after = tree(busy_site.output)
        assert "Traceback" not in err, err
        leftovers = [p.name for p in busy_site.root.iterdir() if "courtside" in p.name]
        assert leftovers == [], leftovers
        if code == 0:  # the signal came after the build: the new site, whole
            assert after != before and "index.html" in after and "_headers" in after
            outcomes.add("new")
        elif "the new site had already been published" in err:
            assert code == 128 + number and after != before
            outcomes.add("new")
        elif code == -number:
            # The signal came as the process was ending, after Python gave
            # back its handlers: the site is whichever was there, complete.
            assert after == before or ("index.html" in after and "_headers" in after
                                       and len(after) == len(before))
            outcomes.add("at the end")
        else:
            assert code == 128 + number, (delay, code, err)
            assert "nothing was published, the output folder is as it was" in err
            assert after == before, f"the output changed after an interrupt at {delay} s"
            outcomes.add("old")
    assert "old" in outcomes  # the loop did interrupt builds, not only watch them finish


AS_OF = re.compile(r'<time datetime="(\d{4}-\d\d-\d\d)" data-as-of>')


@pytest.mark.e2e
def test_an_interrupted_preview_build_exits_non_zero_and_never_mixes_two_builds(busy_site):
    busy_site.build("pelicanconf.py", env={"SITEURL": SITEURL})
    for index, delay in enumerate(DELAYS[:6]):
        code, err = interrupted_build(busy_site, "pelicanconf.py", delay, signal.SIGINT,
                                      EPOCH + DAY * (index + 1), {"SITEURL": SITEURL})  # every build's date differs
        assert "Traceback" not in err, err
        # 0: it had finished; -2: the signal came as the process was ending.
        assert code in (0, 130, -signal.SIGINT), (delay, code, err)
        dates = {AS_OF.search(page.read_text()).group(1)
                 for page in busy_site.output.glob("p/*/index.html")}
        dashboard = next(busy_site.output.glob("studio/*/index.html")).read_text()
        # Every portal and the dashboard come from one and the same build.
        assert len(dates) == 1 and dates.pop() in dashboard, (delay, code)
        assert [p.name for p in busy_site.root.iterdir() if "courtside" in p.name] == []


@pytest.mark.e2e
def test_ctrl_c_twice_still_ends_the_build_at_once_with_no_process_left(busy_site):
    for delay in DELAYS[:5]:
        before = tree(busy_site.output)
        code, err = interrupted_build(busy_site, "publishconf.py", delay, signal.SIGINT,
                                      new_moment(), {"SITEURL": SITEURL},
                                      again=0.05)
        assert "Traceback" not in err, err
        assert code in (0, 130, -signal.SIGINT), (delay, code, err)
        if code == 130 and "already been published" not in err:
            assert tree(busy_site.output) == before


def test_the_new_site_is_swapped_in_whole_even_where_folders_cannot_be_exchanged(tmp_path,
                                                                                  monkeypatch):
    from courtside.build import publishing

    output, fresh = tmp_path / "output", tmp_path / ".output.courtside-next"
    (output / "p" / "old").mkdir(parents=True)
    (output / "index.html").write_text("old")
    (fresh / "p" / "new").mkdir(parents=True)
    (fresh / "index.html").write_text("new")
    monkeypatch.setattr(publishing, "_exchange", lambda first, second: False)
    publishing.swap_in(fresh, output)
    assert tree(output) == {"index.html": b"new"} and (output / "p" / "new").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def processes_in_session(session: int) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process in ``session``, read
    from /proc directly: quicker than ``ps``, so that a short build is seen."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            args = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) "
        if int(fields[3]) == session:
            found.append((int(entry.name), int(fields[1]), args))
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("fatal", [(), ("--fatal", "warnings")], ids=["publishconf", "make-publish"])
def test_a_worker_killed_by_the_system_costs_time_not_the_build(busy_site, fatal):
    """As the kernel's out-of-memory killer would: one worker gets SIGKILL.
    The build finishes in one process, publishes the whole site, and says
    why it was slow: said, not logged as a warning, which `make publish`
    (--fatal warnings) turned into a traceback for a build that loses nothing."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH + 7 * DAY), "SITEURL": SITEURL,
               "PYTHONFAULTHANDLER": "1"}
    build = subprocess.Popen([sys.executable, "-m", "pelican", "-s", "publishconf.py", *fatal],
                             cwd=busy_site.root, env=environ, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    victim, seen = None, []
    deadline = time.monotonic() + 60
    while victim is None and build.poll() is None and time.monotonic() < deadline:
        seen = processes_in_session(build.pid)
        # Forked from the build (a copy of it: the same command), or started
        # by a fork server where forking is not safe.
        servers = {pid for pid, _, args in seen if "forkserver" in args}
        workers = [pid for pid, parent, args in seen if parent in servers
                   or parent == build.pid and "pelican" in args]
        if workers and any("courtside" in p.name for p in busy_site.root.iterdir()):
            victim = workers[0]
        time.sleep(0.02)
    if victim is None:
        build.kill()
        out, err = build.communicate(timeout=30)
        pytest.fail(f"no worker was seen (exit {build.returncode}); last seen {seen}:\n{err[-4000:]}")
    os.kill(victim, signal.SIGKILL)
    try:
        out, err = build.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGABRT)
        out, err = build.communicate(timeout=30)
        os.killpg(build.pid, signal.SIGKILL)
        pytest.fail(f"the build hung after a worker was killed:\n{err[-8000:]}")
    assert build.returncode == 0, err
    assert "Traceback" not in err
    assert "building in one process" in err + out
    dates = {AS_OF.search(page.read_text()).group(1)
             for page in busy_site.output.glob("p/*/index.html")}
    assert dates == {time.strftime("%Y-%m-%d", time.gmtime(EPOCH + 7 * DAY))} and len(list(busy_site.output.glob("p/*/index.html"))) >= 80


def test_an_output_folder_that_cannot_be_renamed_gets_its_contents_replaced(tmp_path,
                                                                           monkeypatch):
    """A mount point: the new site (possibly on another file system) is
    copied in whole first; a disk that fills meanwhile leaves the old one."""
    import errno

    from courtside.build import publishing

    output, fresh = tmp_path / "output", tmp_path / ".output.courtside-next"
    (output / "p" / "old").mkdir(parents=True)
    (output / "index.html").write_text("old")
    (fresh / "p" / "new").mkdir(parents=True)
    (fresh / "index.html").write_text("new")
    rename = os.rename

    def mount_point(source, target):
        if Path(source) == output:
            raise OSError(errno.EBUSY, "Device or resource busy", str(source))
        rename(source, target)
    monkeypatch.setattr(publishing, "_exchange", lambda first, second: False)
    monkeypatch.setattr(publishing.os, "rename", mount_point)

    def full_disk(source, target, **kwargs):
        Path(target).mkdir()
        (Path(target) / "half").write_text("x")
        raise OSError(errno.ENOSPC, "No space left on device", str(target))
    with monkeypatch.context() as disk:
        disk.setattr(publishing.shutil, "copytree", full_disk)
        with pytest.raises(OSError):
            publishing.swap_in(fresh, output)
    assert tree(output) == {"index.html": b"old"} and (output / "p" / "old").is_dir()

    publishing.swap_in(fresh, output)
    assert tree(output) == {"index.html": b"new"} and (output / "p" / "new").is_dir()
    assert sorted(p.name for p in output.iterdir()) == ["index.html", "p"]
    assert not fresh.exists()


def _loading_courtside(pid: int) -> bool:
    """Whether the process has got as far as loading Courtside's YAML
    parser: past Python's own start, in the middle of the command's imports."""
    try:
        return "_yaml" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return True  # it has ended already: nothing left to wait for


@pytest.mark.e2e
def test_ctrl_c_while_the_command_is_loading_ends_it_as_any_interrupt(site):
    """The installed `courtside` takes a noticeable part of a second to load
    (Pelican, ruamel.yaml, jsonschema, Babel). Ctrl-C then, as a studio
    presses it on seeing the wrong command, printed Python's traceback and
    ended by the signal, where the README promises `courtside: interrupted`
    and exit 130."""
    script = Path(sys.executable).with_name("courtside")
    for _ in range(3):
        command = subprocess.Popen([str(script), "status"], cwd=site.root, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)})
        deadline = time.monotonic() + 30
        while not _loading_courtside(command.pid) and time.monotonic() < deadline:
            time.sleep(0.001)
        command.send_signal(signal.SIGINT)
        _, err = command.communicate(timeout=60)
        assert (command.returncode, err) in ((130, "courtside: interrupted\n"), (0, "")), err


def test_an_interrupt_where_python_cannot_raise_still_ends_the_build():
    """Ctrl-C can land inside a weak reference's callback during an import,
    or a ``__del__``, where Python cannot raise: it printed "Exception ignored
    in …" with a traceback, and the build went on to the end, published
    nothing and exited 0 (seen once in a whole test run). The interrupt is
    taken again at the next place it can be."""
    program = f"""
import signal, sys
sys.path.insert(0, {str(REPO / "plugins")!r})
from courtside.build.publishing import Publication
Publication().catch_interrupts()

class Landing:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C, while Python cannot raise

Landing()
import time
time.sleep(5)  # the build goes on
print("went on")
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stdout) == (130, ""), result
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr == "Courtside: interrupted; nothing was published, the output folder is as it was\n"


#: A class body whose attribute's ``__set_name__`` is where Ctrl-C lands, as
#: it did in CI while ``yamlsource.Document`` (a dataclass) was defined: Python
#: 3.11 wraps the KeyboardInterrupt in a RuntimeError.
CTRL_C_IN_A_CLASS_BODY = """
import signal

class Landing:
    def __set_name__(self, owner, name):
        signal.raise_signal(signal.SIGINT)

class Loading:
    field = Landing()
"""


def installed_command_with(tmp_path: Path, cli_source: str) -> subprocess.CompletedProcess:
    """The installed command's ``main`` (courtside_command.py) run with a
    ``courtside.cli`` of ``cli_source`` in place of Courtside's own."""
    package = tmp_path / "courtside"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text(cli_source)
    program = (f"import sys; sys.path[:0] = [{str(tmp_path)!r}, {str(REPO / 'plugins')!r}]\n"
               "from courtside_command import main\nsys.exit(main())\n")
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=60)


def test_ctrl_c_landing_in_a_class_body_as_the_command_loads_ends_it_as_any_interrupt(tmp_path):
    """Ctrl-C while the installed command loads, landing in a class body:
    Python's traceback, "RuntimeError: Error calling __set_name__", where the
    README promises `courtside: interrupted` and exit 130 (1 CI run in 10)."""
    result = installed_command_with(tmp_path, CTRL_C_IN_A_CLASS_BODY + "\ndef main():\n    return 0\n")
    assert (result.returncode, result.stderr) == (130, "courtside: interrupted\n"), result


def main_as_in_a_terminal(argv: list[str]) -> int:
    """``cli.main(argv)`` with Ctrl-C raising KeyboardInterrupt, as in a
    terminal (pytest's own handling of it put aside meanwhile)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return cli.main(argv)
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_landing_in_a_library_a_command_loads_as_it_runs_ends_it_as_any_interrupt(
        site, monkeypatch, capsys):
    """The same Ctrl-C once the command runs and loads a library lazily (the
    holidays package, as `status` checks a region): the traceback of a
    RuntimeError, where `courtside: interrupted` and 130 were due."""
    def status_loading_a_library(args):
        exec(CTRL_C_IN_A_CLASS_BODY, {})
        return 0

    monkeypatch.chdir(site.root)
    monkeypatch.setattr(cli, "status", status_loading_a_library)
    code = main_as_in_a_terminal(["status"])
    assert (code, capsys.readouterr().err) == (130, "courtside: interrupted\n")


@pytest.mark.e2e
def test_ctrl_c_landing_in_a_class_body_during_a_build_ends_it_as_any_interrupt(site):
    """A production build interrupted while a library it loads defines a
    class: Python wrapped the interrupt in a RuntimeError, which Pelican
    logged as "CRITICAL: RuntimeError: Error calling __set_name__" and ended
    with 1, where an interrupted build says so and ends with 130."""
    site.build("publishconf.py", env={"SITEURL": SITEURL}).check_returncode()
    before = tree(site.output)
    extra = site.root / "extra"
    extra.mkdir()
    (extra / "loads_a_library.py").write_text(
        "from pelican import signals\n\n"
        "def load(generators):\n"
        f"    exec({CTRL_C_IN_A_CLASS_BODY!r}, {{}})\n\n"
        "def register():\n"
        "    signals.all_generators_finalized.connect(load)\n")
    (site.root / "interruptedconf.py").write_text(
        "from publishconf import *\n\n"
        "PLUGIN_PATHS = [*PLUGIN_PATHS, 'extra']\nPLUGINS = [*PLUGINS, 'loads_a_library']\n")
    result = site.build("interruptedconf.py", env={"SITEURL": SITEURL})
    assert result.returncode == 130, result.stderr
    assert "Error" not in result.stdout + result.stderr, result
    assert "Traceback" not in result.stdout + result.stderr, result
    assert result.stderr.endswith(
        "Courtside: interrupted; nothing was published, the output folder is as it was\n")
    assert tree(site.output) == before


def test_ctrl_c_as_a_finished_command_exits_keeps_its_exit_code(tmp_path):
    """Ctrl-C pressed as a command ends, once it has said what it had to:
    Python ended the process by the signal (exit -2 to the shell), the
    command's own exit code lost (1 in 6 of Ctrl-Cs in a command's last
    moments)."""
    result = installed_command_with(tmp_path, (
        "import atexit, signal\n\n"
        "def main():\n"
        "    atexit.register(signal.raise_signal, signal.SIGINT)  # as Python exits\n"
        "    print('1 error in the client files')\n"
        "    return 1\n"))
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "1 error in the client files\n", ""), result


#: Ctrl-C landing where Python cannot raise it: the weak-reference callback
#: that drops an import's lock, as a command loads a library lazily.
CTRL_C_WHERE_PYTHON_CANNOT_RAISE = """
import signal

class Landing:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)

Landing()
"""


def test_ctrl_c_landing_where_python_cannot_raise_as_a_command_runs_ends_it(
        site, monkeypatch, capsys):
    """Ctrl-C inside an import lock's callback as `status` loaded a library:
    Python printed "Exception ignored in: <function _get_module_lock.<locals>.cb>"
    and its traceback, and the command went on to the end with its own exit
    code, the interrupt lost (1 Ctrl-C in 120 in the first half second)."""
    def status_loading_a_library(args):
        exec(CTRL_C_WHERE_PYTHON_CANNOT_RAISE, {})
        time.sleep(5)  # the command goes on
        print("went on")
        return 0

    monkeypatch.chdir(site.root)
    monkeypatch.setattr(cli, "status", status_loading_a_library)
    code = main_as_in_a_terminal(["status"])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (130, "", "courtside: interrupted\n")


@pytest.mark.parametrize("command", [
    ["rotate", "acme", "website-redesign"],
    ["new", "globex", "--name", "Globex"],
    ["done", "acme", "website-redesign", "content", "--date", "2026-11-20"],
], ids=lambda command: command[0])
def test_ctrl_c_once_an_edit_is_written_lets_the_command_say_what_it_did(
        site, monkeypatch, capsys, command):
    """Ctrl-C in the moment an edit had been written (the folder flushed to
    disk): `rotate` said "courtside: interrupted" and exited 130, its new link
    never printed, with the file changed all the same, where the README says
    an interrupted edit leaves the file as it was (2 Ctrl-Cs in 150). Once
    the file is being written, the command finishes and says what it did."""
    from courtside import files

    def flushed_then_interrupted(folder):
        signal.raise_signal(signal.SIGINT)

    monkeypatch.chdir(site.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setattr(files, "_fsync_folder", flushed_then_interrupted)
    before = {path.name: path.read_bytes() for path in site.clients.iterdir()}
    code = main_as_in_a_terminal(command)
    captured = capsys.readouterr()
    after = {path.name: path.read_bytes() for path in site.clients.iterdir()}
    assert after != before
    assert code == 0, captured
    assert "interrupted" not in captured.err
    assert captured.out.startswith(("Gave", "Created", "Marked", "Changed")), captured.out
    if command[0] in ("rotate", "new"):
        assert "link" in captured.out.splitlines()[-1]
