"""The loader accepts a client file or reports its problems, whatever the
input; it never raises, never recurses without bound and never expands an
alias bomb."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import tracemalloc
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtside.calendar import portal_calendar
from courtside.loader import load_portfolio
from courtside.portal import build_portal
from courtside.settings import CourtsideSettings
from courtside.yamlsource import MAX_VALUES, read_document
from helpers import EXAMPLE_SITE

EXAMPLES = sorted((EXAMPLE_SITE / "clients").glob("*.yaml"))
MOMENT = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def billion_laughs(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefghijk", "bcdefghijkl"[: levels - 1], strict=False):
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]\n"
    return text


def test_an_alias_bomb_is_rejected_with_little_work():
    tracemalloc.start()
    try:
        document, problems = read_document(billion_laughs(), "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert document is None
    assert "expands to more than 100,000 values" in problems[0].message
    # A billion values were asked for; the reader stopped having allocated
    # no more than a small client file needs.
    assert peak < 2_000_000


def test_the_alias_budget_counts_every_use_of_an_anchor():
    # 10 x 10 x 10 x 10 = 10,000 values: allowed; one level more is not.
    document, problems = read_document(billion_laughs(4), "ok.yaml")
    assert problems == [] and len(document.data["d"]) == 10
    assert MAX_VALUES / 2 < 10 ** 5
    _, problems = read_document(billion_laughs(6), "big.yaml")
    assert "expands to more than" in problems[0].message


def test_deep_nesting_is_an_error_not_a_crash():
    for depth in (100, 100_000):
        document, problems = read_document("a: " + "[" * depth + "]" * depth, "deep.yaml")
        assert document is None and problems[0].message == "nested more than 40 levels deep"


def options_for(folder: Path) -> CourtsideSettings:
    return CourtsideSettings(studio={"name": "Studio"}, timezone="Europe/Berlin",
                             clients_folder=folder,
                             agreements_folder=EXAMPLE_SITE / "content" / "agreements", siteurl="")


def load_and_render(text: str | bytes) -> None:
    """The whole path a client file takes: load it; if it is accepted, build
    its pages and feeds too. Anything raised fails the property."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "client.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        portfolio, problems = load_portfolio(options_for(Path(folder)))
        assert all(p.file and p.line >= 1 and p.message for p in problems), problems
        if any(p.severity == "error" for p in problems):
            return  # a build stops here
        for client, project in portfolio.published():
            template = portfolio.templates[portfolio.template_names[client.id, project.id]]
            portal = build_portal(client, project, today=MOMENT.date(), updated=MOMENT,
                                  studio={"name": "Studio"}, template=template,
                                  path=f"p/{project.token}/", feed_url="calendar.ics")
            portal_calendar(portal)


KEYS = st.sampled_from(["name", "projects", "id", "title", "token", "milestones", "owner",
                        "due", "done", "log", "date", "by", "text", "change", "status",
                        "agreement", "terms", "timezone", "contact", "start", "<<", "on", "1"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
           | st.dates().map(str) | st.sampled_from(["client", "studio", "2026-02-30",
                                                    "14:00", "2026-11-30 25:00", "Europe",
                                                    "Europe/Berlin", "../../etc/passwd",
                                                    "Zx8qW3rT5yU7iO9pA1sD2f"]))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=5),
                         max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_any_yaml_document_is_accepted_or_reported(data):
    load_and_render(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_accepted_or_reported(text):
    load_and_render(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_accepted_or_reported(data):
    load_and_render(data)


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(6)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(j, lines[i])
    elif kind == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 3:
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + rng.choice([":", "-", " ", "\t", "&a", "*a", "[", "'", "#",
                                                 "!!str ", "0", "\n  "]) + lines[i][pos:]
    elif kind == 4:
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)] + "\n"
    else:
        lines[i] = lines[i].replace(": ", ": " + rng.choice(["", "[]", "{}", "~", "yes", "-1",
                                                             "2026-13-01", "*a "]), 1)
    return "".join(lines)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.randoms(use_true_random=False), st.integers(1, 4))
def test_mutated_example_clients_are_accepted_or_reported(example, rng, rounds):
    text = example.read_text("utf-8")
    for _ in range(rounds):
        text = mutate(text, rng)
    load_and_render(text)
