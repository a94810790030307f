"""Courtside's benchmark: full builds, a rebuild and peak memory, side by side
with plain Pelican and Hugo building the same number of pages.

    .venv/bin/python benchmarks/bench.py            # N = 100 and 1,000 clients
    .venv/bin/python benchmarks/bench.py --large    # and 3,000
    .venv/bin/python benchmarks/bench.py --profile  # where a one-process build spends its time

Each client has three projects of twelve milestones, agreement terms and a
paper trail (``synthetic.py``); the baselines get one Markdown page of similar
size per project (Hugo also a calendar per page). Every build runs as its own
process, timed from start to exit, from an empty output folder and cache
(except the rebuild). Builds are repeated in rounds (three by default), each
round running every kind of build once, and the median is reported: this
machine's speed drifts, and a ratio is taken round by round so that both of
its builds ran at the same speed. Peak memory is the most the build's whole
process group (Pelican and Courtside's workers) held at once, as proportional
set size, sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from synthetic import write_clients, write_history, write_hugo_pages, write_pages

REPO = Path(__file__).resolve().parents[1]
#: The example site's content and settings (the tests' copy): the repository's
#: own are the studio's, whatever it made of them.
EXAMPLE_SITE = REPO / "tests" / "fixtures" / "site"
PYTHON = sys.executable
#: Monday 23 November 2026, 12:00 UTC: every build's "today".
EPOCH = "1795435200"

TARGETS = {
    "full": 0.6,      # full build of 1,000 clients <= 0.6 x plain Pelican
    "rebuild": 0.2,   # rebuild after one edit <= 0.2 x the full build
    "growth": 11.0,   # N=1000 <= 11 x N=100, both minus the fixed start-up
    "memory": 500,    # MB at 3,000 projects
    "history": 1.25,  # with 30 past versions per client file <= 1.25 x without
    "history_rebuild": 1.1,  # and a rebuild after one edit: nothing measurable
}
#: Past versions per client file in the history case (issue 19).
HISTORY_VERSIONS = 30

PLAIN_SETTINGS = """\
SITENAME = "Plain Pelican"
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "UTC"
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
DIRECT_TEMPLATES = []
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""

HUGO_CONFIG = """\
baseURL = "https://portals.example/"
title = "Hugo"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]
[outputs]
page = ["HTML", "Calendar"]
"""
HUGO_LAYOUTS = {
    "index.html": "<!doctype html><title>{{ .Site.Title }}</title>",
    "_default/single.html": "<!doctype html><html><head><title>{{ .Title }}</title></head>"
                            "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>",
    "_default/single.ics": (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//hugo//EN\r\n"
        "{{ range $i, $m := .Params.milestones }}BEGIN:VEVENT\r\nUID:{{ $.File.BaseFileName }}-{{ $i }}\r\n"
        "SUMMARY:{{ $m.title }}\r\nDTSTART;VALUE=DATE:{{ replace $m.due \"-\" \"\" }}\r\n"
        "END:VEVENT\r\n{{ end }}END:VCALENDAR\r\n"),
}


@dataclass
class Run:
    seconds: float
    peak_mb: float


