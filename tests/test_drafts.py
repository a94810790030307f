"""A project of ``status: draft``: built by a preview, with a banner that
says so, and never by a production build (no page, no feed, not on the
dashboard, not in ``links``); its history starts when it is published."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from helpers import STUDIO_TOKEN, assert_no_leaks, text_of

SITEURL = "https://portals.example"
PRODUCTION_TOKEN = "Pr0dDashb0ardT0kenAbcd"


def add_draft(site, courtside) -> str:
    """A draft project ``acme/pilot``, as ``add-project --draft`` writes it; its token."""
    result = courtside(site, "add-project", "acme", "pilot", "--title", "Pilot study", "--draft")
    assert result.returncode == 0, result.stderr
    text = (site.clients / "acme.yaml").read_text("utf-8")
    return re.search(r"- id: pilot\n.*?token: (\S+)", text, re.S)[1]


@pytest.mark.e2e
def test_a_preview_builds_a_draft_with_a_banner(site, courtside):
    token = add_draft(site, courtside)
    built = site.build()
    assert built.returncode == 0, built.stderr
    page = site.portal(token)
    assert page.h1.get_text() == "Pilot study"
    banner = page.select_one(".draft-banner")
    assert text_of(banner).startswith("Draft — not published Only a preview shows this page")
    assert (site.output / "p" / token / "calendar.ics").is_file()
    dashboard = (site.output / "studio" / STUDIO_TOKEN / "index.html").read_text("utf-8")
    row = dashboard.split(f'p/{token}/"', 1)[1].split("</th>", 1)[0]
    assert "Draft — not published" in row
    # A published project has no banner.
    assert not site.portal(next(p.parent.name for p in site.output.glob("p/*/index.html")
                                if p.parent.name != token)).select(".draft-banner")


@pytest.mark.e2e
def test_a_production_build_leaves_a_draft_out_entirely(site, courtside):
    token = add_draft(site, courtside)
    built = site.build("publishconf.py", env={"SITEURL": SITEURL,
                                              "COURTSIDE_STUDIO_TOKEN": PRODUCTION_TOKEN})
    assert built.returncode == 0, built.stderr
    assert not (site.output / "p" / token).exists()
    for path in site.files():
        assert token.encode() not in path.read_bytes(), path
        assert b"Pilot study" not in path.read_bytes(), path
    assert (site.output / "studio" / PRODUCTION_TOKEN / "index.html").is_file()
    assert "6 portals for 3 clients" in built.stdout + built.stderr  # as without the draft
    assert_no_leaks(site.output, studio_token=PRODUCTION_TOKEN)


def test_links_for_production_leave_a_draft_out_and_a_preview_marks_it(site, courtside):
    token = add_draft(site, courtside)
    production = courtside(site, "links", "--json", "--settings", "publishconf.py",
                           env={"SITEURL": SITEURL})
    assert production.returncode == 0, production.stderr
    assert token not in production.stdout
    preview = courtside(site, "links")
    [line] = [line for line in preview.stdout.splitlines() if token in line]
    assert line.startswith("acme/pilot ") and line.endswith("(draft: preview only)")
    status = json.loads(courtside(site, "status", "--json", "--client", "acme").stdout)
    assert [(row["project"], row["draft"]) for row in status] == [
        ("website-redesign", False), ("pilot", True)]
    assert "Pilot study (draft)" in courtside(site, "status", "--client", "acme").stdout


def test_a_production_check_does_not_hold_a_draft_to_its_agreement(site, courtside):
    """A draft's missing term stops a preview (which builds it), not production."""
    add_draft(site, courtside)
    acme = site.clients / "acme.yaml"
    text = acme.read_text("utf-8")
    head, pilot = text.split("- id: pilot", 1)
    acme.write_text(head + "- id: pilot" + re.sub(r"\n        deposit: .*", "", pilot), "utf-8")
    assert courtside(site, "check").returncode == 1
    assert courtside(site, "check", "--settings", "publishconf.py",
                     env={"SITEURL": SITEURL}).returncode == 0


def test_a_drafts_history_starts_when_it_is_published():
    from courtside.history import project_histories
    from courtside.model import Client, Milestone, Project

    def version(status: str, due: dt.date) -> Client:
        step = Milestone(id="brief", title="Brief", owner="client", due=due)
        return Client(id="acme", name="Acme", timezone="UTC", projects=(
            Project(id="pilot", title="Pilot", token="T" * 22, milestones=(step,),
                    status=status),))  # type: ignore[arg-type]

    history = project_histories([
        (dt.date(2026, 11, 2), version("draft", dt.date(2026, 11, 20))),
        (dt.date(2026, 11, 4), version("draft", dt.date(2026, 11, 27))),   # moved as a draft
        (dt.date(2026, 11, 9), version("active", dt.date(2026, 12, 4))),   # moved and published
        (dt.date(2026, 11, 16), version("active", dt.date(2026, 12, 11))),  # moved once published
    ])["pilot"]
    brief = history.milestones["brief"]
    assert brief.first_due.day == dt.date(2026, 12, 4)
    assert [(move.day, move.new.day) for move in brief.moves] == [
        (dt.date(2026, 11, 16), dt.date(2026, 12, 11))]
    assert history.statuses == ()  # "published" is not "reopened"
