"""Interrupting a build at any moment: a production build publishes all of
the new site or nothing, every interrupted build exits non-zero, and no
process it started outlives it.

Each case starts a real parallel build in its own process group, sends the
signal to the whole group (as Ctrl-C in a terminal does) after a delay, and
loops over delays across the build rather than trusting one lucky moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import EPOCH, REPO, new_site, tree

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import write_clients  # noqa: E402

SITEURL = "https://portals.example"
#: After Courtside has started building (its staging folder appears), to
#: after the build ends. (Before the plugin loads, Ctrl-C is Pelican's.)
DELAYS = (0.0, 0.2, 0.5, 0.8, 1.2, 1.6, 2.2, 3.0)


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory):
    """Enough clients for two workers and a build of a couple of seconds,
    already published once."""
    site = new_site(tmp_path_factory.mktemp("busy") / "site", examples=False)
    write_clients(site.clients, 80)
    result = site.build("publishconf.py", env={"SITEURL": SITEURL})
    assert result.returncode == 0, result.stderr
    return site


def interrupted_build(site, settings: str, delay: float, number: int, epoch: int):
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "SITEURL": SITEURL}
    build = subprocess.Popen([sys.executable, "-m", "pelican", "-s", settings], cwd=site.root,
                             env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while build.poll() is None and time.monotonic() < deadline and not any(
            "courtside" in path.name for path in site.root.iterdir()):
        time.sleep(0.02)
    time.sleep(delay)
    try:
        os.killpg(build.pid, number)
    except ProcessLookupError:
        pass  # it had finished
    out, err = build.communicate(timeout=120)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # helpers get a moment to see their parent go
        try:
            os.killpg(build.pid, 0)
        except ProcessLookupError:
            return build.returncode, err
        time.sleep(0.1)
    left = subprocess.run(["ps", "-o", "pid,cmd", "-g", str(build.pid)], capture_output=True,
                          text=True).stdout
    os.killpg(build.pid, signal.SIGKILL)
    pytest.fail(f"processes outlived the build:\n{left}")


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_production_build_publishes_everything_or_nothing(busy_site, number):
    outcomes = set()
    for index, delay in enumerate(DELAYS):
        before = tree(busy_site.output)
        code, err = interrupted_build(busy_site, "publishconf.py", delay, number,
                                      EPOCH + 60 * (index + 1))  # every build differs
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


def test_an_interrupted_preview_build_exits_non_zero_and_leaves_no_process(busy_site):
    for delay in DELAYS[:4]:
        code, err = interrupted_build(busy_site, "pelicanconf.py", delay, signal.SIGINT, EPOCH)
        assert "Traceback" not in err, err
        # 0: it had finished; -2: the signal came as the process was ending.
        assert code in (0, 130, -signal.SIGINT), (delay, code, err)


def test_the_new_site_is_swapped_in_whole_even_where_folders_cannot_be_exchanged(tmp_path,
                                                                                  monkeypatch):
    from courtside import publishing

    output, fresh = tmp_path / "output", tmp_path / ".output.courtside-next"
    (output / "p" / "old").mkdir(parents=True)
    (output / "index.html").write_text("old")
    (fresh / "p" / "new").mkdir(parents=True)
    (fresh / "index.html").write_text("new")
    monkeypatch.setattr(publishing, "_exchange", lambda first, second: False)
    publishing.swap_in(fresh, output)
    assert tree(output) == {"index.html": b"new"} and (output / "p" / "new").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