def group_memory_mb(group: int) -> float:
    """The proportional set size of every process in ``group``: shared pages
    (workers forked from one server) count once in total."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                if int(stat.read().rsplit(b")", 1)[1].split()[2]) != group:
                    continue
            with open(f"/proc/{entry.name}/smaps_rollup", "rb") as smaps:
                for line in smaps:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total / 1024


def run(command: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run ``command`` in a process group of its own; wall time and the
    group's peak memory."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    environ.pop("COURTSIDE_STUDIO_TOKEN", None)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environ, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    peak, finished = [0.0], threading.Event()

    def sample() -> None:
        while not finished.wait(0.05):
            peak[0] = max(peak[0], group_memory_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read().decode()
    process.wait()
    seconds = time.perf_counter() - start
    finished.set()
    sampler.join()
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{stderr}")
    return Run(seconds, peak[0])


def fresh(site: Path, *outputs: str) -> Path:
    """``site`` with its output (and cache) removed: a build from scratch."""
    for name in outputs or ("output", "cache"):
        shutil.rmtree(site / name, ignore_errors=True)
    return site


def courtside_site(root: Path, clients: int, *, dashboard: bool = False) -> Path:
    site = root / "courtside"
    site.mkdir(parents=True)
    shutil.copytree(EXAMPLE_SITE / "content", site / "content")
    (site / "theme").symlink_to(REPO / "theme")
    (site / "plugins").symlink_to(REPO / "plugins")
    settings = (EXAMPLE_SITE / "pelicanconf.py").read_text("utf-8")
    if not dashboard:  # pages and feeds, as the comparison asks; the dashboard is measured apart
        settings = "\n".join(line for line in settings.splitlines() if '"studio_token"' not in line)
    (site / "pelicanconf.py").write_text(settings, "utf-8")
    write_clients(site / "clients", clients)
    return site


def plain_site(root: Path, clients: int) -> Path:
    site = root / "plain"
    write_pages(site / "content" / "pages", clients,
                (EXAMPLE_SITE / "content" / "agreements" / "standard.md").read_text("utf-8"))
    (site / "pelicanconf.py").write_text(PLAIN_SETTINGS, "utf-8")
    return site


def hugo_site(root: Path, clients: int) -> Path:
    site = root / "hugo"
    write_hugo_pages(site / "content" / "p", clients,
                     (EXAMPLE_SITE / "content" / "agreements" / "standard.md").read_text("utf-8"))
    (site / "config.toml").write_text(HUGO_CONFIG, "utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, "utf-8")
    return site


def pelican(site: Path) -> list[str]:
    return [PYTHON, "-m", "pelican", "-s", str(site / "pelicanconf.py")]


def edit_one_client(site: Path) -> None:
    """What a studio does between two builds: change one milestone's title."""
    path = sorted((site / "clients").glob("*.yaml"))[len(list((site / "clients").glob("*.yaml"))) // 2]
    text = path.read_text("utf-8")
    path.write_text(text.replace("        title: ", "        title: Revised ", 1), "utf-8")


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs))


def measure(clients: int, root: Path, hugo: bool, rounds: int) -> dict:
    projects = clients * 3
    print(f"\nN = {clients:,} clients ({projects:,} projects), {rounds} rounds ...", flush=True)
    site = courtside_site(root / f"n{clients}", clients)
    with_dashboard = courtside_site(root / f"n{clients}-dashboard", clients, dashboard=True)
    plain = plain_site(root / f"n{clients}", clients)
    hsite = hugo_site(root / f"n{clients}", clients) if hugo else None
    # The same clients, each file with its past versions in a git repository.
    with_history = courtside_site(root / f"n{clients}-history", clients)
    write_history(with_history / "clients", HISTORY_VERSIONS, repository=with_history)
    runs: dict[str, list[Run]] = {"courtside": [], "rebuild": [], "dashboard": [], "plain": [],
                                  "hugo": [], "history": [], "history_rebuild": []}
    for _ in range(rounds):
        runs["courtside"].append(run(pelican(fresh(site)), site))
        edit_one_client(site)
        runs["rebuild"].append(run(pelican(site), site))
        runs["history"].append(run(pelican(fresh(with_history)), with_history))
        edit_one_client(with_history)  # an edit not committed yet: today's version
        runs["history_rebuild"].append(run(pelican(with_history), with_history))
        runs["dashboard"].append(run(pelican(fresh(with_dashboard)), with_dashboard))
        runs["plain"].append(run(pelican(fresh(plain)), plain))
        if hsite:
            fresh(hsite, "public")
            runs["hugo"].append(run(["hugo", "--quiet", "-s", str(hsite), "-d", str(hsite / "public")],
                                    hsite))
    results = {name: median_run(measured) if measured else None for name, measured in runs.items()}
    # Round by round: both builds of a ratio ran at the machine's speed of the moment.
    results["full_ratio"] = statistics.median(
        c.seconds / p.seconds for c, p in zip(runs["courtside"], runs["plain"], strict=True))
    results["rebuild_ratio"] = statistics.median(
        r.seconds / c.seconds for c, r in zip(runs["courtside"], runs["rebuild"], strict=True))
    results["history_ratio"] = statistics.median(
        h.seconds / c.seconds for c, h in zip(runs["courtside"], runs["history"], strict=True))
    results["history_rebuild_ratio"] = statistics.median(
        h.seconds / r.seconds for r, h in zip(runs["rebuild"], runs["history_rebuild"], strict=True))
    return results


def startup(root: Path) -> float:
    """A Courtside build with no clients at all: Pelican's and Courtside's
    fixed cost, which does not grow with N."""
    site = courtside_site(root / "n0", 0)
    return min(run(pelican(site), site).seconds for _ in range(3))


