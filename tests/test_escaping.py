"""Text from a client file reaches the page as text and the feed as data:
never as markup, script, template code or calendar structure."""

from __future__ import annotations

import icalendar
import pytest
from test_calendar import ical_js

from courtside.build.render import inline_script
from courtside.filters import quoted

#: Every test reads the pages and feed a real build wrote.
pytestmark = pytest.mark.e2e

TOKEN = "Esc4pe9Test0Token1Abcd2"
PAUSED = "Pau5ed9Test0Token1Abcd2"

ATTACKS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</title><iframe src=//evil.example>",
    "{{ 7*7 }}{% raw %}",
    "[link](javascript:alert(4)) <a href=\"javascript:alert(5)\">x</a>",
    "line\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT",
    "&amp; &lt;b&gt; \\n; , \\, ü ✓",
]


def client_file(attack: str) -> str:
    quoted = '"' + attack.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n") + '"'
    return f"""\
name: {quoted}
contact: {{name: {quoted}, email: jane@example.com}}
projects:
  - id: x
    title: {quoted}
    token: {TOKEN}
    agreement:
      clauses: {quoted}
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 0, client: 0}}
        consequences: {{studio: {quoted}, client: {quoted}}}
        deposit: {quoted}
        payment_days: 14
    milestones:
      - id: first
        title: {quoted}
        owner: client
        due: 2026-11-02
        note: {quoted}
      - id: second
        title: {quoted}
        owner: studio
        due: 2026-12-02 10:00
    log:
      - date: 2026-11-02
        by: client
        text: {quoted}
        change: {{status: approved, days: 1, cost: {quoted}, after: first}}
      - date: 2026-11-03
        by: client
        text: {quoted}
        change: {{status: proposed, days: 2, cost: {quoted}}}
    notices:
      - {{text: {quoted}, from: 2026-11-01, until: 2026-12-31, kind: warning}}
  - id: y
    title: Paused one
    token: {PAUSED}
    status: paused
    paused_reason: {quoted}
    agreement:
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 0, client: 0}}
        consequences: {{studio: a, client: b}}
        deposit: 1%
        payment_days: 1
    milestones:
      - {{title: A, owner: client, due: 2026-11-02}}
"""


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_in_every_field_stay_text(empty_site, attack):
    empty_site.write_client("evil", client_file(attack))
    result = empty_site.build("publishconf.py", env={"SITEURL": "https://portals.example"})
    assert result.returncode == 0, result.stdout + result.stderr

    for token in (TOKEN, PAUSED):
        page = empty_site.portal(token)
        assert not page.find_all(["iframe", "object", "embed"])
        # The theme's own elements only: the live-update script, the timeline
        # and its legend keys, the studio's logo.
        assert [s.get_text() for s in page.find_all("script")] in ([], [inline_script("live.js")])
        assert all(set(svg["class"]) & {"timeline", "key", "notice-icon"} for svg in page.find_all("svg"))
        assert all(img.get("class") == ["logo"] for img in page.find_all("img"))
        for tag in page.find_all(True):
            assert not any(name.lower().startswith("on") for name in tag.attrs), tag
            for value in tag.attrs.values():
                assert "javascript:" not in str(value).lower(), tag
        # No template code ran (the studio's phone, +49 …, is the settings').
        assert "49" not in page.get_text().replace("+49 30 1234 5678", "")
    # The whole attack string is on the page as text, where the client put it.
    page = empty_site.portal(TOKEN)
    folded = " ".join(attack.split())
    assert folded in " ".join(page.select_one("h1").get_text().split())
    panel = " ".join(page.select_one("section.court").get_text().split())
    assert folded in panel  # the consequence
    assert f"decide on {quoted(folded, 60)}" in panel  # a proposed change waits on the client
    why = " ".join(page.select_one("ul.moved").get_text().split())
    assert f"because {folded} ({folded}) is late" in why  # the forecast says why
    assert folded in " ".join(page.select_one("section.agreement").get_text().split())  # terms
    assert folded in " ".join(empty_site.portal(PAUSED).select_one(".court-reason").get_text().split())

    feed = empty_site.output / "p" / TOKEN / "calendar.ics"
    calendar = icalendar.Calendar.from_ical(feed.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 2  # no event smuggled in through a title
    # iCalendar text has one kind of line break: CRLF in a title comes back as LF.
    attack = attack.replace("\r\n", "\n")
    expected = f"{attack}: {attack}"
    # The studio's step moved: the client's first one is late.
    moved = f"Northwind Studio: {attack} (expected)"
    assert {str(e["SUMMARY"]) for e in events} == {expected, moved}
    [parsed] = ical_js(feed)
    assert len(parsed["events"]) == 2
    assert {e["summary"] for e in parsed["events"]} == {expected, moved}


def test_markdown_fields_render_but_raw_html_and_script_links_do_not(empty_site):
    empty_site.write_client("evil", client_file("x").replace(
        'note: "x"', 'note: "**bold** [docs](https://example.com/docs) <b>raw</b> [bad](javascript:alert(1))"'))
    assert empty_site.build().returncode == 0
    page = empty_site.portal(TOKEN)
    note = page.select_one("table.schedule .note")
    assert note.find("strong").get_text() == "bold"
    [link] = note.find_all("a")
    assert link["href"] == "https://example.com/docs" and link["rel"] == ["noopener", "noreferrer"]
    assert "<b>raw</b>" in note.get_text()  # shown, not interpreted
