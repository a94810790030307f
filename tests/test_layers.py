"""The layers hold: a test of the fast layer cannot start a real build or
command in a subprocess (it would make ``make test-fast`` slow unnoticed),
whatever starts it; other programs it may start."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("start", [
    lambda site: site.build(),
    lambda site: site.courtside("check"),
    lambda site: subprocess.run(["make", "-n", "html"], cwd=site.root),
    lambda site: subprocess.run(f"{sys.executable} -m pelican --version", shell=True, cwd=site.root),
], ids=["pelican", "courtside", "make", "a shell command line"])
def test_a_fast_test_cannot_start_a_build_or_a_command(empty_site, start):
    with pytest.raises(pytest.fail.Exception, match="belongs to the e2e layer; mark the test e2e"):
        start(empty_site)


def test_a_fast_test_may_start_other_programs():
    result = subprocess.run([sys.executable, "-c", "print('fine')"], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "fine\n")


@pytest.mark.e2e
def test_an_e2e_test_may_start_a_command(empty_site):
    assert empty_site.courtside("token").returncode == 0