def report(sizes: list[int], results: dict[int, dict], fixed: float) -> bool:
    print(f"\nFixed start-up (a build with no clients): {fixed:.2f} s")
    print("Medians of the rounds; ratios to the baselines are medians of each round's ratio "
          "in the targets\n")
    header = (f"{'N clients':>9} {'build':<28} {'seconds':>8} {'projects/s':>11} {'peak MB':>8} "
              f"{'x plain':>8} {'x Hugo':>7}")
    print(header)
    print("-" * len(header))
    for clients in sizes:
        r = results[clients]
        plain, hugo = r["plain"].seconds, r["hugo"].seconds if r["hugo"] else None
        rows = [("Courtside: pages and feeds", r["courtside"]),
                ("Courtside: after one edit", r["rebuild"]),
                ("Courtside: with dashboard", r["dashboard"]),
                (f"Courtside: {HISTORY_VERSIONS} past versions", r["history"]),
                ("  the same, after one edit", r["history_rebuild"]),
                ("plain Pelican, same pages", r["plain"]),
                ("Hugo, pages and calendars", r["hugo"])]
        for name, measured in rows:
            if measured is None:
                print(f"{clients:>9,} {name:<28} {'skipped: hugo is not on the PATH':>46}")
                continue
            print(f"{clients:>9,} {name:<28} {measured.seconds:>8.2f} "
                  f"{clients * 3 / measured.seconds:>11,.0f} {measured.peak_mb:>8.0f} "
                  f"{measured.seconds / plain:>8.2f} "
                  f"{(measured.seconds / hugo) if hugo else float('nan'):>7.2f}")
    ok = True
    print("\nTargets")
    if 1000 in results:
        r = results[1000]
        ok &= check(f"full build of 1,000 clients <= {TARGETS['full']} x plain Pelican",
                    r["full_ratio"], TARGETS["full"], "x")
        ok &= check(f"rebuild after one edit <= {TARGETS['rebuild']} x the full build",
                    r["rebuild_ratio"], TARGETS["rebuild"], "x")
        ok &= check(f"peak memory at 3,000 projects < {TARGETS['memory']} MB (all processes)",
                    r["courtside"].peak_mb, TARGETS["memory"], "MB")
        ok &= check(f"{HISTORY_VERSIONS} past versions per client file <= {TARGETS['history']} x "
                    "the build without", r["history_ratio"], TARGETS["history"], "x")
        ok &= check(f"and a rebuild after one edit <= {TARGETS['history_rebuild']} x the rebuild "
                    "without", r["history_rebuild_ratio"], TARGETS["history_rebuild"], "x")
    if 100 in results and 1000 in results:
        grown = (results[1000]["courtside"].seconds - fixed) / (results[100]["courtside"].seconds - fixed)
        ok &= check(f"N=1000 minus start-up <= {TARGETS['growth']:.0f} x N=100 minus start-up",
                    grown, TARGETS["growth"], "x")
    if 3000 in results:
        growth = (results[3000]["courtside"].seconds - fixed) / (results[1000]["courtside"].seconds - fixed)
        print(f"  N=3000 minus start-up is {growth:.2f} x N=1000 minus start-up (linear: 3)")
    return ok


def check(name: str, value: float, limit: float, unit: str) -> bool:
    passed = value <= limit
    print(f"  {'PASS' if passed else 'FAIL'}  {name}: {value:.2f} {unit}")
    return passed


def profile(root: Path, clients: int) -> None:
    """cProfile of a single-process, uncached build: where the time goes."""
    site = courtside_site(root / "profile", clients)
    settings = site / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8").replace(
        "COURTSIDE = {", 'COURTSIDE = {\n    "workers": 1, "cache": False,'), "utf-8")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.chdir(site)
    from pelican import Pelican
    from pelican.settings import read_settings
    instance = Pelican(read_settings(str(settings)))
    profiler = cProfile.Profile()
    profiler.runcall(instance.run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
        r"courtside|icalendar/cal|markdown_it/main|jinja2/environment|jsonschema|yaml/__init__", 25)
    print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000],
                        help="numbers of clients (default: 100 1000)")
    parser.add_argument("--large", action="store_true", help="also N = 3,000 clients")
    parser.add_argument("--profile", action="store_true",
                        help="profile a one-process build of 100 clients instead")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each build is repeated; the median counts (default: 3)")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes + ([3000] if args.large else [])))
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="courtside-bench-"))
    try:
        if args.profile:
            profile(root, 100)
            return 0
        hugo = shutil.which("hugo") is not None
        print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
              f"Hugo: {'yes' if hugo else 'not on the PATH (skipped)'}")
        fixed = startup(root)
        results = {clients: measure(clients, root, hugo, args.rounds) for clients in sizes}
        return 0 if report(sizes, results, fixed) else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
